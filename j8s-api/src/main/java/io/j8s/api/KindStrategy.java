package io.j8s.api;

import io.j8s.api.table.TableColumn;
import io.j8s.api.validation.FieldError;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * What is specific to one kind: defaults, validation, the write hooks the API server's generic
 * registry calls (prepare for create and update, deletion), the fields a field selector can use and
 * the Table columns {@code kubectl get} prints. The registry does everything generic (metadata,
 * resourceVersion, generation, status subresources, finalizers, graceful deletion as the hooks
 * allow) and never branches on a kind: a kind, built in or defined at run time (a custom resource),
 * is whatever its strategy says. Kubernetes' {@code rest.RESTCreateStrategy}, {@code
 * RESTUpdateStrategy}, {@code RESTDeleteStrategy} and {@code RESTGracefulDeleteStrategy} are the
 * model; docs/architecture.md has a table of what each kind does in each hook.
 *
 * <p>The order of one write: create: generic metadata, {@link #prepareForCreate}, {@link
 * #applyDefaults}, admission, {@link #validate}; update: {@link #applyDefaults}, generic carry-over
 * (immutable metadata, the status of a kind with a status subresource), {@link #prepareForUpdate},
 * admission, {@link #applyDefaults}, {@link #validate} with the old object; delete: {@link
 * #deletionGracePeriodSeconds}, {@link #prepareForDelete}, then the object goes once neither {@code
 * metadata.finalizers} nor {@link #finalizationPending} holds it.
 *
 * <p>Implementations are stateless and thread safe. Methods that receive an object owned by the
 * caller may mutate it only where they say so.
 */
public interface KindStrategy {

    /**
     * Fills in defaults as the real apiserver does (e.g. a Service's {@code type: ClusterIP},
     * {@code sessionAffinity: None}, port {@code protocol: TCP}, {@code targetPort}). Mutates
     * {@code object}. Called on create and on every update, before validation.
     */
    void applyDefaults(ObjectNode object);

    /**
     * Checks a new object (when {@code old} is null) or an update of {@code old}; returns one error
     * per bad field, empty when valid. Object metadata (name, labels, annotations) is validated
     * here too.
     */
    List<FieldError> validate(ObjectNode object, ObjectNode old);

    /**
     * Completes an object read from the store before it is served, for objects stored by an older
     * j8s (an EndpointSlice stored without {@code endpoints} gets {@code []}), as Kubernetes
     * defaults an object decoded from storage. Mutates {@code object}; cheap, since every read and
     * watch event passes through it.
     */
    default void prepareForServing(ObjectNode object) {}

    // ---- write hooks (the generic registry calls them; defaults do nothing kind-specific) ----

    /**
     * Sets what the server owns on a new object, after the registry set the generic metadata (uid,
     * creationTimestamp, generation) and before defaults: typically the status a client may not
     * choose (a Pod's {@code phase: Pending}, a Deployment's empty status). Mutates {@code object}.
     * Kubernetes' {@code RESTCreateStrategy.PrepareForCreate}.
     */
    default void prepareForCreate(ObjectNode object) {}

    /**
     * Restores on an update what a client may not change through it, after the registry carried
     * over the immutable metadata and (for kinds with a status subresource) the old status: a
     * Namespace's {@code spec.finalizers}, which change through {@code finalize} only. Called for
     * updates of the object and of its status, not for the server's own changes (binding,
     * finalize). Mutates {@code object}. Kubernetes' {@code RESTUpdateStrategy.PrepareForUpdate}.
     */
    default void prepareForUpdate(ObjectNode object, ObjectNode old) {}

    /**
     * Whether a PUT of an object that does not exist (and names no resourceVersion) creates it, as
     * Kubernetes' {@code RESTUpdateStrategy.AllowCreateOnUpdate} (true for Endpoints).
     */
    default boolean allowCreateOnUpdate() {
        return false;
    }

    /**
     * The grace period of a deletion of {@code object}: 0 removes it at once (or as soon as its
     * finalizers are gone), more marks it with a {@code deletionTimestamp} that far in the future
     * and leaves the removal to whoever finishes it (a Pod's node, with a zero-grace delete).
     * {@code requested} is the client's {@code gracePeriodSeconds} or null. Kubernetes' {@code
     * RESTGracefulDeleteStrategy.CheckGracefulDelete}; kinds without graceful deletion answer 0.
     */
    default long deletionGracePeriodSeconds(ObjectNode object, Long requested) {
        return 0;
    }

    /**
     * Marks an object whose deletion was requested, beyond the generic {@code deletionTimestamp} (a
     * Namespace's {@code status.phase: Terminating}). Mutates {@code object}; returns whether it
     * changed anything. Kubernetes does this in the kind's own storage ({@code namespace} REST).
     */
    default boolean prepareForDelete(ObjectNode object) {
        return false;
    }

    /**
     * Whether the kind's own finalization still holds {@code object} once its deletion was
     * requested, as {@code metadata.finalizers} do for every kind (a Namespace's {@code
     * spec.finalizers}, emptied by the namespace controller through {@code finalize}).
     */
    default boolean finalizationPending(ObjectNode object) {
        return false;
    }

    /**
     * The values a field selector can test: always {@code metadata.name} and {@code
     * metadata.namespace}, plus the kind's own (pods: {@code spec.nodeName}, {@code status.phase};
     * events: {@code involvedObject.*}, ...). A selector naming another field is rejected with
     * {@code field label not supported}.
     */
    Map<String, String> selectableFields(ObjectNode object);

    /**
     * The field labels a field selector may name for this kind (the keys {@link #selectableFields}
     * returns). Defaults to {@code metadata.name} and {@code metadata.namespace}.
     */
    default Set<String> fieldLabels() {
        return Set.of("metadata.name", "metadata.namespace");
    }

    /**
     * Null when a field selector may use {@code label}; otherwise the message of the 400 BadRequest
     * the real apiserver answers, e.g. {@code "spec.foo" is not a known field selector: only
     * "metadata.name", "metadata.namespace"} for kinds with the default conversion, {@code field
     * label not supported: spec.foo} for kinds with their own.
     */
    default String checkFieldLabel(String label) {
        if (fieldLabels().contains(label)) {
            return null;
        }
        return "\""
                + label
                + "\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"";
    }

    /** The columns of this kind's Table, as the real apiserver prints them. */
    List<TableColumn> tableColumns();

    /**
     * One Table row's cells, in {@link #tableColumns()} order: strings, or numbers ({@code Long})
     * where the real apiserver sends numbers (a ReplicaSet's desired/current/ready, a ConfigMap's
     * data count; a Pod's restarts are a string, {@code "0"} or {@code "2 (5s ago)"}). {@code now}
     * is used for the Age column.
     */
    List<Object> tableCells(ObjectNode object, Instant now);

    /**
     * The OpenAPI v3 schema of the served version when the kind is defined at run time (a custom
     * resource): server-side apply reads its list and map types from it. Empty for built-in kinds,
     * whose types come from j8s' schema model.
     */
    default java.util.Optional<tools.jackson.databind.JsonNode> openApiV3Schema() {
        return java.util.Optional.empty();
    }
}
