package io.j8s.node.status;

import java.util.List;

/**
 * The kubelet's {@code getPhase}: a Pod's phase from its containers' states and restart policy.
 * Pure.
 */
public final class PodPhases {

    public static final String PENDING = "Pending";
    public static final String RUNNING = "Running";
    public static final String SUCCEEDED = "Succeeded";
    public static final String FAILED = "Failed";

    private PodPhases() {}

    public static boolean isTerminal(String phase) {
        return SUCCEEDED.equals(phase) || FAILED.equals(phase);
    }

    /**
     * @param restartPolicy {@code Always}, {@code OnFailure} or {@code Never}
     * @param podIsTerminal the node has stopped the Pod for good (so {@code Always} no longer keeps
     *     it {@code Running})
     */
    public static String phase(
            String restartPolicy,
            List<ContainerSnapshot> initContainers,
            List<ContainerSnapshot> containers,
            int specContainerCount,
            boolean podIsTerminal) {
        int pendingInit = 0;
        int failedInit = 0;
        for (ContainerSnapshot c : initContainers) {
            if (c.state() instanceof RunState.Terminated t) {
                if (t.exitCode() != 0) {
                    failedInit++;
                    pendingInit++;
                }
            } else if (c.state() instanceof RunState.Waiting
                    && c.lastTerminated() != null
                    && c.lastTerminated().exitCode() != 0) {
                failedInit++;
                pendingInit++;
            } else {
                pendingInit++;
            }
        }
        if (failedInit > 0 && "Never".equals(restartPolicy)) {
            return FAILED;
        }
        int unknown = specContainerCount - containers.size();
        int running = 0;
        int waiting = 0;
        int stopped = 0;
        int succeeded = 0;
        for (ContainerSnapshot c : containers) {
            if (c.state() instanceof RunState.Running) {
                running++;
            } else if (c.state() instanceof RunState.Terminated t) {
                stopped++;
                if (t.exitCode() == 0) {
                    succeeded++;
                }
            } else if (c.state() instanceof RunState.Waiting) {
                if (c.lastTerminated() != null) {
                    stopped++;
                } else {
                    waiting++;
                }
            } else {
                unknown++;
            }
        }
        if (pendingInit > 0 && !podIsTerminal) {
            return PENDING;
        }
        if (waiting > 0) {
            return PENDING;
        }
        if (running > 0 && unknown == 0) {
            return RUNNING;
        }
        if (running == 0 && stopped > 0 && unknown == 0) {
            if (podIsTerminal) {
                return stopped == succeeded ? SUCCEEDED : FAILED;
            }
            if ("Always".equals(restartPolicy)) {
                return RUNNING;
            }
            if (stopped == succeeded) {
                return SUCCEEDED;
            }
            if ("Never".equals(restartPolicy)) {
                return FAILED;
            }
            return RUNNING;
        }
        return PENDING;
    }
}
