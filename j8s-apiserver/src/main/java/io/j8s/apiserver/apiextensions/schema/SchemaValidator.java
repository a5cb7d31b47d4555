package io.j8s.apiserver.apiextensions.schema;

import io.j8s.api.validation.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI validation Kubernetes runs on a custom resource: kube-openapi's {@code
 * validate.SchemaValidator} with its errors turned into field errors by apiextensions-apiserver's
 * {@code kubeOpenAPIResultToFieldErrors} ({@code pkg/apiserver/validation/validation.go}). Paths
 * are kube-openapi's ({@code spec.ports[0].port}, maps as {@code spec.labels.key}); messages are
 * its own ({@code spec.replicas in body must be of type integer: "string"}).
 */
final class SchemaValidator {

    /** The field path that apimachinery prints for a nil {@code *field.Path}. */
    static final String NIL_PATH = "<nil>";

    /** The most schema nodes one validation may visit (nested anyOf/oneOf multiply them). */
    static final long BUDGET = 5_000_000;

    private final String base; // the field path errors are under; null for a nil path
    private long steps;

    /** Thrown when a validation visits more than {@link #BUDGET} schema nodes. */
    private static final class BudgetExceeded extends RuntimeException {
        BudgetExceeded() {
            super(null, null, false, false);
        }
    }

    SchemaValidator(String base) {
        this.base = base;
    }

    /** Validates {@code data} against {@code node}; the kube-openapi path of the root is "". */
    List<FieldError> validate(SchemaNode node, JsonNode data) {
        List<FieldError> out = new ArrayList<>();
        steps = 0;
        try {
            validate(node, data, "", out);
        } catch (BudgetExceeded e) {
            out.add(
                    FieldError.invalid(
                            rootPath(),
                            "",
                            "validation exceeded its budget of " + BUDGET + " schema checks"));
        }
        return out;
    }

    /** The field path of a kube-openapi error name, as kubeOpenAPIResultToFieldErrors builds it. */
    String fieldPath(String name) {
        if (name.isEmpty() || name.equals(".")) {
            return base == null ? NIL_PATH : base;
        }
        String trimmed = name.startsWith(".") ? name.substring(1) : name;
        return base == null ? trimmed : base + "." + trimmed;
    }

    private String rootPath() {
        return base == null ? NIL_PATH : base;
    }

    private void validate(SchemaNode s, JsonNode data, String path, List<FieldError> out) {
        if (++steps > BUDGET) {
            throw new BudgetExceeded();
        }
        if (data == null || data.isNull() || data.isMissingNode()) {
            typeCheck(s, null, path, out);
            enumCheck(s, null, path, out);
            return;
        }
        // kube-openapi goes on after a type error: what follows applies by the data's kind
        typeCheck(s, data, path, out);
        schemaProps(s, data, path, out);
        if (data.isString()) {
            stringCheck(s, data.stringValue(), path, out);
            formatCheck(s, data.stringValue(), path, out);
        }
        if (data.isNumber()) {
            numberCheck(s, data, path, out);
        }
        if (data.isArray()) {
            sliceCheck(s, data, path, out);
        }
        enumCheck(s, data, path, out);
        if (data.isObject()) {
            objectCheck(s, data, path, out);
        }
    }

    private static List<String> types(SchemaNode s) {
        if (s.intOrString) {
            return List.of("integer", "string");
        }
        if (s.type != null && !s.type.isEmpty()) {
            return List.of(s.type);
        }
        return List.of();
    }

    /** kube-openapi's typeValidator; true when it reported an error. */
    private boolean typeCheck(SchemaNode s, JsonNode data, String path, List<FieldError> out) {
        List<String> types = types(s);
        String format = s.format == null ? "" : s.format;
        if (types.isEmpty() && format.isEmpty()) {
            return false;
        }
        if (data == null) {
            if (!types.isEmpty() && !types.contains("null") && !s.nullable) {
                out.add(typeError(path, String.join(",", types), "null"));
                return true;
            }
            return false;
        }
        String schType = GoFmt.jsonType(data);
        String dataFormat =
                schType.equals("integer") ? "int64" : schType.equals("number") ? "float64" : "";
        boolean isFloatInt =
                schType.equals("number")
                        && isJsonInteger(data.doubleValue())
                        && types.contains("integer");
        boolean isIntFloat = schType.equals("integer") && types.contains("number");
        boolean stringOrSlice = data.isString() || data.isArray();
        if (!stringOrSlice
                && !format.isEmpty()
                && !(types.contains(schType)
                        || format.equals(dataFormat)
                        || isFloatInt
                        || isIntFloat)) {
            out.add(typeError(path, format, dataFormat));
            return true;
        }
        if (!(types.contains("number") || types.contains("integer"))
                && !format.isEmpty()
                && stringOrSlice) {
            return false;
        }
        if (!(types.contains(schType) || isFloatInt || isIntFloat)) {
            out.add(typeError(path, String.join(",", types), schType));
            return true;
        }
        return false;
    }

    private FieldError typeError(String path, String typeName, String value) {
        // errors.InvalidType with a string value: typeFailWithData; field.TypeInvalid
        return new FieldError(
                fieldPath(path),
                FieldError.Type.TYPE_INVALID,
                value,
                path + " in body must be of type " + typeName + ": " + quote(value));
    }

    static boolean isJsonInteger(double f) {
        if (Double.isNaN(f) || Double.isInfinite(f)) {
            return false;
        }
        return f == Math.rint(f) && Math.abs(f) < 9.007199254740992e15;
    }

    private void schemaProps(SchemaNode s, JsonNode data, String path, List<FieldError> out) {
        if (!s.anyOf.isEmpty()) {
            List<FieldError> best = null;
            boolean ok = false;
            for (SchemaNode alt : s.anyOf) {
                List<FieldError> r = new ArrayList<>();
                validate(alt, data, path, r);
                if (r.isEmpty()) {
                    ok = true;
                    best = null;
                    break;
                }
                if (best == null || r.size() < best.size()) {
                    best = r;
                }
            }
            if (!ok) {
                out.add(
                        FieldError.invalid(
                                rootPath(),
                                "",
                                quote(path) + " must validate at least one schema (anyOf)"));
                out.addAll(best);
            }
        }
        if (!s.oneOf.isEmpty()) {
            List<FieldError> best = null;
            int validated = 0;
            for (SchemaNode alt : s.oneOf) {
                List<FieldError> r = new ArrayList<>();
                validate(alt, data, path, r);
                if (r.isEmpty()) {
                    validated++;
                    best = null;
                    continue;
                }
                if (validated == 0 && (best == null || r.size() < best.size())) {
                    best = r;
                }
            }
            if (validated != 1) {
                String more =
                        validated == 0
                                ? "Found none valid"
                                : "Found " + validated + " valid alternatives";
                out.add(
                        FieldError.invalid(
                                rootPath(),
                                "",
                                quote(path)
                                        + " must validate one and only one schema (oneOf). "
                                        + more));
                if (best != null) {
                    out.addAll(best);
                }
            }
        }
        if (!s.allOf.isEmpty()) {
            int validated = 0;
            for (SchemaNode part : s.allOf) {
                List<FieldError> r = new ArrayList<>();
                validate(part, data, path, r);
                if (r.isEmpty()) {
                    validated++;
                }
                out.addAll(r);
            }
            if (validated != s.allOf.size()) {
                String more = validated == 0 ? ". None validated" : "";
                out.add(
                        FieldError.invalid(
                                rootPath(),
                                "",
                                quote(path) + " must validate all the schemas (allOf)" + more));
            }
        }
        if (s.not != null) {
            List<FieldError> r = new ArrayList<>();
            validate(s.not, data, path, r);
            if (r.isEmpty()) {
                out.add(
                        FieldError.invalid(
                                rootPath(),
                                "",
                                quote(path) + " must not validate the schema (not)"));
            }
        }
    }

    /** kube-openapi's stringValidator: only the first failing check is reported. */
    private void stringCheck(SchemaNode s, String value, String path, List<FieldError> out) {
        long runes = value.codePointCount(0, value.length());
        if (s.maxLength != null && runes > s.maxLength) {
            // TooLongFailCode -> field.TooLongMaxLength
            out.add(
                    FieldError.tooLong(
                            fieldPath(path), (int) Math.min(Integer.MAX_VALUE, s.maxLength)));
            return;
        }
        if (s.minLength != null && runes < s.minLength) {
            out.add(
                    FieldError.invalid(
                            fieldPath(path),
                            value,
                            path + " in body should be at least " + s.minLength + " chars long"));
            return;
        }
        if (s.compiledPattern != null) {
            boolean matched;
            try {
                matched = GoRegex.matches(s.compiledPattern, value);
            } catch (GoRegex.BudgetExceeded e) {
                out.add(
                        FieldError.invalid(
                                fieldPath(path),
                                value,
                                path
                                        + " in body could not be matched against '"
                                        + s.pattern
                                        + "': "
                                        + e.getMessage()));
                return;
            }
            if (!matched) {
                out.add(
                        FieldError.invalid(
                                fieldPath(path),
                                value,
                                path + " in body should match '" + s.pattern + "'"));
            }
        }
    }

    private void formatCheck(SchemaNode s, String value, String path, List<FieldError> out) {
        if (s.format == null || !Formats.SUPPORTED.contains(s.format.replace("-", ""))) {
            return;
        }
        if (!Formats.valid(s.format, value)) {
            out.add(
                    new FieldError(
                            fieldPath(path),
                            FieldError.Type.TYPE_INVALID,
                            value,
                            path + " in body must be of type " + s.format + ": " + quote(value)));
        }
    }

    private void numberCheck(SchemaNode s, JsonNode data, String path, List<FieldError> out) {
        Object bad = GoFmt.badValue(data);
        double v = data.doubleValue();
        boolean isInt = GoFmt.isInt64(data);
        if (s.multipleOf != null) {
            double f = s.multipleOf;
            if (f <= 0) {
                out.add(
                        FieldError.invalid(
                                fieldPath(path),
                                new io.j8s.api.validation.GoValues.Raw(GoFmt.goFloat(f)),
                                "factor MultipleOf declared for "
                                        + path
                                        + " must be positive: "
                                        + GoFmt.goFloat(f)));
            } else {
                boolean ok;
                if (isInt && isJsonInteger(f)) {
                    ok = data.longValue() % (long) f == 0;
                } else {
                    double mult = f < 1 ? (1 / f) * v : v / f;
                    ok = isJsonInteger(mult) || Math.abs(mult - Math.rint(mult)) < 1e-9;
                }
                if (!ok) {
                    out.add(
                            FieldError.invalid(
                                    fieldPath(path),
                                    bad,
                                    path + " in body should be a multiple of " + GoFmt.goFloat(f)));
                }
            }
        }
        if (s.minimum != null) {
            double min = s.minimum;
            boolean bad2 = s.exclusiveMinimum ? v <= min : v < min;
            if (isInt && isJsonInteger(min)) {
                long lv = data.longValue();
                bad2 = s.exclusiveMinimum ? lv <= (long) min : lv < (long) min;
            }
            if (bad2) {
                out.add(
                        FieldError.invalid(
                                fieldPath(path),
                                bad,
                                path
                                        + " in body should be greater than "
                                        + (s.exclusiveMinimum ? "" : "or equal to ")
                                        + GoFmt.goFloat(min)));
            }
        }
        if (s.maximum != null) {
            double max = s.maximum;
            boolean bad2 = s.exclusiveMaximum ? v >= max : v > max;
            if (isInt && isJsonInteger(max)) {
                long lv = data.longValue();
                bad2 = s.exclusiveMaximum ? lv >= (long) max : lv > (long) max;
            }
            if (bad2) {
                out.add(
                        FieldError.invalid(
                                fieldPath(path),
                                bad,
                                path
                                        + " in body should be less than "
                                        + (s.exclusiveMaximum ? "" : "or equal to ")
                                        + GoFmt.goFloat(max)));
            }
        }
    }

    private void sliceCheck(SchemaNode s, JsonNode data, String path, List<FieldError> out) {
        int size = data.size();
        if (s.items != null) {
            for (int i = 0; i < size; i++) {
                validate(s.items, data.get(i), path + "[" + i + "]", out);
            }
        }
        if (s.minItems != null && size < s.minItems) {
            out.add(
                    FieldError.invalid(
                            fieldPath(path),
                            (long) size,
                            path + " in body should have at least " + s.minItems + " items"));
        }
        if (s.maxItems != null && size > s.maxItems) {
            out.add(
                    FieldError.tooMany(
                            fieldPath(path), size, (int) Math.min(Integer.MAX_VALUE, s.maxItems)));
        }
        if (s.uniqueItems) {
            boolean dup = false;
            for (int i = 0; i < size && !dup; i++) {
                for (int j = i + 1; j < size && !dup; j++) {
                    dup = GoFmt.jsonEquals(data.get(i), data.get(j));
                }
            }
            if (dup) {
                out.add(
                        FieldError.invalid(
                                fieldPath(path),
                                "",
                                path + " in body shouldn't contain duplicates"));
            }
        }
    }

    private void enumCheck(SchemaNode s, JsonNode data, String path, List<FieldError> out) {
        if (s.enumValues == null || s.enumValues.isEmpty()) {
            return;
        }
        if (data != null && !data.isNull()) {
            for (JsonNode e : s.enumValues) {
                if (!e.isNull() && GoFmt.jsonEquals(e, data)) {
                    return;
                }
            }
        }
        List<String> supported = new ArrayList<>();
        for (JsonNode e : s.enumValues) {
            supported.add(e.isString() ? e.stringValue() : e.toString());
        }
        out.add(FieldError.notSupported(fieldPath(path), GoFmt.badValue(data), supported));
    }

    private void objectCheck(SchemaNode s, JsonNode data, String path, List<FieldError> out) {
        long numKeys = data.size();
        if (s.minProperties != null && numKeys < s.minProperties) {
            out.add(
                    FieldError.invalid(
                            fieldPath(path),
                            numKeys,
                            path
                                    + " in body should have at least "
                                    + s.minProperties
                                    + " properties"));
            return;
        }
        if (s.maxProperties != null && numKeys > s.maxProperties) {
            out.add(
                    FieldError.tooMany(
                            fieldPath(path),
                            (int) numKeys,
                            (int) Math.min(Integer.MAX_VALUE, s.maxProperties)));
            return;
        }
        if (s.additionalPropertiesForbidden) {
            for (Map.Entry<String, JsonNode> e : data.properties()) {
                if (!s.properties.containsKey(e.getKey())) {
                    out.add(
                            FieldError.invalid(
                                    fieldPath(path),
                                    e.getKey(),
                                    path + "." + e.getKey() + " in body is a forbidden property"));
                }
            }
        } else if (s.additionalPropertiesSchema != null) {
            for (Map.Entry<String, JsonNode> e : data.properties()) {
                if (!s.properties.containsKey(e.getKey())) {
                    validate(
                            s.additionalPropertiesSchema,
                            e.getValue(),
                            path + "." + e.getKey(),
                            out);
                }
            }
        }
        for (Map.Entry<String, JsonNode> e : data.properties()) {
            SchemaNode p = s.properties.get(e.getKey());
            if (p != null) {
                String name = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                validate(p, e.getValue(), name, out);
            }
        }
        for (String k : s.required) {
            if (!data.has(k)) {
                out.add(FieldError.required(fieldPath(path + "." + k)));
            }
        }
    }

    static String quote(String s) {
        return io.j8s.api.validation.GoValues.quote(s);
    }
}
