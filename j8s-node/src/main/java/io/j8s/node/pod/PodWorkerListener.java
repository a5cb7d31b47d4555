package io.j8s.node.pod;

/** Told about a Pod worker's progress. Calls come from worker threads and must not block. */
public interface PodWorkerListener {

    /** The worker's snapshot changed: its status may need writing. */
    void statusChanged(PodWorker worker);

    /**
     * The worker stopped all containers of a Pod that is being deleted (or is gone) and released
     * its IP; the agent can finish the deletion.
     */
    void terminated(PodWorker worker);
}
