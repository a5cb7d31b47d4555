package io.j8s.proxy.balance;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code sessionAffinity: ClientIP}: remembers which endpoint each client IP last used, and for how
 * long that choice holds. An entry is reused while {@code now - lastUsed < timeout}, and each reuse
 * refreshes {@code lastUsed} (as the userspace kube-proxy did). Not thread-safe: {@link
 * ServicePortBalancer} serializes every call.
 */
public final class ClientIpAffinity {

    private final Duration timeout;
    private final Clock clock;
    private final Map<InetAddress, Entry> entries = new HashMap<>();

    public ClientIpAffinity(Duration timeout, Clock clock) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("affinity timeout must be positive, got " + timeout);
        }
        this.timeout = timeout;
        this.clock = clock;
    }

    public Duration timeout() {
        return timeout;
    }

    /**
     * The endpoint address pinned for {@code client}, refreshing its last use; {@code null} when
     * there is none or it has expired (an expired entry is removed).
     */
    public String lookup(InetAddress client) {
        Entry entry = entries.get(client);
        if (entry == null) {
            return null;
        }
        Instant now = clock.instant();
        if (!isLive(entry, now)) {
            entries.remove(client);
            return null;
        }
        entry.lastUsed = now;
        return entry.address;
    }

    /** Pins {@code client} to {@code address} as of now, replacing any previous choice. */
    public void pin(InetAddress client, String address) {
        entries.put(client, new Entry(address, clock.instant()));
    }

    /** Drops every entry whose endpoint is not among {@code addresses}. */
    public void retain(Set<String> addresses) {
        entries.values().removeIf(e -> !addresses.contains(e.address));
    }

    /** Drops expired entries; returns how many went. */
    public int expire() {
        Instant now = clock.instant();
        int before = entries.size();
        entries.values().removeIf(e -> !isLive(e, now));
        return before - entries.size();
    }

    public int size() {
        return entries.size();
    }

    private boolean isLive(Entry entry, Instant now) {
        return Duration.between(entry.lastUsed, now).compareTo(timeout) < 0;
    }

    private static final class Entry {
        private final String address;
        private Instant lastUsed;

        private Entry(String address, Instant lastUsed) {
            this.address = address;
            this.lastUsed = lastUsed;
        }
    }
}
