package io.j8s.controllers.util;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.j8s.client.clock.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Pod predicates as Kubernetes defines them ({@code pkg/api/v1/pod/util.go}, {@code
 * controller_utils.go}).
 */
public final class Pods {

    public static final String PHASE_PENDING = "Pending";
    public static final String PHASE_RUNNING = "Running";
    public static final String PHASE_SUCCEEDED = "Succeeded";
    public static final String PHASE_FAILED = "Failed";
    public static final String PHASE_UNKNOWN = "Unknown";

    private Pods() {}

    public static Optional<PodCondition> condition(Pod pod, String type) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getConditions().stream()
                .filter(c -> type.equals(c.getType()))
                .findFirst();
    }

    /** Condition {@code Ready} is {@code True}. */
    public static boolean isReady(Pod pod) {
        return condition(pod, "Ready").map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    /** When the pod became ready, or null when it is not ready or the time is unknown. */
    public static Instant readySince(Pod pod) {
        return condition(pod, "Ready")
                .filter(c -> "True".equals(c.getStatus()))
                .map(c -> Timestamps.parse(c.getLastTransitionTime()))
                .orElse(null);
    }

    public static String phase(Pod pod) {
        return pod.getStatus() == null || pod.getStatus().getPhase() == null
                ? ""
                : pod.getStatus().getPhase();
    }

    /** Phase {@code Succeeded} or {@code Failed}: its containers will not run again. */
    public static boolean isTerminal(Pod pod) {
        String phase = phase(pod);
        return PHASE_SUCCEEDED.equals(phase) || PHASE_FAILED.equals(phase);
    }

    public static boolean isTerminating(Pod pod) {
        return pod.getMetadata().getDeletionTimestamp() != null;
    }

    /** Not terminal and not being deleted: counts towards a workload's replicas. */
    public static boolean isActive(Pod pod) {
        return !isTerminal(pod) && !isTerminating(pod);
    }

    /** Ready for at least {@code minReadySeconds} at {@code now}. */
    public static boolean isAvailable(Pod pod, int minReadySeconds, Instant now) {
        if (!isReady(pod)) {
            return false;
        }
        if (minReadySeconds == 0) {
            return true;
        }
        Instant since = readySince(pod);
        return since != null && since.plus(Duration.ofSeconds(minReadySeconds)).isBefore(now);
    }

    public static String nodeName(Pod pod) {
        return pod.getSpec() == null || pod.getSpec().getNodeName() == null
                ? ""
                : pod.getSpec().getNodeName();
    }

    /**
     * The pod's primary IP ({@code status.podIP}, else the first of {@code status.podIPs}), or "".
     */
    public static String primaryIp(Pod pod) {
        if (pod.getStatus() == null) {
            return "";
        }
        if (pod.getStatus().getPodIP() != null && !pod.getStatus().getPodIP().isEmpty()) {
            return pod.getStatus().getPodIP();
        }
        if (pod.getStatus().getPodIPs() != null && !pod.getStatus().getPodIPs().isEmpty()) {
            String ip = pod.getStatus().getPodIPs().get(0).getIp();
            return ip == null ? "" : ip;
        }
        return "";
    }
}
