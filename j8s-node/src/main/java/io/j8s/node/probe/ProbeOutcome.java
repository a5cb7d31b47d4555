package io.j8s.node.probe;

/** One probe attempt's result and the text the kubelet would put in the {@code Unhealthy} event. */
public record ProbeOutcome(ProbeResult result, String output) {
    public static ProbeOutcome success() {
        return new ProbeOutcome(ProbeResult.SUCCESS, "");
    }

    public static ProbeOutcome failure(String output) {
        return new ProbeOutcome(ProbeResult.FAILURE, output);
    }
}
