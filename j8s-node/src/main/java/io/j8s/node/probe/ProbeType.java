package io.j8s.node.probe;

/** The three probe kinds, with the words the kubelet uses for them in events. */
public enum ProbeType {
    LIVENESS("Liveness"),
    READINESS("Readiness"),
    STARTUP("Startup");

    private final String title;

    ProbeType(String title) {
        this.title = title;
    }

    /** {@code Liveness}, {@code Readiness} or {@code Startup}. */
    public String title() {
        return title;
    }

    /**
     * The result a container has before its first probe of this kind counts: not ready, alive, not
     * started.
     */
    public ProbeResult initialResult() {
        return switch (this) {
            case READINESS -> ProbeResult.FAILURE;
            case LIVENESS -> ProbeResult.SUCCESS;
            case STARTUP -> ProbeResult.UNKNOWN;
        };
    }
}
