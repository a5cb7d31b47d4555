package io.j8s.api.validation;

import io.j8s.api.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * Validation of {@code metadata} shared by every kind, as apimachinery's {@code
 * ValidateObjectMetaAccessor} and {@code ValidateObjectMetaUpdate} do it, plus label, annotation
 * and label-selector checks that specs reuse.
 */
public final class ObjectMetaValidation {

    /** Annotations may hold at most 256 KiB of keys and values together. */
    public static final int TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

    private ObjectMetaValidation() {}

    /**
     * Checks name/generateName with {@code nameRule} (which receives the name and whether it is a
     * generateName prefix), namespace presence, labels, annotations, owner references, finalizers.
     */
    public static List<FieldError> validate(
            JsonNode object, boolean namespaced, NameRule nameRule, String path) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode meta = object.get("metadata");
        String name = Json.text(object, "metadata.name");
        String generateName = Json.text(object, "metadata.generateName");
        String namespace = Json.text(object, "metadata.namespace");
        if (!generateName.isEmpty()) {
            for (String msg : nameRule.check(generateName, true)) {
                errs.add(FieldError.invalid(path + ".generateName", generateName, msg));
            }
        }
        if (name.isEmpty()) {
            errs.add(FieldError.required(path + ".name", "name or generateName is required"));
        } else {
            for (String msg : nameRule.check(name, false)) {
                errs.add(FieldError.invalid(path + ".name", name, msg));
            }
        }
        if (namespaced) {
            if (namespace.isEmpty()) {
                errs.add(FieldError.required(path + ".namespace"));
            } else {
                for (String msg : NameRules.dns1123Label(namespace)) {
                    errs.add(FieldError.invalid(path + ".namespace", namespace, msg));
                }
            }
        } else if (!namespace.isEmpty()) {
            errs.add(FieldError.forbidden(path + ".namespace", "not allowed on this type"));
        }
        if (meta != null) {
            JsonNode generation = meta.get("generation");
            if (generation != null && generation.isNumber() && generation.longValue() < 0) {
                errs.add(
                        FieldError.invalid(
                                path + ".generation",
                                generation.longValue(),
                                "must be greater than or equal to 0"));
            }
        }
        errs.addAll(validateLabels(Json.stringMap(object, "metadata.labels"), path + ".labels"));
        errs.addAll(
                validateAnnotations(
                        Json.stringMap(object, "metadata.annotations"), path + ".annotations"));
        errs.addAll(
                validateOwnerReferences(
                        Json.elements(object, "metadata.ownerReferences"),
                        path + ".ownerReferences"));
        List<String> finalizers = Json.stringList(object, "metadata.finalizers");
        for (int i = 0; i < finalizers.size(); i++) {
            String f = finalizers.get(i);
            for (String msg : NameRules.qualifiedName(f)) {
                errs.add(FieldError.invalid(path + ".finalizers", f, msg));
            }
        }
        return errs;
    }

    /**
     * {@code ValidateObjectMetaUpdate}: name, namespace, uid and creationTimestamp may not change.
     */
    public static List<FieldError> validateUpdate(JsonNode object, JsonNode old, String path) {
        List<FieldError> errs = new ArrayList<>();
        for (String f : List.of("name", "namespace", "uid", "creationTimestamp")) {
            String now = Json.text(object, "metadata." + f);
            String before = Json.text(old, "metadata." + f);
            if (f.equals("uid") || f.equals("creationTimestamp")) {
                // Clients usually send neither; the server carries them over.
                if (now.isEmpty()) {
                    continue;
                }
            }
            if (!Objects.equals(now, before)) {
                errs.add(FieldError.invalid(path + "." + f, now, "field is immutable"));
            }
        }
        return errs;
    }

    /** {@code ValidateLabels}: every key a qualified name, every value a label value. */
    public static List<FieldError> validateLabels(Map<String, String> labels, String path) {
        List<FieldError> errs = new ArrayList<>();
        for (Map.Entry<String, String> e : labels.entrySet()) {
            for (String msg : NameRules.qualifiedName(e.getKey())) {
                errs.add(FieldError.invalid(path, e.getKey(), msg));
            }
            for (String msg : NameRules.labelValue(e.getValue())) {
                errs.add(FieldError.invalid(path, e.getValue(), msg));
            }
        }
        return errs;
    }

    /** {@code ValidateAnnotations}: qualified-name keys (lower-cased) and a total size limit. */
    public static List<FieldError> validateAnnotations(
            Map<String, String> annotations, String path) {
        List<FieldError> errs = new ArrayList<>();
        long total = 0;
        for (Map.Entry<String, String> e : annotations.entrySet()) {
            for (String msg :
                    NameRules.qualifiedName(e.getKey().toLowerCase(java.util.Locale.ROOT))) {
                errs.add(FieldError.invalid(path, e.getKey(), msg));
            }
            total += e.getKey().length() + e.getValue().length();
        }
        if (total > TOTAL_ANNOTATION_SIZE_LIMIT) {
            errs.add(FieldError.tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
        }
        return errs;
    }

    private static List<FieldError> validateOwnerReferences(List<JsonNode> refs, String path) {
        List<FieldError> errs = new ArrayList<>();
        List<String> controllers = new ArrayList<>();
        for (int i = 0; i < refs.size(); i++) {
            JsonNode ref = refs.get(i);
            String p = path + "[" + i + "]";
            String apiVersion = Json.str(ref, "apiVersion");
            String version =
                    apiVersion.contains("/")
                            ? apiVersion.substring(apiVersion.indexOf('/') + 1)
                            : apiVersion;
            if (version.isEmpty()) {
                errs.add(
                        FieldError.invalid(
                                p + ".apiVersion", apiVersion, "version must not be empty"));
            }
            if (Json.str(ref, "kind").isEmpty()) {
                errs.add(FieldError.invalid(p + ".kind", "", "kind must not be empty"));
            }
            if (Json.str(ref, "name").isEmpty()) {
                errs.add(FieldError.invalid(p + ".name", "", "name must not be empty"));
            }
            if (Json.str(ref, "uid").isEmpty()) {
                errs.add(FieldError.invalid(p + ".uid", "", "uid must not be empty"));
            }
            JsonNode controller = ref.get("controller");
            if (controller != null && controller.asBoolean(false)) {
                controllers.add(Json.str(ref, "name"));
            }
        }
        if (controllers.size() > 1) {
            errs.add(
                    FieldError.invalid(
                            path,
                            new GoValues.Raw(renderRefs(refs)),
                            "Only one reference can have Controller set to true. Found \"true\" in references for "
                                    + String.join(" and ", controllers)));
        }
        return errs;
    }

    private static String renderRefs(List<JsonNode> refs) {
        return refs.toString();
    }

    /**
     * {@code ValidateLabelSelector} of a {@code metav1.LabelSelector} tree (matchLabels and
     * matchExpressions).
     */
    public static List<FieldError> validateLabelSelector(JsonNode selector, String path) {
        List<FieldError> errs = new ArrayList<>();
        if (selector == null || !selector.isObject()) {
            return errs;
        }
        List<JsonNode> exprs = Json.elements(selector, "matchExpressions");
        for (int i = 0; i < exprs.size(); i++) {
            JsonNode e = exprs.get(i);
            String p = path + ".matchExpressions[" + i + "]";
            String op = Json.str(e, "operator");
            int values = e.has("values") && e.get("values").isArray() ? e.get("values").size() : 0;
            switch (op) {
                case "In", "NotIn" -> {
                    if (values == 0) {
                        errs.add(
                                FieldError.required(
                                        p + ".values",
                                        "must be specified when `operator` is 'In' or 'NotIn'"));
                    }
                }
                case "Exists", "DoesNotExist" -> {
                    if (values > 0) {
                        errs.add(
                                FieldError.forbidden(
                                        p + ".values",
                                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                    }
                }
                default ->
                        errs.add(
                                FieldError.invalid(
                                        p + ".operator", op, "not a valid selector operator"));
            }
            String key = Json.str(e, "key");
            for (String msg : NameRules.qualifiedName(key)) {
                errs.add(FieldError.invalid(p + ".key", key, msg));
            }
        }
        errs.addAll(validateLabels(Json.stringMap(selector, "matchLabels"), path + ".matchLabels"));
        return errs;
    }

    /** How a kind checks its names; {@code prefix} is true for a generateName. */
    @FunctionalInterface
    public interface NameRule {
        List<String> check(String name, boolean prefix);

        /** DNS-1123 subdomain (most kinds). */
        NameRule DNS_SUBDOMAIN =
                (name, prefix) ->
                        NameRules.dns1123Subdomain(
                                prefix ? NameRules.maskTrailingDash(name) : name);

        /** DNS-1123 label (namespaces). */
        NameRule DNS_LABEL =
                (name, prefix) ->
                        NameRules.dns1123Label(prefix ? NameRules.maskTrailingDash(name) : name);

        /** DNS-1035 label (services). */
        NameRule DNS1035_LABEL =
                (name, prefix) ->
                        NameRules.dns1035Label(prefix ? NameRules.maskTrailingDash(name) : name);

        /** A URL path segment (RBAC). */
        NameRule PATH_SEGMENT = (name, prefix) -> NameRules.pathSegmentName(name);
    }
}
