package io.j8s.node.ipam;

import io.j8s.node.state.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Allocates Pod IPs from the node's Pod CIDR, as the host-local IPAM plugin does.
 *
 * <ul>
 *   <li>Usable addresses skip the network address, the gateway (network + 1) and the broadcast
 *       address: in {@code 127.244.1.0/24} that is {@code .2} to {@code .254}.
 *   <li>Allocation is round-robin: the search starts after the last address handed out, so a freed
 *       address is not reused until the range has wrapped around.
 *   <li>Allocation is idempotent per Pod UID: asking again returns the Pod's address.
 *   <li>The table is persisted in {@code file} (one {@code <ip> <uid>} line per Pod, plus {@code
 *       last <ip>}), replaced atomically on every change, so a restarted agent gives each Pod back
 *       its IP.
 * </ul>
 *
 * Thread-safe: all methods synchronize on this allocator. A write is a few KiB and an fsync.
 */
public final class PodIpAllocator {

    private final Ipv4Cidr cidr;
    private final Path file;
    private final long first;
    private final long last;

    // Guarded by this.
    private final Map<String, String> ipByUid = new LinkedHashMap<>();
    private final Map<String, String> uidByIp = new HashMap<>();
    private long lastOffset;

    /**
     * Opens (or creates) the table for {@code cidr} at {@code file}. Entries outside the CIDR (the
     * node was given another range) are dropped.
     *
     * @param file where the table is kept, or null to keep it in memory only
     */
    public PodIpAllocator(Ipv4Cidr cidr, Path file) {
        if (cidr.size() < 4) {
            throw new IllegalArgumentException(
                    "Pod CIDR " + cidr + " is too small: it needs at least /30");
        }
        this.cidr = cidr;
        this.file = file;
        this.first = 2;
        this.last = cidr.size() - 2;
        this.lastOffset = last; // so the first allocation is the first usable address
        load();
    }

    public Ipv4Cidr cidr() {
        return cidr;
    }

    /** The Pod's address, allocating one if it has none. */
    public synchronized String allocate(String uid) throws IpExhaustedException {
        String existing = ipByUid.get(uid);
        if (existing != null) {
            return existing;
        }
        long usable = last - first + 1;
        long offset = lastOffset;
        for (long i = 0; i < usable; i++) {
            offset = offset >= last ? first : offset + 1;
            String ip = cidr.addressAt(offset);
            if (!uidByIp.containsKey(ip)) {
                put(uid, ip);
                lastOffset = offset;
                save();
                return ip;
            }
        }
        throw new IpExhaustedException(
                "no free Pod IP in " + cidr + ": all " + usable + " addresses are allocated");
    }

    /**
     * Gives the Pod a specific address (an agent re-adopting a Pod whose status already names one).
     * Returns false when the address is outside the range or held by another Pod.
     */
    public synchronized boolean claim(String uid, String ip) {
        long off = cidr.offsetOf(ip);
        if (off < first || off > last) {
            return false;
        }
        String holder = uidByIp.get(ip);
        if (holder != null) {
            return holder.equals(uid);
        }
        String old = ipByUid.remove(uid);
        if (old != null) {
            uidByIp.remove(old);
        }
        put(uid, ip);
        save();
        return true;
    }

    /** Frees the Pod's address; a no-op when it has none. */
    public synchronized void release(String uid) {
        String ip = ipByUid.remove(uid);
        if (ip != null) {
            uidByIp.remove(ip);
            save();
        }
    }

    public synchronized Optional<String> get(String uid) {
        return Optional.ofNullable(ipByUid.get(uid));
    }

    /** A copy of the table: Pod UID → IP. */
    public synchronized Map<String, String> allocations() {
        return Map.copyOf(ipByUid);
    }

    private void put(String uid, String ip) {
        ipByUid.put(uid, ip);
        uidByIp.put(ip, uid);
    }

    private void load() {
        if (file == null || !Files.exists(file)) {
            return;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.trim().split(" ");
                if (f.length != 2) {
                    continue;
                }
                boolean isLast = f[0].equals("last");
                long off = cidr.offsetOf(isLast ? f[1] : f[0]);
                if (off < first || off > last) {
                    continue; // outside this node's range (the node was given another CIDR)
                }
                if (isLast) {
                    lastOffset = off;
                } else {
                    put(f[1], f[0]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading Pod IP table " + file, e);
        }
    }

    private void save() {
        if (file == null) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        sb.append("last ").append(cidr.addressAt(lastOffset)).append('\n');
        ipByUid.forEach((uid, ip) -> sb.append(ip).append(' ').append(uid).append('\n'));
        AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    }
}
