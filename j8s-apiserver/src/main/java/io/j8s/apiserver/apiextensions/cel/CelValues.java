package io.j8s.apiserver.apiextensions.cel;

import dev.cel.common.values.CelByteString;
import dev.cel.common.values.NullValue;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * JSON to CEL values, guided by the schema as Kubernetes' {@code UnstructuredToVal} is: objects
 * become maps, arrays lists, integers {@code long} (a whole number where the schema says {@code
 * number} becomes {@code double}), JSON null the CEL null.
 */
final class CelValues {

    private CelValues() {}

    static Object toCel(JsonNode v, SchemaNode schema) {
        if (v == null || v.isMissingNode() || v.isNull()) {
            return NullValue.NULL_VALUE;
        }
        if (v.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : v.properties()) {
                SchemaNode child = null;
                if (schema != null) {
                    child = schema.properties.get(e.getKey());
                    if (child == null) {
                        child = schema.additionalProperties;
                    }
                }
                m.put(e.getKey(), toCel(e.getValue(), child));
            }
            return Collections.unmodifiableMap(m);
        }
        if (v.isArray()) {
            List<Object> l = new ArrayList<>(v.size());
            SchemaNode child = schema == null ? null : schema.items;
            for (JsonNode e : v) {
                l.add(toCel(e, child));
            }
            return Collections.unmodifiableList(l);
        }
        if (v.isNumber()) {
            boolean wantDouble = schema != null && schema.type.equals("number");
            if (!wantDouble && v.isIntegralNumber() && v.canConvertToLong()) {
                return v.longValue();
            }
            return v.doubleValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        String text = v.asString("");
        if (schema != null && schema.type.equals("string") && !schema.isDynamic()) {
            Object formatted = formatted(text, schema.format);
            if (formatted != null) {
                return formatted;
            }
        }
        return text;
    }

    /**
     * A string of format {@code date-time}/{@code date} as a timestamp, {@code duration} as a
     * duration, {@code byte} as bytes (model.SchemaDeclType); null when it has no such format or
     * does not parse (the rule then fails on the string's type, and the schema's format check
     * reports the value).
     */
    static Object formatted(String text, String format) {
        try {
            switch (format) {
                case "date-time":
                    return OffsetDateTime.parse(text).toInstant();
                case "date":
                    return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
                case "duration":
                    return goDuration(text);
                case "byte":
                    return CelByteString.of(Base64.getDecoder().decode(text));
                default:
                    return null;
            }
        } catch (DateTimeParseException | IllegalArgumentException | ArithmeticException e) {
            return null;
        }
    }

    private static final Pattern DURATION_PART =
            Pattern.compile("([0-9]*(?:\\.[0-9]*)?)(ns|us|\u00b5s|ms|s|m|h|d|w)");

    /**
     * Go's {@code time.ParseDuration} (and strfmt's days and weeks): {@code 1h30m}, {@code 1.5s}.
     */
    static Duration goDuration(String s) {
        String rest = s;
        boolean negative = false;
        if (rest.startsWith("-") || rest.startsWith("+")) {
            negative = rest.startsWith("-");
            rest = rest.substring(1);
        }
        if (rest.equals("0")) {
            return Duration.ZERO;
        }
        if (rest.isEmpty() || rest.length() > 64) {
            throw new IllegalArgumentException("invalid duration " + s);
        }
        Matcher m = DURATION_PART.matcher(rest);
        BigDecimal nanos = BigDecimal.ZERO;
        int at = 0;
        while (at < rest.length()) {
            if (!m.find(at) || m.start() != at || m.group(1).isEmpty() || m.group(1).equals(".")) {
                throw new IllegalArgumentException("invalid duration " + s);
            }
            long unit =
                    switch (m.group(2)) {
                        case "ns" -> 1L;
                        case "us", "\u00b5s" -> 1_000L;
                        case "ms" -> 1_000_000L;
                        case "s" -> 1_000_000_000L;
                        case "m" -> 60_000_000_000L;
                        case "h" -> 3_600_000_000_000L;
                        case "d" -> 86_400_000_000_000L;
                        default -> 604_800_000_000_000L;
                    };
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit)));
            at = m.end();
        }
        long n = nanos.toBigInteger().longValueExact();
        return Duration.ofNanos(negative ? -n : n);
    }
}
