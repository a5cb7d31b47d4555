package io.j8s.node.probe;

/**
 * The kubelet's threshold logic for one probe worker: a result only becomes the worker's settled
 * result after {@code successThreshold} consecutive successes or {@code failureThreshold}
 * consecutive failures. Not thread-safe; owned by one worker.
 */
public final class ProbeCounter {

    private final int successThreshold;
    private final int failureThreshold;
    private ProbeResult lastResult = ProbeResult.UNKNOWN;
    private int run;
    private ProbeResult settled;

    public ProbeCounter(ProbeType type, int successThreshold, int failureThreshold) {
        this.successThreshold = successThreshold;
        this.failureThreshold = failureThreshold;
        this.settled = type.initialResult();
    }

    /**
     * Counts one attempt. Returns the settled result when this attempt reaches a threshold (it may
     * equal the previous settled result), or null when the settled result stays as it was. {@link
     * ProbeResult#UNKNOWN} attempts are ignored.
     */
    public ProbeResult record(ProbeResult result) {
        if (result == ProbeResult.UNKNOWN) {
            return null;
        }
        if (result == lastResult) {
            run++;
        } else {
            lastResult = result;
            run = 1;
        }
        if ((result == ProbeResult.FAILURE && run < failureThreshold)
                || (result == ProbeResult.SUCCESS && run < successThreshold)) {
            return null;
        }
        settled = result;
        return result;
    }

    /**
     * After a liveness/startup failure the count starts over (the container is being restarted).
     */
    public void resetRun() {
        run = 0;
    }

    public ProbeResult settled() {
        return settled;
    }
}
