package io.j8s.api.protobuf;

/**
 * A request body that is not valid Kubernetes protobuf for its type: no {@code k8s\0} magic number,
 * a truncated or malformed message, a field sent with the wrong wire type, or a value JSON cannot
 * carry. The message names the problem and, where known, the field ({@code spec.ports[0].port:
 * ...}).
 */
public final class ProtobufDecodingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProtobufDecodingException(String message) {
        super(message);
    }

    public ProtobufDecodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
