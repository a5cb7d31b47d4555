package io.j8s.apiserver.registry;

import java.util.ArrayList;
import java.util.List;

/**
 * Options of one write request.
 *
 * @param dryRun validate and admit, but do not persist ({@code dryRun=All})
 * @param fieldValidation how unknown fields are treated
 * @param warnings collects {@code Warning} header texts for the response
 * @param fieldManager the manager the write's fields are recorded for in {@code managedFields}
 *     ({@code fieldManager}, else the User-Agent's prefix); null for the server's own writes
 * @param apply a server-side apply: the object's {@code managedFields} are already computed
 */
public record WriteOptions(
        boolean dryRun,
        FieldValidation fieldValidation,
        List<String> warnings,
        String fieldManager,
        boolean apply) {

    /** The manager of the server's own writes. */
    public static final String SERVER_MANAGER = "j8s-apiserver";

    public WriteOptions(boolean dryRun, FieldValidation fieldValidation, List<String> warnings) {
        this(dryRun, fieldValidation, warnings, null, false);
    }

    /** The manager to record: {@link #fieldManager}, or {@link #SERVER_MANAGER}. */
    public String manager() {
        return fieldManager == null ? SERVER_MANAGER : fieldManager;
    }

    public WriteOptions asApply() {
        return new WriteOptions(dryRun, fieldValidation, warnings, fieldManager, true);
    }

    /**
     * {@code fieldValidation}: Strict rejects unknown fields, Warn reports them, Ignore drops them.
     */
    public enum FieldValidation {
        STRICT,
        WARN,
        IGNORE
    }

    public static WriteOptions defaults() {
        return new WriteOptions(false, FieldValidation.WARN, new ArrayList<>());
    }

    public static WriteOptions internal() {
        return new WriteOptions(false, FieldValidation.IGNORE, new ArrayList<>());
    }
}
