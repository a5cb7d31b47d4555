package io.j8s.api;

import io.j8s.api.table.TableColumn;
import io.j8s.api.validation.FieldError;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * What is specific to one kind: defaults, validation, the fields a field selector can use and the
 * Table columns {@code kubectl get} prints. The API server does everything generic (metadata,
 * resourceVersion, generation, status subresources, deletion).
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
     * Checks a new object (when {@code old} is null) or an update of {@code old}; returns one
     * error per bad field, empty when valid. Object metadata (name, labels, annotations) is
     * validated here too.
     */
    List<FieldError> validate(ObjectNode object, ObjectNode old);

    /**
     * The values a field selector can test: always {@code metadata.name} and {@code
     * metadata.namespace}, plus the kind's own (pods: {@code spec.nodeName}, {@code status.phase};
     * events: {@code involvedObject.*}, ...). A selector naming another field is rejected with
     * {@code field label not supported}.
     */
    Map<String, String> selectableFields(ObjectNode object);

    /**
     * The field labels a field selector may name for this kind (the keys {@link
     * #selectableFields} returns). Defaults to {@code metadata.name} and {@code
     * metadata.namespace}.
     */
    default Set<String> fieldLabels() {
        return Set.of("metadata.name", "metadata.namespace");
    }

    /**
     * Null when a field selector may use {@code label}; otherwise the message of the 400
     * BadRequest the real apiserver answers, e.g. {@code "spec.foo" is not a known field
     * selector: only "metadata.name", "metadata.namespace"} for kinds with the default
     * conversion, {@code field label not supported: spec.foo} for kinds with their own.
     */
    default String checkFieldLabel(String label) {
        if (fieldLabels().contains(label)) {
            return null;
        }
        return "\"" + label + "\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"";
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
}
