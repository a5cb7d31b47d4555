package io.j8s.api.table;

import java.util.Objects;

/**
 * A column definition of a {@code meta.k8s.io/v1} Table.
 *
 * @param name header text (kubectl upper-cases it)
 * @param type {@code string}, {@code integer}, {@code date}, ...
 * @param format {@code name} for the Name column (kubectl's {@code kind/name} prefix), else ""
 * @param priority 0: always shown; 1: only with {@code -o wide}
 */
public record TableColumn(
        String name, String type, String format, String description, int priority) {
    public TableColumn {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(description, "description");
    }
}
