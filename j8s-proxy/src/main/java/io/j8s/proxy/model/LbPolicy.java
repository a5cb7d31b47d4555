package io.j8s.proxy.model;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How the proxy spreads new connections of one Service port over its endpoints. The host default
 * comes from {@code --lb-policy}; a Service overrides it with the annotation {@value
 * io.j8s.proxy.model.DesiredStateBuilder#LB_POLICY_ANNOTATION}.
 */
public enum LbPolicy {
    /** The userspace kube-proxy's: endpoint list shuffled on every change, then taken in turn. */
    ROUND_ROBIN("round-robin"),
    /** Uniformly random, as kube-proxy's iptables mode. */
    RANDOM("random"),
    /** The endpoint with the fewest open connections from this proxy (IPVS {@code lc}). */
    LEAST_CONNECTIONS("least-connections");

    private final String value;

    LbPolicy(String value) {
        this.value = value;
    }

    /** The spelling used by the flag and the annotation, e.g. {@code round-robin}. */
    public String value() {
        return value;
    }

    /** Looks up a policy by its spelling; empty when it names none. */
    public static Optional<LbPolicy> fromValue(String value) {
        for (LbPolicy policy : values()) {
            if (policy.value.equals(value)) {
                return Optional.of(policy);
            }
        }
        return Optional.empty();
    }

    /**
     * Parses a flag value.
     *
     * @throws IllegalArgumentException naming the bad value and the accepted ones
     */
    public static LbPolicy parse(String value) {
        return fromValue(value)
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "unknown load-balancing policy \""
                                                + value
                                                + "\"; expected one of "
                                                + spellings()));
    }

    /** The accepted spellings, comma separated. */
    public static String spellings() {
        return Arrays.stream(values()).map(LbPolicy::value).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return value;
    }
}
