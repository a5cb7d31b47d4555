package io.j8s.controllers.util.endpoint;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.j8s.client.cache.Keys;
import io.j8s.client.clock.Timestamps;
import io.j8s.controllers.util.Pods;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kubernetes' {@code TriggerTimeTracker}: works out the "last change trigger time" of a sync — the
 * earliest of the trigger times that changed since the previous sync of the same Service. A Pod's
 * trigger time is its Ready condition's {@code lastTransitionTime}; a Service's is its creation
 * time; a Service seen for the first time yields its creation time.
 *
 * <p>A sync's times are remembered only once its write succeeded ({@link Sync#commit}): a sync
 * whose write failed (a 409 from a stale cache, say) is retried with the same trigger time instead
 * of none. Kubernetes' tracker records them as it computes, so its retries drop the annotation.
 *
 * <p>Thread-safe; the work queue guarantees one sync per Service at a time.
 */
public final class TriggerTimeTracker {

    /**
     * Where a sync's trigger time is written, on Endpoints and on EndpointSlices alike (Kubernetes'
     * {@code v1.EndpointsLastChangeTriggerTime}).
     */
    public static final String TRIGGER_TIME_ANNOTATION =
            "endpoints.kubernetes.io/last-change-trigger-time";

    private record State(Instant serviceTriggerTime, Map<String, Instant> podTriggerTimes) {}

    private final Map<String, State> states = new ConcurrentHashMap<>();

    /**
     * What one sync found: its trigger time, and the times to remember once its write succeeded.
     */
    public final class Sync {
        private final String key;
        private final State next;
        private final Instant triggerTime;

        private Sync(String key, State next, Instant triggerTime) {
            this.key = key;
            this.next = next;
            this.triggerTime = triggerTime;
        }

        /** The trigger time for this sync, or null when nothing the tracker watches has changed. */
        public Instant triggerTime() {
            return triggerTime;
        }

        /**
         * Remembers this sync's times: call once its write succeeded (or nothing had to be
         * written).
         */
        public void commit() {
            states.put(key, next);
        }
    }

    /** Works out this sync's trigger time; nothing is remembered until {@link Sync#commit}. */
    public Sync compute(Service service, List<Pod> pods) {
        String key = Keys.keyOf(service);
        State previous = states.get(key);
        Map<String, Instant> lastPodTimes =
                previous == null ? Map.of() : previous.podTriggerTimes();
        Instant minChanged = null;
        Map<String, Instant> podTimes = new HashMap<>();
        for (Pod pod : pods) {
            Instant t = podTriggerTime(pod);
            if (t == null) {
                continue;
            }
            podTimes.put(pod.getMetadata().getName(), t);
            Instant last = lastPodTimes.get(pod.getMetadata().getName());
            if (last == null || t.isAfter(last)) {
                minChanged = min(minChanged, t);
            }
        }
        Instant serviceTime = Timestamps.parse(service.getMetadata().getCreationTimestamp());
        Instant lastServiceTime = previous == null ? null : previous.serviceTriggerTime();
        if (serviceTime != null
                && (lastServiceTime == null || serviceTime.isAfter(lastServiceTime))) {
            minChanged = min(minChanged, serviceTime);
        }
        State next = new State(serviceTime, Map.copyOf(podTimes));
        return new Sync(key, next, previous == null ? serviceTime : minChanged);
    }

    public void deleteService(String key) {
        states.remove(key);
    }

    /**
     * A copy of {@code annotations} (null: none) with {@link #TRIGGER_TIME_ANNOTATION} set to
     * {@code triggerTime} at nanosecond precision, or removed when it is null.
     */
    public static Map<String, String> withTriggerTime(
            Map<String, String> annotations, Instant triggerTime) {
        Map<String, String> copy =
                new LinkedHashMap<>(annotations == null ? Map.of() : annotations);
        if (triggerTime != null) {
            copy.put(TRIGGER_TIME_ANNOTATION, Timestamps.formatNano(triggerTime));
        } else {
            copy.remove(TRIGGER_TIME_ANNOTATION);
        }
        return copy;
    }

    /**
     * The trigger time {@code annotations} (null: none) carry, or null when absent or unreadable.
     */
    public static Instant triggerTimeOf(Map<String, String> annotations) {
        String text = annotations == null ? null : annotations.get(TRIGGER_TIME_ANNOTATION);
        if (text == null) {
            return null;
        }
        try {
            return Timestamps.parse(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Instant podTriggerTime(Pod pod) {
        return Pods.condition(pod, "Ready")
                .map(c -> Timestamps.parse(c.getLastTransitionTime()))
                .orElse(null);
    }

    private static Instant min(Instant current, Instant candidate) {
        return current == null || candidate.isBefore(current) ? candidate : current;
    }
}
