package io.j8s.node.probe;

import io.fabric8.kubernetes.api.model.Probe;
import java.time.Duration;

/**
 * A probe with the API's defaults applied and its times as durations (tests use sub-second ones).
 *
 * @param handler the API object (httpGet / tcpSocket / exec / grpc)
 */
public record ProbeSpec(
        ProbeType type,
        Probe handler,
        Duration initialDelay,
        Duration period,
        Duration timeout,
        int successThreshold,
        int failureThreshold) {

    public ProbeSpec {
        if (period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("probe period must be positive, was " + period);
        }
        if (successThreshold < 1 || failureThreshold < 1) {
            throw new IllegalArgumentException(
                    "probe thresholds must be >= 1, were success="
                            + successThreshold
                            + " failure="
                            + failureThreshold);
        }
        if (type != ProbeType.READINESS && successThreshold != 1) {
            successThreshold = 1; // the API requires 1 for liveness and startup probes
        }
    }

    /**
     * From the API object, defaulting as the API server does: period 10 s, timeout 1 s, success 1,
     * failure 3, no initial delay.
     */
    public static ProbeSpec from(ProbeType type, Probe p) {
        return new ProbeSpec(
                type,
                p,
                Duration.ofSeconds(orDefault(p.getInitialDelaySeconds(), 0)),
                Duration.ofSeconds(positiveOrDefault(p.getPeriodSeconds(), 10)),
                Duration.ofSeconds(positiveOrDefault(p.getTimeoutSeconds(), 1)),
                positiveOrDefault(p.getSuccessThreshold(), 1),
                positiveOrDefault(p.getFailureThreshold(), 3));
    }

    private static int orDefault(Integer v, int d) {
        return v == null ? d : v;
    }

    private static int positiveOrDefault(Integer v, int d) {
        return v == null || v < 1 ? d : v;
    }
}
