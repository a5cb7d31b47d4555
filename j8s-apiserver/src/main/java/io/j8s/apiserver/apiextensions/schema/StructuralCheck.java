package io.j8s.apiserver.apiextensions.schema;

import io.j8s.api.validation.FieldError;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Whether a CRD version's {@code openAPIV3Schema} is one Kubernetes accepts: the rules of
 * apiextensions' {@code validateCustomResourceDefinitionValidation} and {@code
 * ValidateCustomResourceDefinitionOpenAPISchema} ({@code pkg/apis/apiextensions/validation}), the
 * structural-schema invariants and completeness ({@code pkg/apiserver/schema/validation.go}, {@code
 * complete.go}) and the default values ({@code pkg/apiserver/schema/defaulting/validation.go}).
 */
final class StructuralCheck {

    private static final List<String> V3_TYPES =
            List.of("array", "boolean", "integer", "number", "object", "string");
    private static final Set<String> META_FIELDS = Set.of("metadata", "kind", "apiVersion");

    private enum Level {
        ROOT,
        ITEM,
        FIELD
    }

    private StructuralCheck() {}

    static List<FieldError> check(JsonNode schema, String path) {
        List<FieldError> errs = new ArrayList<>();
        if (schema == null || !schema.isObject()) {
            errs.add(FieldError.required(path, ""));
            return errs;
        }
        if (depth(schema, 0) > SchemaNode.MAX_DEPTH) {
            errs.add(
                    FieldError.invalid(
                            path,
                            "",
                            "must not be nested more than "
                                    + SchemaNode.MAX_DEPTH
                                    + " levels deep"));
            return errs;
        }
        if (SchemaNode.bool(schema, "nullable")) {
            errs.add(
                    FieldError.forbidden(
                            path + ".nullable", "nullable cannot be true at the root"));
        }
        // structural invariants and completeness, sorted by their text as Kubernetes sorts them;
        // a schema NewStructural cannot convert (items given as an array) skips them, and the
        // OpenAPI checks below report it
        List<FieldError> structural = new ArrayList<>();
        boolean convertible = !itemsArray(schema, 0);
        if (convertible) {
            invariants(schema, Level.ROOT, path, structural);
            completeness(schema, schema, path, path, structural);
            structural.sort(Comparator.comparing(FieldError::toString));
        }
        errs.addAll(structural);
        List<FieldError> openapi = new ArrayList<>();
        openApi(schema, path, new Ctx(false, null, false), true, openapi);
        if (convertible && structural.isEmpty()) {
            try {
                defaults(SchemaNode.parse(schema), path, true, false, errs);
            } catch (IllegalArgumentException e) {
                errs.add(FieldError.invalid(path, "", e.getMessage()));
            }
        }
        errs.addAll(openapi);
        return errs;
    }

    /** Whether some node has {@code items} as an array (NewStructural refuses those). */
    private static boolean itemsArray(JsonNode n, int d) {
        if (n == null || !n.isObject() || d > SchemaNode.MAX_DEPTH) {
            return false;
        }
        JsonNode items = n.get("items");
        if (items != null && items.isArray()) {
            return true;
        }
        if (itemsArray(items, d + 1)
                || itemsArray(n.get("additionalProperties"), d + 1)
                || itemsArray(n.get("not"), d + 1)) {
            return true;
        }
        for (String k : List.of("properties", "patternProperties", "definitions")) {
            JsonNode p = n.get(k);
            if (p != null && p.isObject()) {
                for (Map.Entry<String, JsonNode> e : p.properties()) {
                    if (itemsArray(e.getValue(), d + 1)) {
                        return true;
                    }
                }
            }
        }
        for (String k : List.of("allOf", "anyOf", "oneOf")) {
            JsonNode a = n.get(k);
            if (a != null && a.isArray()) {
                for (JsonNode x : a) {
                    if (itemsArray(x, d + 1)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static int depth(JsonNode n, int d) {
        if (d > SchemaNode.MAX_DEPTH + 1 || n == null || !n.isObject()) {
            return d;
        }
        int max = d;
        for (String k : List.of("items", "additionalProperties", "not")) {
            max = Math.max(max, depth(n.get(k), d + 1));
            if (max > SchemaNode.MAX_DEPTH) {
                return max;
            }
        }
        for (String k : List.of("properties", "patternProperties", "definitions")) {
            JsonNode p = n.get(k);
            if (p != null && p.isObject()) {
                for (Map.Entry<String, JsonNode> e : p.properties()) {
                    max = Math.max(max, depth(e.getValue(), d + 1));
                    if (max > SchemaNode.MAX_DEPTH) {
                        return max;
                    }
                }
            }
        }
        for (String k : List.of("allOf", "anyOf", "oneOf")) {
            JsonNode a = n.get(k);
            if (a != null && a.isArray()) {
                for (JsonNode x : a) {
                    max = Math.max(max, depth(x, d + 1));
                    if (max > SchemaNode.MAX_DEPTH) {
                        return max;
                    }
                }
            }
        }
        return max;
    }

    static String key(String path, String k) {
        return path + "[" + k + "]";
    }

    private static String type(JsonNode n) {
        String t = SchemaNode.text(n, "type");
        return t == null ? "" : t;
    }

    private static boolean has(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && !v.isNull() && !v.isMissingNode();
    }

    private static boolean nonEmpty(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && (v.isObject() || v.isArray()) && !v.isEmpty();
    }

    // ---- structural invariants (pkg/apiserver/schema/validation.go) ----

    private static void invariants(JsonNode s, Level lvl, String path, List<FieldError> errs) {
        String type = type(s);
        JsonNode items = s.get("items");
        if (type.equals("array") && (items == null || !items.isObject())) {
            errs.add(FieldError.required(path + ".items", "must be specified"));
        }
        if (items != null && items.isObject()) {
            invariants(items, Level.ITEM, path + ".items", errs);
        }
        JsonNode props = s.get("properties");
        if (props != null && props.isObject()) {
            for (Map.Entry<String, JsonNode> e : props.properties()) {
                if (e.getValue().isObject()) {
                    invariants(
                            e.getValue(), Level.FIELD, key(path + ".properties", e.getKey()), errs);
                }
            }
        }
        JsonNode ap = s.get("additionalProperties");
        boolean hasAp = ap != null && (ap.isObject() || ap.isBoolean());
        if (hasAp) {
            if (lvl == Level.ROOT) {
                errs.add(
                        FieldError.forbidden(
                                path + ".additionalProperties", "must not be used at the root"));
            }
            if (ap.isObject()) {
                invariants(ap, Level.FIELD, path + ".additionalProperties", errs);
            }
        }
        boolean intOrString = SchemaNode.bool(s, "x-kubernetes-int-or-string");
        boolean preserve = SchemaNode.bool(s, "x-kubernetes-preserve-unknown-fields");
        boolean embedded = SchemaNode.bool(s, "x-kubernetes-embedded-resource");
        if (intOrString && preserve) {
            errs.add(
                    FieldError.invalid(
                            path + ".x-kubernetes-preserve-unknown-fields",
                            true,
                            "must be false if x-kubernetes-int-or-string is true"));
        }
        if (intOrString && embedded) {
            errs.add(
                    FieldError.invalid(
                            path + ".x-kubernetes-embedded-resource",
                            true,
                            "must be false if x-kubernetes-int-or-string is true"));
        }
        valueValidation(
                s,
                isIntOrStringAnyOf(s.get("anyOf")),
                isIntOrStringAllOf(s),
                lvl,
                path,
                errs,
                true);
        boolean checkMetadata = lvl == Level.ROOT || embedded;
        if (embedded && !type.equals("object")) {
            if (type.isEmpty()) {
                errs.add(
                        FieldError.required(
                                path + ".type",
                                "must be object if x-kubernetes-embedded-resource is true"));
            } else {
                errs.add(
                        FieldError.invalid(
                                path + ".type",
                                type,
                                "must be object if x-kubernetes-embedded-resource is true"));
            }
        } else if (type.isEmpty() && !intOrString && !preserve) {
            String detail =
                    switch (lvl) {
                        case ROOT -> "must not be empty at the root";
                        case ITEM -> "must not be empty for specified array items";
                        case FIELD -> "must not be empty for specified object fields";
                    };
            errs.add(FieldError.required(path + ".type", detail));
        }
        if (embedded && hasAp) {
            errs.add(
                    FieldError.forbidden(
                            path + ".additionalProperties",
                            "must not be used if x-kubernetes-embedded-resource is set"));
        }
        if (lvl == Level.ROOT && !type.isEmpty() && !type.equals("object")) {
            errs.add(FieldError.invalid(path + ".type", type, "must be object at the root"));
        }
        if (props != null && props.isObject() && checkMetadata) {
            for (String f : List.of("kind", "apiVersion")) {
                JsonNode p = props.get(f);
                if (p != null && p.isObject() && !type(p).equals("string")) {
                    errs.add(
                            FieldError.invalid(
                                    key(path + ".properties", f) + ".type",
                                    type(p),
                                    "must be string"));
                }
            }
        }
        if (props != null && props.isObject() && props.get("metadata") != null) {
            JsonNode m = props.get("metadata");
            String mpath = key(path + ".properties", "metadata");
            if (checkMetadata && !type(m).equals("object")) {
                errs.add(FieldError.invalid(mpath + ".type", type(m), "must be object"));
            }
            if (lvl == Level.ROOT && m.isObject() && !metadataOnlyNames(m)) {
                errs.add(
                        FieldError.forbidden(
                                mpath,
                                "must not specify anything other than name and generateName, but"
                                        + " metadata is implicitly specified"));
            }
        }
        if (embedded && !preserve && !nonEmpty(s, "properties")) {
            errs.add(
                    FieldError.required(
                            path + ".properties",
                            "must not be empty if x-kubernetes-embedded-resource is true without"
                                    + " x-kubernetes-preserve-unknown-fields"));
        }
    }

    /** Root metadata may only say type object, a default, and properties name/generateName. */
    private static boolean metadataOnlyNames(JsonNode m) {
        for (Map.Entry<String, JsonNode> e : m.properties()) {
            switch (e.getKey()) {
                case "type", "default" -> {}
                case "properties" -> {
                    JsonNode p = e.getValue();
                    if (!p.isObject()) {
                        return false;
                    }
                    boolean name = p.has("name");
                    boolean gen = p.has("generateName");
                    boolean ok =
                            p.isEmpty()
                                    || (name && gen && p.size() == 2)
                                    || ((name || gen) && p.size() == 1);
                    if (!ok) {
                        return false;
                    }
                }
                default -> {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean isIntOrStringAnyOf(JsonNode anyOf) {
        if (anyOf == null || !anyOf.isArray() || anyOf.size() != 2) {
            return false;
        }
        return onlyType(anyOf.get(0), "integer") && onlyType(anyOf.get(1), "string");
    }

    private static boolean onlyType(JsonNode n, String type) {
        return n.isObject() && n.size() == 1 && type.equals(SchemaNode.text(n, "type"));
    }

    private static boolean isIntOrStringAllOf(JsonNode s) {
        JsonNode allOf = s.get("allOf");
        return allOf != null
                && allOf.isArray()
                && !allOf.isEmpty()
                && allOf.get(0).isObject()
                && isIntOrStringAnyOf(allOf.get(0).get("anyOf"));
    }

    /** validateValueValidation: the junctors of a node (and its pattern when {@code top}). */
    private static void valueValidation(
            JsonNode v,
            boolean skipAnyOf,
            boolean skipFirstAllOfAnyOf,
            Level lvl,
            String path,
            List<FieldError> errs,
            boolean top) {
        JsonNode anyOf = v.get("anyOf");
        if (!skipAnyOf && anyOf != null && anyOf.isArray()) {
            for (int i = 0; i < anyOf.size(); i++) {
                nested(anyOf.get(i), false, lvl, path + ".anyOf[" + i + "]", errs);
            }
        }
        JsonNode allOf = v.get("allOf");
        if (allOf != null && allOf.isArray()) {
            for (int i = 0; i < allOf.size(); i++) {
                nested(
                        allOf.get(i),
                        skipFirstAllOfAnyOf && i == 0,
                        lvl,
                        path + ".allOf[" + i + "]",
                        errs);
            }
        }
        JsonNode oneOf = v.get("oneOf");
        if (oneOf != null && oneOf.isArray()) {
            for (int i = 0; i < oneOf.size(); i++) {
                nested(oneOf.get(i), false, lvl, path + ".oneOf[" + i + "]", errs);
            }
        }
        JsonNode not = v.get("not");
        if (not != null && not.isObject()) {
            nested(not, false, lvl, path + ".not", errs);
        }
        String pattern = SchemaNode.text(v, "pattern");
        if (pattern != null && !pattern.isEmpty()) {
            try {
                GoRegex.compile(pattern);
            } catch (GoRegex.SyntaxException e) {
                errs.add(
                        FieldError.invalid(
                                path + ".pattern",
                                pattern,
                                "must be a valid regular expression, but isn't: "
                                        + e.getMessage()));
            }
        }
    }

    /** validateNestedValueValidation: what a node under allOf/anyOf/oneOf/not may not say. */
    private static void nested(
            JsonNode v, boolean skipAnyOf, Level lvl, String path, List<FieldError> errs) {
        if (v == null || !v.isObject()) {
            return;
        }
        valueValidation(v, skipAnyOf, false, lvl, path, errs, false);
        JsonNode items = v.get("items");
        if (items != null && items.isObject()) {
            nested(items, false, lvl, path + ".items", errs);
        }
        JsonNode props = v.get("properties");
        if (props != null && props.isObject()) {
            for (Map.Entry<String, JsonNode> e : props.properties()) {
                nested(
                        e.getValue(),
                        false,
                        Level.FIELD,
                        key(path + ".properties", e.getKey()),
                        errs);
            }
        }
        if (!type(v).isEmpty()) {
            errs.add(FieldError.forbidden(path + ".type", "must be empty to be structural"));
        }
        if (has(v, "additionalProperties")) {
            errs.add(
                    FieldError.forbidden(
                            path + ".additionalProperties", "must be undefined to be structural"));
        }
        if (has(v, "default")) {
            errs.add(FieldError.forbidden(path + ".default", "must be undefined to be structural"));
        }
        if (!empty(SchemaNode.text(v, "title"))) {
            errs.add(FieldError.forbidden(path + ".title", "must be empty to be structural"));
        }
        if (!empty(SchemaNode.text(v, "description"))) {
            errs.add(FieldError.forbidden(path + ".description", "must be empty to be structural"));
        }
        if (SchemaNode.bool(v, "nullable")) {
            errs.add(FieldError.forbidden(path + ".nullable", "must be false to be structural"));
        }
        if (has(v, "externalDocs")) {
            errs.add(
                    FieldError.forbidden(
                            path + ".externalDocs", "must be undefined to be structural"));
        }
        for (String x :
                List.of(
                        "x-kubernetes-preserve-unknown-fields",
                        "x-kubernetes-embedded-resource",
                        "x-kubernetes-int-or-string")) {
            if (SchemaNode.bool(v, x)) {
                errs.add(FieldError.forbidden(path + "." + x, "must be false to be structural"));
            }
        }
        if (nonEmpty(v, "x-kubernetes-list-map-keys")) {
            errs.add(
                    FieldError.forbidden(
                            path + ".x-kubernetes-list-map-keys",
                            "must be empty to be structural"));
        }
        for (String x : List.of("x-kubernetes-list-type", "x-kubernetes-map-type")) {
            if (has(v, x)) {
                errs.add(
                        FieldError.forbidden(path + "." + x, "must be undefined to be structural"));
            }
        }
        if (nonEmpty(v, "x-kubernetes-validations")) {
            errs.add(
                    FieldError.forbidden(
                            path + ".x-kubernetes-validations", "must be empty to be structural"));
        }
        if (props != null && props.isObject() && props.has("metadata")) {
            errs.add(
                    FieldError.forbidden(
                            key(path + ".properties", "metadata"),
                            "must not be specified in a nested context"));
        }
    }

    private static boolean empty(String s) {
        return s == null || s.isEmpty();
    }

    // ---- completeness (pkg/apiserver/schema/complete.go) ----

    private static void completeness(
            JsonNode v, JsonNode s, String sPath, String vPath, List<FieldError> errs) {
        if (v == null || !v.isObject()) {
            return;
        }
        JsonNode not = v.get("not");
        if (not != null && not.isObject()) {
            nestedCompleteness(not, s, sPath, vPath + ".not", errs);
        }
        for (String j : List.of("allOf", "anyOf", "oneOf")) {
            JsonNode a = v.get(j);
            if (a != null && a.isArray()) {
                for (int i = 0; i < a.size(); i++) {
                    nestedCompleteness(a.get(i), s, sPath, vPath + "." + j + "[" + i + "]", errs);
                }
            }
        }
    }

    private static void nestedCompleteness(
            JsonNode v, JsonNode s, String sPath, String vPath, List<FieldError> errs) {
        if (v == null || !v.isObject()) {
            return;
        }
        if (s == null || !s.isObject()) {
            errs.add(FieldError.required(sPath, "because it is defined in " + vPath));
            return;
        }
        completeness(v, s, sPath, vPath, errs);
        JsonNode vItems = v.get("items");
        if (vItems != null && vItems.isObject()) {
            nestedCompleteness(vItems, s.get("items"), sPath + ".items", vPath + ".items", errs);
        }
        JsonNode vProps = v.get("properties");
        if (vProps != null && vProps.isObject()) {
            JsonNode sProps = s.get("properties");
            for (Map.Entry<String, JsonNode> e : vProps.properties()) {
                JsonNode sf = sProps != null && sProps.isObject() ? sProps.get(e.getKey()) : null;
                if (sf == null) {
                    errs.add(
                            FieldError.required(
                                    key(sPath + ".properties", e.getKey()),
                                    "because it is defined in "
                                            + key(vPath + ".properties", e.getKey())));
                } else {
                    nestedCompleteness(
                            e.getValue(),
                            sf,
                            key(sPath + ".properties", e.getKey()),
                            key(vPath + ".properties", e.getKey()),
                            errs);
                }
            }
        }
    }

    // ---- ValidateCustomResourceDefinitionOpenAPISchema (pkg/apis/apiextensions/validation) ----

    /** The specStandardValidatorV3 context: defaults forbidden (and why), inside resource meta. */
    private record Ctx(boolean noDefaults, String noDefaultsReason, boolean insideResourceMeta) {
        Ctx forbidDefaults(String reason) {
            return new Ctx(true, reason, insideResourceMeta);
        }

        Ctx insideMeta() {
            return new Ctx(noDefaults, noDefaultsReason, true);
        }
    }

    private static void openApi(
            JsonNode s, String path, Ctx ctx, boolean isRoot, List<FieldError> errs) {
        if (s == null || !s.isObject()) {
            return;
        }
        String type = type(s);
        // specStandardValidatorV3.validate
        if (!type.isEmpty() && !V3_TYPES.contains(type)) {
            errs.add(FieldError.notSupported(path + ".type", type, V3_TYPES));
        }
        if (has(s, "default") && ctx.noDefaults()) {
            String detail = "must not be set";
            if (ctx.noDefaultsReason() != null) {
                detail += " " + ctx.noDefaultsReason();
            }
            errs.add(FieldError.forbidden(path + ".default", detail));
        }
        if (!empty(SchemaNode.text(s, "id"))) {
            errs.add(FieldError.forbidden(path + ".id", "id is not supported"));
        }
        if (has(s, "additionalItems")) {
            errs.add(
                    FieldError.forbidden(
                            path + ".additionalItems", "additionalItems is not supported"));
        }
        if (nonEmpty(s, "patternProperties")) {
            errs.add(
                    FieldError.forbidden(
                            path + ".patternProperties", "patternProperties is not supported"));
        }
        if (nonEmpty(s, "definitions")) {
            errs.add(FieldError.forbidden(path + ".definitions", "definitions is not supported"));
        }
        if (has(s, "dependencies")) {
            errs.add(FieldError.forbidden(path + ".dependencies", "dependencies is not supported"));
        }
        if (has(s, "$ref")) {
            errs.add(FieldError.forbidden(path + ".$ref", "$ref is not supported"));
        }
        if (type.equals("null")) {
            errs.add(
                    FieldError.forbidden(
                            path + ".type",
                            "type cannot be set to null, use nullable as an alternative"));
        }
        JsonNode items = s.get("items");
        if (items != null && items.isArray() && !items.isEmpty()) {
            errs.add(
                    FieldError.forbidden(
                            path + ".items", "items must be a schema object and not an array"));
        }
        boolean embedded = SchemaNode.bool(s, "x-kubernetes-embedded-resource");
        if (ctx.insideResourceMeta() && embedded) {
            errs.add(
                    FieldError.forbidden(
                            path + ".x-kubernetes-embedded-resource",
                            "must not be used inside of resource meta"));
        }
        if (SchemaNode.bool(s, "uniqueItems")) {
            errs.add(
                    FieldError.forbidden(
                            path + ".uniqueItems",
                            "uniqueItems cannot be set to true since the runtime complexity becomes"
                                    + " quadratic"));
        }
        JsonNode ap = s.get("additionalProperties");
        JsonNode props = s.get("properties");
        if (ap != null && (ap.isObject() || ap.isBoolean())) {
            if (props != null && props.isObject() && !props.isEmpty()) {
                if (ap.isObject() || !ap.booleanValue()) {
                    errs.add(
                            FieldError.forbidden(
                                    path + ".additionalProperties",
                                    "additionalProperties and properties are mutual exclusive"));
                }
            }
            Ctx sub = ctx;
            if (ctx.insideResourceMeta()) {
                sub = ctx.forbidDefaults("inside additionalProperties applying to object metadata");
            }
            if (ap.isObject()) {
                openApi(ap, path + ".additionalProperties", sub, false, errs);
            }
        }
        if (props != null && props.isObject()) {
            for (Map.Entry<String, JsonNode> e : props.properties()) {
                Ctx sub = ctx;
                if ((isRoot || embedded) && META_FIELDS.contains(e.getKey())) {
                    sub = sub.insideMeta();
                    if (isRoot) {
                        sub = sub.forbidDefaults("in top-level " + e.getKey());
                    }
                }
                openApi(e.getValue(), key(path + ".properties", e.getKey()), sub, false, errs);
            }
        }
        JsonNode not = s.get("not");
        if (not != null && not.isObject()) {
            openApi(not, path + ".not", ctx, false, errs);
        }
        for (String j : List.of("allOf", "oneOf", "anyOf")) {
            JsonNode a = s.get(j);
            if (a != null && a.isArray()) {
                for (int i = 0; i < a.size(); i++) {
                    openApi(a.get(i), path + "." + j + "[" + i + "]", ctx, false, errs);
                }
            }
        }
        if (items != null && items.isObject()) {
            openApi(items, path + ".items", ctx, false, errs);
        } else if (items != null && items.isArray()) {
            for (int i = 0; i < items.size(); i++) {
                openApi(items.get(i), path + ".items[" + i + "]", ctx, false, errs);
            }
        }
        JsonNode preserve = s.get("x-kubernetes-preserve-unknown-fields");
        if (preserve != null && preserve.isBoolean() && !preserve.booleanValue()) {
            errs.add(
                    FieldError.invalid(
                            path + ".x-kubernetes-preserve-unknown-fields",
                            false,
                            "must be true or undefined"));
        }
        String mapType = SchemaNode.text(s, "x-kubernetes-map-type");
        if (mapType != null && !type.equals("object")) {
            if (type.isEmpty()) {
                errs.add(
                        FieldError.required(
                                path + ".type",
                                "must be object if x-kubernetes-map-type is specified"));
            } else {
                errs.add(
                        FieldError.invalid(
                                path + ".type",
                                type,
                                "must be object if x-kubernetes-map-type is specified"));
            }
        }
        if (mapType != null && !mapType.equals("atomic") && !mapType.equals("granular")) {
            errs.add(
                    FieldError.notSupported(
                            path + ".x-kubernetes-map-type",
                            mapType,
                            List.of("atomic", "granular")));
        }
        String listType = SchemaNode.text(s, "x-kubernetes-list-type");
        if (listType != null && !type.equals("array")) {
            if (type.isEmpty()) {
                errs.add(
                        FieldError.required(
                                path + ".type",
                                "must be array if x-kubernetes-list-type is specified"));
            } else {
                errs.add(
                        FieldError.invalid(
                                path + ".type",
                                type,
                                "must be array if x-kubernetes-list-type is specified"));
            }
        } else if ("set".equals(listType) && items != null && items.isObject()) {
            String itemType = type(items);
            if (itemType.equals("array")) {
                String lt = SchemaNode.text(items, "x-kubernetes-list-type");
                if (lt != null && !lt.equals("atomic")) {
                    errs.add(
                            FieldError.invalid(
                                    path + ".items.x-kubernetes-list-type",
                                    lt,
                                    "must be atomic as item of a list with x-kubernetes-list-type=set"));
                }
            } else if (itemType.equals("object")) {
                String mt = SchemaNode.text(items, "x-kubernetes-map-type");
                if (mt == null || !mt.equals("atomic")) {
                    errs.add(
                            FieldError.invalid(
                                    path + ".items.x-kubernetes-map-type",
                                    SchemaNode.text(items, "x-kubernetes-list-type"),
                                    "must be atomic as item of a list with x-kubernetes-list-type=set"));
                }
            }
        }
        if (listType != null
                && !listType.equals("atomic")
                && !listType.equals("set")
                && !listType.equals("map")) {
            errs.add(
                    FieldError.notSupported(
                            path + ".x-kubernetes-list-type",
                            listType,
                            List.of("atomic", "set", "map")));
        }
        List<String> mapKeys = SchemaNode.strings(s.get("x-kubernetes-list-map-keys"));
        if (!mapKeys.isEmpty()) {
            if (listType == null) {
                errs.add(
                        FieldError.required(
                                path + ".x-kubernetes-list-type",
                                "must be map if x-kubernetes-list-map-keys is non-empty"));
            } else if (!listType.equals("map")) {
                errs.add(
                        FieldError.invalid(
                                path + ".x-kubernetes-list-type",
                                listType,
                                "must be map if x-kubernetes-list-map-keys is non-empty"));
            }
        }
        if ("map".equals(listType)) {
            if (mapKeys.isEmpty()) {
                errs.add(
                        FieldError.required(
                                path + ".x-kubernetes-list-map-keys",
                                "must not be empty if x-kubernetes-list-type is map"));
            }
            if (items == null) {
                errs.add(
                        FieldError.required(
                                path + ".items",
                                "must have a schema if x-kubernetes-list-type is map"));
            } else if (!items.isObject()) {
                errs.add(
                        FieldError.invalid(
                                path + ".items",
                                GoFmt.badValue(items),
                                "must only have a single schema if x-kubernetes-list-type is map"));
            } else if (!type(items).equals("object")) {
                errs.add(
                        FieldError.invalid(
                                path + ".items.type",
                                type(items),
                                "must be object if parent array's x-kubernetes-list-type is map"));
            } else {
                Set<String> seen = new HashSet<>();
                JsonNode itemProps = items.get("properties");
                for (String k : mapKeys) {
                    JsonNode p =
                            itemProps != null && itemProps.isObject() ? itemProps.get(k) : null;
                    if (p != null) {
                        String pt = type(p);
                        if (pt.equals("array") || pt.equals("object")) {
                            errs.add(
                                    FieldError.invalid(
                                            key(path + ".items.properties", k) + ".type",
                                            type(items),
                                            "must be a scalar type if parent array's"
                                                    + " x-kubernetes-list-type is map"));
                        }
                    } else {
                        errs.add(
                                FieldError.invalid(
                                        path + ".x-kubernetes-list-map-keys",
                                        mapKeys,
                                        "entries must all be names of item properties"));
                    }
                    if (!seen.add(k)) {
                        errs.add(
                                FieldError.invalid(
                                        path + ".x-kubernetes-list-map-keys",
                                        mapKeys,
                                        "must not contain duplicate entries"));
                    }
                }
            }
        }
        mapListKeysMapSet(s, listType, mapKeys, path, errs);
    }

    /** validateMapListKeysMapSet: set/map items not nullable, map keys required or defaulted. */
    private static void mapListKeysMapSet(
            JsonNode s, String listType, List<String> mapKeys, String path, List<FieldError> errs) {
        JsonNode items = s.get("items");
        if (items == null || !items.isObject() || listType == null) {
            return;
        }
        if (!listType.equals("set") && !listType.equals("map")) {
            return;
        }
        if (SchemaNode.bool(items, "nullable")) {
            errs.add(
                    FieldError.forbidden(
                            path + ".items.nullable",
                            "cannot be nullable when x-kubernetes-list-type is " + listType));
        }
        if (listType.equals("map")) {
            List<String> required = SchemaNode.strings(items.get("required"));
            JsonNode props = items.get("properties");
            for (String k : mapKeys) {
                JsonNode p = props != null && props.isObject() ? props.get(k) : null;
                if (p == null || !p.isObject()) {
                    continue;
                }
                if (!required.contains(k) && !has(p, "default")) {
                    errs.add(
                            FieldError.required(
                                    key(path + ".items.properties", k) + ".default",
                                    "this property is in x-kubernetes-list-map-keys, so it must have"
                                            + " a default or be a required property"));
                }
                if (SchemaNode.bool(p, "nullable")) {
                    errs.add(
                            FieldError.forbidden(
                                    key(path + ".items.properties", k) + ".nullable",
                                    "this property is in x-kubernetes-list-map-keys, so it cannot be"
                                            + " nullable"));
                }
            }
        }
    }

    // ---- defaults (pkg/apiserver/schema/defaulting/validation.go) ----

    private static void defaults(
            SchemaNode s,
            String path,
            boolean resourceRoot,
            boolean insideMeta,
            List<FieldError> errs) {
        boolean embedded = s.embeddedResource || resourceRoot;
        if (embedded) {
            insideMeta = false;
        }
        if (s.defaultValue != null && !insideMeta) {
            JsonNode pruned = s.defaultValue.deepCopy();
            if (pruned instanceof ObjectNode o) {
                Pruner.prune(o, s, embedded);
            } else {
                Pruner.pruneValue(pruned, s);
            }
            if (!pruned.equals(s.defaultValue)) {
                errs.add(
                        FieldError.invalid(
                                path + ".default",
                                GoFmt.badValue(s.defaultValue),
                                "must not have unknown fields"));
            } else {
                List<FieldError> metaErrs = new ArrayList<>();
                if (s.embeddedResource) {
                    EmbeddedResources.validateEmbedded(path + ".default", s.defaultValue, metaErrs);
                }
                if (!metaErrs.isEmpty()) {
                    errs.addAll(metaErrs);
                } else {
                    errs.addAll(new SchemaValidator(path + ".default").validate(s, s.defaultValue));
                }
            }
        }
        // additionalProperties is not followed: defaults are forbidden there
        if (s.items != null) {
            defaults(s.items, path + ".items", false, insideMeta, errs);
        }
        for (Map.Entry<String, SchemaNode> e : s.properties.entrySet()) {
            boolean subInsideMeta = insideMeta;
            if (embedded && META_FIELDS.contains(e.getKey())) {
                subInsideMeta = true;
            }
            defaults(
                    e.getValue(),
                    key(path + ".properties", e.getKey()),
                    false,
                    subInsideMeta,
                    errs);
        }
    }
}
