package io.j8s.apiserver.errors;

import io.j8s.api.ResourceType;
import io.j8s.api.validation.FieldError;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A failure that reaches the client as a {@code Status} body, worded as the Kubernetes apiserver
 * words it (docs/api-semantics.md, "Errors"): {@code details.kind} is the resource for 404/409 and
 * the Kind for 422. Thrown anywhere below the HTTP layer (registry, admission, auth, REST); the
 * router turns it into the response ({@link Statuses#failure}).
 */
public final class ApiException extends RuntimeException {

    /** One entry of {@code details.causes}. */
    public record Cause(String reason, String message, String field) {}

    private final int code;
    private final String reason;
    private final String name;
    private final String group;
    private final String kind;
    private final List<Cause> causes;
    private final Integer retryAfterSeconds;

    private ApiException(
            int code,
            String reason,
            String message,
            String name,
            String group,
            String kind,
            List<Cause> causes,
            Integer retryAfterSeconds) {
        super(message, null, false, false);
        this.code = code;
        this.reason = reason;
        this.name = name;
        this.group = group;
        this.kind = kind;
        this.causes = List.copyOf(causes);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    private static ApiException simple(int code, String reason, String message) {
        return new ApiException(code, reason, message, null, null, null, List.of(), null);
    }

    /** An error of any code, for the HTTP layer's own answers (408, 431, ...). */
    public static ApiException of(int code, String reason, String message) {
        return simple(code, reason, message);
    }

    private static ApiException about(
            int code, String reason, String message, ResourceType type, String name) {
        return new ApiException(
                code,
                reason,
                message,
                name,
                type.group().isEmpty() ? null : type.group(),
                type.plural(),
                List.of(),
                null);
    }

    public static ApiException notFound(ResourceType type, String name) {
        return about(
                404, "NotFound", type.groupResource() + " \"" + name + "\" not found", type, name);
    }

    /**
     * A 404 for {@code name} of a resource named otherwise than a served type ({@code group} "" for
     * core), as {@code NewNotFound(schema.GroupResource{group, resource}, name)} words it.
     */
    public static ApiException notFound(String group, String resource, String name) {
        String groupResource = group.isEmpty() ? resource : resource + "." + group;
        return new ApiException(
                404,
                "NotFound",
                groupResource + " \"" + name + "\" not found",
                name,
                group.isEmpty() ? null : group,
                resource,
                List.of(),
                null);
    }

    /** A 404 for a namespace that does not exist (creating into it, for example). */
    public static ApiException namespaceNotFound(String namespace) {
        return new ApiException(
                404,
                "NotFound",
                "namespaces \"" + namespace + "\" not found",
                namespace,
                null,
                "namespaces",
                List.of(),
                null);
    }

    public static ApiException alreadyExists(ResourceType type, String name) {
        return about(
                409,
                "AlreadyExists",
                type.groupResource() + " \"" + name + "\" already exists",
                type,
                name);
    }

    public static ApiException conflict(ResourceType type, String name) {
        return conflict(
                type,
                name,
                "the object has been modified; please apply your changes to the latest version"
                        + " and try again");
    }

    public static ApiException conflict(ResourceType type, String name, String why) {
        return about(
                409,
                "Conflict",
                "Operation cannot be fulfilled on "
                        + type.groupResource()
                        + " \""
                        + name
                        + "\": "
                        + why,
                type,
                name);
    }

    /** 422 with one cause per field error, as {@code errors.NewInvalid}. */
    public static ApiException invalid(ResourceType type, String name, List<FieldError> errors) {
        return invalid(type.kind(), type.group(), name, errors);
    }

    /**
     * 422 Invalid as {@code errors.NewInvalid} words it: the kind qualified by its group ({@code
     * Deployment.apps "web" is invalid: ...}, {@code Service "web" is invalid: ...}), one cause per
     * field error.
     */
    public static ApiException invalid(
            String kind, String group, String name, List<FieldError> errors) {
        String joined =
                errors.size() == 1
                        ? errors.get(0).toString()
                        : errors.stream()
                                .map(FieldError::toString)
                                .collect(Collectors.joining(", ", "[", "]"));
        List<Cause> causes =
                errors.stream()
                        .map(e -> new Cause(e.type().reason(), e.message(), e.field()))
                        .toList();
        return new ApiException(
                422,
                "Invalid",
                qualifiedKind(kind, group) + " \"" + name + "\" is invalid: " + joined,
                name,
                group == null || group.isEmpty() ? null : group,
                kind,
                causes,
                null);
    }

    /** {@code schema.GroupKind.String()}: {@code Kind.group}, or {@code Kind} in the core group. */
    private static String qualifiedKind(String kind, String group) {
        return group == null || group.isEmpty() ? kind : kind + "." + group;
    }

    /**
     * 409 of a server-side apply with conflicts, as {@code errors.NewApplyConflict}: reason
     * Conflict, one {@code FieldManagerConflict} cause per field, no name or kind.
     */
    public static ApiException applyConflict(String message, List<Cause> causes) {
        return new ApiException(409, "Conflict", message, null, null, null, causes, null);
    }

    /**
     * 422 for invalid request options ({@code PatchOptions}, {@code CreateOptions}, ...), as {@code
     * errors.NewInvalid} words it for the {@code meta.k8s.io} group: {@code
     * PatchOptions.meta.k8s.io "" is invalid: ...}, details kind {@code PatchOptions}.
     */
    public static ApiException invalidOptions(String optionsKind, List<FieldError> errors) {
        ApiException e = invalid(optionsKind, "meta.k8s.io", "", errors);
        return new ApiException(
                422, "Invalid", e.getMessage(), null, "meta.k8s.io", optionsKind, e.causes, null);
    }

    /** 422 without field causes, as for a patch that does not apply. */
    public static ApiException unprocessable(String message) {
        return simple(422, "Invalid", message);
    }

    public static ApiException badRequest(String message) {
        return simple(400, "BadRequest", message);
    }

    public static ApiException forbidden(String message) {
        return simple(403, "Forbidden", message);
    }

    public static ApiException forbidden(ResourceType type, String name, String message) {
        return about(403, "Forbidden", message, type, name);
    }

    /**
     * A 403 as Kubernetes' {@code NewForbidden(groupResource, name, cause)} words it: {@code nodes
     * "n2" is forbidden: <cause>}, or {@code forbidden: <cause>} when no resource is involved.
     */
    public static ApiException forbidden(String group, String resource, String name, String cause) {
        if (resource == null || resource.isEmpty()) {
            return simple(403, "Forbidden", "forbidden: " + cause);
        }
        String groupResource = group == null || group.isEmpty() ? resource : resource + "." + group;
        String message =
                name == null || name.isEmpty()
                        ? groupResource + " is forbidden: " + cause
                        : groupResource + " \"" + name + "\" is forbidden: " + cause;
        return new ApiException(
                403,
                "Forbidden",
                message,
                name == null || name.isEmpty() ? null : name,
                group == null || group.isEmpty() ? null : group,
                resource,
                List.of(),
                null);
    }

    public static ApiException unauthorized() {
        return simple(401, "Unauthorized", "Unauthorized");
    }

    public static ApiException pathNotFound() {
        return simple(404, "NotFound", "the server could not find the requested resource");
    }

    public static ApiException methodNotAllowed(String method, String what) {
        return simple(
                405,
                "MethodNotAllowed",
                "the server does not allow this method on the requested resource"
                        + (what == null ? "" : " (" + method + " " + what + ")"));
    }

    public static ApiException notAcceptable(String accept) {
        return simple(
                406,
                "NotAcceptable",
                "only the following media types are accepted: application/json, "
                        + "application/yaml, application/vnd.kubernetes.protobuf (requested "
                        + accept
                        + ")");
    }

    public static ApiException unsupportedMediaType(String contentType, List<String> accepted) {
        return simple(
                415,
                "UnsupportedMediaType",
                "the body of the request was in an unknown format - accepted"
                        + " media types include: "
                        + String.join(", ", accepted)
                        + " (got "
                        + contentType
                        + ")");
    }

    /**
     * 415 with a message of its own (a protobuf body of a kind j8s can only decode from JSON, for
     * example).
     */
    public static ApiException unsupportedMediaType(String message) {
        return simple(415, "UnsupportedMediaType", message);
    }

    public static ApiException requestEntityTooLarge(long limit) {
        return simple(
                413,
                "RequestEntityTooLarge",
                "the request is too large: limit is " + limit + " bytes");
    }

    /**
     * 413 as Kubernetes' {@code NewRequestEntityTooLargeError}: {@code Request entity too large:
     * <message>}.
     */
    public static ApiException entityTooLarge(String message) {
        return simple(413, "RequestEntityTooLarge", "Request entity too large: " + message);
    }

    /**
     * 504 as Kubernetes' {@code storage.NewTooLargeResourceVersionError}: a read at a revision the
     * server has not reached (yet), with the cause {@code ResourceVersionTooLarge} that client-go's
     * reflector recognizes, and a retry after one second.
     */
    public static ApiException tooLargeResourceVersion(long requested, long current) {
        return new ApiException(
                504,
                "Timeout",
                "Timeout: Too large resource version: " + requested + ", current: " + current,
                null,
                null,
                null,
                List.of(new Cause("ResourceVersionTooLarge", "Too large resource version", null)),
                1);
    }

    /** 410 for a watch or list from a compacted revision. */
    public static ApiException gone(String message) {
        return simple(410, "Expired", message);
    }

    public static ApiException tooManyRequests(String message, int retryAfterSeconds) {
        return new ApiException(
                429, "TooManyRequests", message, null, null, null, List.of(), retryAfterSeconds);
    }

    public static ApiException timeout(String message) {
        return simple(504, "Timeout", message);
    }

    public static ApiException serviceUnavailable(String message) {
        return simple(503, "ServiceUnavailable", message);
    }

    public static ApiException internal(String message) {
        return simple(500, "InternalError", "Internal error occurred: " + message);
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    public String name() {
        return name;
    }

    public String group() {
        return group;
    }

    public String kind() {
        return kind;
    }

    public List<Cause> causes() {
        return causes;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
