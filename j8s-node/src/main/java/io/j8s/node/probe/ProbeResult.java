package io.j8s.node.probe;

/** Outcome of one probe, or the settled state of a probe worker. */
public enum ProbeResult {
    SUCCESS,
    FAILURE,
    /** Not probed yet, or the probe itself errored (neither counts). */
    UNKNOWN
}
