package io.j8s.apiserver.apiextensions.schema;

import io.j8s.api.validation.FieldError;
import io.j8s.api.validation.NameRules;
import io.j8s.api.validation.ObjectMetaValidation;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The checks apiextensions' {@code pkg/apiserver/schema/objectmeta/validation.go} makes on every
 * {@code x-kubernetes-embedded-resource} value: {@code apiVersion} and {@code kind} present,
 * strings, not empty, a parseable group/version and a DNS-1035 label in any case; {@code metadata}
 * a valid ObjectMeta (a missing name is allowed; names are path segments).
 */
final class EmbeddedResources {

    private EmbeddedResources() {}

    /** Walks {@code x} along {@code s} and checks every embedded resource below the root. */
    static void validate(String path, JsonNode x, SchemaNode s, List<FieldError> errs, int depth) {
        if (s == null || x == null || depth > 4 * SchemaNode.MAX_DEPTH) {
            return;
        }
        if (s.embeddedResource && x.isObject()) {
            validateEmbedded(path, x, errs);
        }
        if (x.isObject()) {
            for (Map.Entry<String, JsonNode> e : x.properties()) {
                SchemaNode p = s.properties.get(e.getKey());
                if (p != null) {
                    validate(child(path, e.getKey()), e.getValue(), p, errs, depth + 1);
                } else if (s.additionalPropertiesSchema != null) {
                    validate(
                            path + "[" + e.getKey() + "]",
                            e.getValue(),
                            s.additionalPropertiesSchema,
                            errs,
                            depth + 1);
                }
            }
        } else if (x.isArray() && s.items != null) {
            for (int i = 0; i < x.size(); i++) {
                validate(path + "[" + i + "]", x.get(i), s.items, errs, depth + 1);
            }
        }
    }

    static String child(String path, String k) {
        return path.isEmpty() ? k : path + "." + k;
    }

    /** validateEmbeddedResource. */
    static void validateEmbedded(String path, JsonNode x, List<FieldError> errs) {
        if (!x.isObject()) {
            return;
        }
        if (!x.has("apiVersion")) {
            errs.add(FieldError.required(child(path, "apiVersion")));
        }
        if (!x.has("kind")) {
            errs.add(FieldError.required(child(path, "kind")));
        }
        for (Map.Entry<String, JsonNode> e : x.properties()) {
            JsonNode v = e.getValue();
            switch (e.getKey()) {
                case "apiVersion" -> {
                    String p = child(path, "apiVersion");
                    if (!v.isString()) {
                        errs.add(FieldError.invalid(p, GoFmt.badValue(v), "must be a string"));
                    } else if (v.stringValue().isEmpty()) {
                        errs.add(FieldError.required(p));
                    } else if (v.stringValue().split("/", -1).length > 2) {
                        errs.add(
                                FieldError.invalid(
                                        p,
                                        v.stringValue(),
                                        "unexpected GroupVersion string: " + v.stringValue()));
                    }
                }
                case "kind" -> {
                    String p = child(path, "kind");
                    if (!v.isString()) {
                        errs.add(FieldError.invalid(p, GoFmt.badValue(v), "must be a string"));
                    } else if (v.stringValue().isEmpty()) {
                        errs.add(FieldError.required(p));
                    } else {
                        List<String> bad =
                                NameRules.dns1035Label(v.stringValue().toLowerCase(Locale.ROOT));
                        if (!bad.isEmpty()) {
                            errs.add(
                                    FieldError.invalid(
                                            p,
                                            v.stringValue(),
                                            "may have mixed case, but should otherwise match: "
                                                    + String.join(",", bad)));
                        }
                    }
                }
                case "metadata" -> {
                    String p = child(path, "metadata");
                    if (!v.isObject()) {
                        errs.add(FieldError.invalid(p, GoFmt.badValue(v), "must be an object"));
                    } else {
                        ObjectNode meta = ((ObjectNode) v).deepCopy();
                        JsonNode name = meta.get("name");
                        if (name == null || !name.isString() || name.stringValue().isEmpty()) {
                            // objectmeta.Validate sets a name to avoid the "name required" error
                            meta.put("name", "fakename");
                        }
                        JsonNode ns = meta.get("namespace");
                        boolean namespaced =
                                ns != null && ns.isString() && !ns.stringValue().isEmpty();
                        ObjectNode wrapper = JsonNodeFactory.instance.objectNode();
                        wrapper.set("metadata", meta);
                        errs.addAll(
                                ObjectMetaValidation.validate(
                                        wrapper,
                                        namespaced,
                                        EmbeddedResources::pathSegmentName,
                                        p));
                    }
                }
                default -> {}
            }
        }
    }

    /** path.ValidatePathSegmentName, which apiextensions uses for embedded names. */
    static List<String> pathSegmentName(String name, boolean prefix) {
        if (!prefix && (name.equals(".") || name.equals(".."))) {
            return List.of("may not be '" + name + "'");
        }
        for (String bad : List.of("/", "%")) {
            if (name.contains(bad)) {
                return List.of("may not contain '" + bad + "'");
            }
        }
        return List.of();
    }
}
