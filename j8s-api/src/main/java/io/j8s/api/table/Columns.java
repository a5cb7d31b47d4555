package io.j8s.api.table;

/**
 * Column definitions shared by many kinds, with the descriptions the real apiserver takes from the
 * API's documentation ({@code SwaggerDoc}).
 */
public final class Columns {

    private Columns() {}

    public static final String NAME_DESCRIPTION =
            "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";

    public static final String CREATION_TIMESTAMP_DESCRIPTION =
            "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

    public static final String CONTAINERS_DESCRIPTION = "Names of each container in the template.";
    public static final String IMAGES_DESCRIPTION =
            "Images referenced by each container in the template.";

    /** {@code Name}, {@code format: name}, priority 0. */
    public static TableColumn name() {
        return new TableColumn("Name", "string", "name", NAME_DESCRIPTION, 0);
    }

    /** {@code Age}, priority 0. */
    public static TableColumn age() {
        return new TableColumn("Age", "string", "", CREATION_TIMESTAMP_DESCRIPTION, 0);
    }

    /** The default convertor's {@code Created At} column (kinds without a printer, e.g. Roles). */
    public static TableColumn createdAt() {
        return new TableColumn("Created At", "date", "", CREATION_TIMESTAMP_DESCRIPTION, 0);
    }

    public static TableColumn string(String name, String description) {
        return new TableColumn(name, "string", "", description, 0);
    }

    public static TableColumn wide(String name, String description) {
        return new TableColumn(name, "string", "", description, 1);
    }

    public static TableColumn integer(String name, String description) {
        return new TableColumn(name, "integer", "", description, 0);
    }
}
