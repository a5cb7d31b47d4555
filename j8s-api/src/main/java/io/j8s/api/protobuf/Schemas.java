package io.j8s.api.protobuf;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A set of message tables with every reference resolved, and which message each served kind is.
 * Immutable and thread safe.
 */
final class Schemas {
    /** The kind every group version accepts as a delete body. */
    static final String DELETE_OPTIONS = "DeleteOptions";

    private static final Schemas BUILT_IN =
            new Schemas(
                    List.of(
                            MetaV1Schema.TABLE,
                            ApimachinerySchemas.RUNTIME,
                            ApimachinerySchemas.INTSTR,
                            ApimachinerySchemas.RESOURCE,
                            CoreV1Schema.TABLE,
                            AppsV1Schema.TABLE,
                            DiscoveryV1Schema.TABLE,
                            CoordinationV1Schema.TABLE,
                            EventsV1Schema.TABLE,
                            RbacV1Schema.TABLE,
                            AuthorizationV1Schema.TABLE,
                            AuthenticationV1Schema.TABLE,
                            AutoscalingV1Schema.TABLE));

    private final Map<String, MessageSchema> messages = new LinkedHashMap<>();
    private final Map<String, MessageSchema> kinds = new HashMap<>();

    /**
     * @throws IllegalArgumentException when a table does not parse, a message is defined twice, a
     *     field refers to a message no table defines, or a kind has no message
     */
    Schemas(List<SchemaTable> tables) {
        for (SchemaTable table : tables) {
            for (MessageSchema message : table.parse()) {
                if (messages.put(message.name(), message) != null) {
                    throw new IllegalArgumentException(
                            "message " + message.name() + " is defined twice");
                }
            }
        }
        for (MessageSchema message : messages.values()) {
            for (FieldSchema field : message.fields()) {
                if (field.message() != null && !messages.containsKey(field.message())) {
                    throw new IllegalArgumentException(
                            message.name()
                                    + " field "
                                    + field.number()
                                    + " refers to undefined message "
                                    + field.message());
                }
            }
        }
        for (SchemaTable table : tables) {
            for (String kind : table.kinds()) {
                MessageSchema message = messages.get(table.alias() + "." + kind);
                if (message == null) {
                    throw new IllegalArgumentException(
                            table.alias()
                                    + " serves kind "
                                    + kind
                                    + " but defines no message for it");
                }
                kinds.put(table.apiVersion() + "/" + kind, message);
            }
        }
    }

    /** The tables of every kind j8s serves. */
    static Schemas builtIn() {
        return BUILT_IN;
    }

    /** The message named {@code name} ({@code core.PodSpec}); the name must be defined. */
    MessageSchema message(String name) {
        MessageSchema message = messages.get(name);
        if (message == null) {
            throw new IllegalArgumentException("no message " + name);
        }
        return message;
    }

    /**
     * The message of an object of {@code apiVersion}/{@code kind}. {@code DeleteOptions} is
     * accepted under any API version, as the real apiserver registers it in every group.
     */
    Optional<MessageSchema> forKind(String apiVersion, String kind) {
        if (kind.equals(DELETE_OPTIONS)) {
            return Optional.of(message("meta.DeleteOptions"));
        }
        return Optional.ofNullable(kinds.get(apiVersion + "/" + kind));
    }

    /** Every message, for tests that check the tables as a whole. */
    List<MessageSchema> all() {
        return List.copyOf(messages.values());
    }
}
