package io.j8s.proxy.config;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.j8s.proxy.model.ServiceKey;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the endpoint changes a sync is programming, for network programming latency: each
 * EndpointSlice carries {@value #ANNOTATION} (RFC 3339 with nanoseconds), the time of the earliest
 * Pod or Service change that produced it. A value not seen before for that slice is a new change.
 * Values older than the tracker (from before this proxy started) are ignored, as kube-proxy does,
 * so that a restart does not report the age of every slice as latency. Not thread-safe: used by the
 * sync thread only.
 */
final class ProgrammingTriggerTimes {

    static final String ANNOTATION = "endpoints.kubernetes.io/last-change-trigger-time";

    private final Instant startTime;
    private final Map<ServiceKey, Map<String, String>> seen = new HashMap<>();

    ProgrammingTriggerTimes(Instant startTime) {
        this.startTime = startTime;
    }

    /**
     * Records the annotation values of {@code slices} (all slices of {@code key} now) and returns
     * the trigger times that are new since the last call for the same Service.
     */
    List<Instant> newTriggerTimes(ServiceKey key, List<EndpointSlice> slices) {
        Map<String, String> previous = seen.getOrDefault(key, Map.of());
        Map<String, String> current = new HashMap<>();
        List<Instant> fresh = new ArrayList<>();
        for (EndpointSlice slice : slices) {
            if (slice.getMetadata() == null || slice.getMetadata().getAnnotations() == null) {
                continue;
            }
            String value = slice.getMetadata().getAnnotations().get(ANNOTATION);
            String name = slice.getMetadata().getName();
            if (value == null || name == null) {
                continue;
            }
            current.put(name, value);
            if (value.equals(previous.get(name))) {
                continue;
            }
            Instant t = parse(value);
            if (t != null && !t.isBefore(startTime)) {
                fresh.add(t);
            }
        }
        if (current.isEmpty()) {
            seen.remove(key);
        } else {
            seen.put(key, current);
        }
        return fresh;
    }

    /** Parses RFC 3339 (any fraction of a second, {@code Z} or an offset); null if malformed. */
    static Instant parse(String value) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
