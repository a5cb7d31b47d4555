package io.j8s.apiserver.apiextensions.schema;

import io.j8s.api.validation.GoValues;
import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * Values rendered as Go's {@code fmt} renders the decoded JSON ({@code int64}, {@code float64},
 * {@code map[string]interface{}}, {@code []interface{}}) in apimachinery's messages.
 */
final class GoFmt {

    private GoFmt() {}

    /** {@code %v} of a float64: shortest digits, exponent form below 1e-4 and from 1e21. */
    static String goFloat(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        if (d == 0) {
            return (1 / d) < 0 ? "-0" : "0";
        }
        BigDecimal b = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        double abs = Math.abs(d);
        if (abs < 1e-4 || abs >= 1e21) {
            String digits = b.unscaledValue().abs().toString();
            int exp = digits.length() - 1 - b.scale();
            StringBuilder s = new StringBuilder();
            if (d < 0) {
                s.append('-');
            }
            s.append(digits.charAt(0));
            if (digits.length() > 1) {
                s.append('.').append(digits, 1, digits.length());
            }
            s.append('e').append(exp < 0 ? '-' : '+');
            int e = Math.abs(exp);
            if (e < 10) {
                s.append('0');
            }
            return s.append(e).toString();
        }
        return b.toPlainString();
    }

    /** Whether a JSON number decodes to an int64 in Kubernetes (an integer literal in range). */
    static boolean isInt64(JsonNode n) {
        return n.isIntegralNumber() && n.canConvertToLong();
    }

    /** The JSON type name kube-openapi infers for decoded data. */
    static String jsonType(JsonNode n) {
        if (n.isString()) {
            return "string";
        }
        if (n.isBoolean()) {
            return "boolean";
        }
        if (n.isNumber()) {
            return isInt64(n) ? "integer" : "number";
        }
        if (n.isArray()) {
            return "array";
        }
        if (n.isObject()) {
            return "object";
        }
        return "null";
    }

    /** A bad value for a {@link io.j8s.api.validation.FieldError}, rendered as Kubernetes does. */
    static Object badValue(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        if (n.isString()) {
            return n.stringValue();
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isNumber()) {
            return isInt64(n) ? (Object) n.longValue() : new GoValues.Raw(goFloat(n.doubleValue()));
        }
        return new GoValues.Raw(sharpV(n));
    }

    /** {@code %#v} of decoded JSON. */
    static String sharpV(JsonNode n) {
        StringBuilder b = new StringBuilder();
        sharpV(n, b, 0);
        return b.toString();
    }

    private static void sharpV(JsonNode n, StringBuilder b, int depth) {
        if (depth > 64) {
            b.append("...");
            return;
        }
        if (n == null || n.isNull()) {
            b.append("interface {}(nil)");
        } else if (n.isString()) {
            b.append(GoValues.quote(n.stringValue()));
        } else if (n.isBoolean()) {
            b.append(n.booleanValue());
        } else if (n.isNumber()) {
            b.append(isInt64(n) ? String.valueOf(n.longValue()) : goFloat(n.doubleValue()));
        } else if (n.isArray()) {
            b.append("[]interface {}{");
            boolean first = true;
            for (JsonNode x : n) {
                if (!first) {
                    b.append(", ");
                }
                first = false;
                sharpV(x, b, depth + 1);
            }
            b.append('}');
        } else if (n.isObject()) {
            b.append("map[string]interface {}{");
            Map<String, JsonNode> sorted = new TreeMap<>();
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                sorted.put(e.getKey(), e.getValue());
            }
            boolean first = true;
            for (Map.Entry<String, JsonNode> e : sorted.entrySet()) {
                if (!first) {
                    b.append(", ");
                }
                first = false;
                b.append(GoValues.quote(e.getKey())).append(':');
                sharpV(e.getValue(), b, depth + 1);
            }
            b.append('}');
        } else {
            b.append(n);
        }
    }

    /** JSON equality with numbers compared by value (1 equals 1.0), as Go's decoded values. */
    static boolean jsonEquals(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            if (isInt64(a) && isInt64(b)) {
                return a.longValue() == b.longValue();
            }
            return a.doubleValue() == b.doubleValue();
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!jsonEquals(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (Map.Entry<String, JsonNode> e : a.properties()) {
                JsonNode o = b.get(e.getKey());
                if (o == null || !jsonEquals(e.getValue(), o)) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }
}
