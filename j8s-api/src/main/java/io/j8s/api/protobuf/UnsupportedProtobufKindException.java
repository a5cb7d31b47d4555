package io.j8s.api.protobuf;

/**
 * A well-formed protobuf body for a kind j8s has no protobuf schema for (it can only take that kind
 * as JSON or YAML).
 */
public final class UnsupportedProtobufKindException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String apiVersion;
    private final String kind;

    public UnsupportedProtobufKindException(String apiVersion, String kind) {
        super(
                "protobuf bodies of "
                        + (apiVersion.isEmpty() ? "" : apiVersion + ", ")
                        + "Kind="
                        + kind
                        + " are not supported: send it as application/json or application/yaml");
        this.apiVersion = apiVersion;
        this.kind = kind;
    }

    /** The body's {@code apiVersion} ({@code apps/v1}). */
    public String apiVersion() {
        return apiVersion;
    }

    /** The body's {@code kind} ({@code DaemonSet}). */
    public String kind() {
        return kind;
    }
}
