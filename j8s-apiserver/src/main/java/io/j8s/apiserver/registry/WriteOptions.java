package io.j8s.apiserver.registry;

import java.util.ArrayList;
import java.util.List;

/**
 * Options of one write request.
 *
 * @param dryRun validate and admit, but do not persist ({@code dryRun=All})
 * @param fieldValidation how unknown fields are treated
 * @param warnings collects {@code Warning} header texts for the response
 */
public record WriteOptions(boolean dryRun, FieldValidation fieldValidation, List<String> warnings) {

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
