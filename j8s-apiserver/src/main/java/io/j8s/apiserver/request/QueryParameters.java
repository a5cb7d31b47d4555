package io.j8s.apiserver.request;

import io.j8s.apiserver.errors.ApiException;
import io.j8s.apiserver.http.HttpExchange;
import java.time.Duration;
import java.util.Map;

/**
 * Query parameters read as the Kubernetes apiserver reads them, the one parser every handler uses.
 * Options (ListOptions, DeleteOptions, PodLogOptions, ...) are decoded by apimachinery's parameter
 * codec: a boolean is false when absent, {@code 0} or {@code false} in any case, and true for
 * anything else, an empty value included ({@code ?watch=True}, as the Python client sends it, is a
 * watch); an integer is Go's {@code strconv.ParseInt(s, 10, 64)}, whose error is the 400's message.
 * {@code timeout} (of requests that are not long-running) is Go's {@code time.ParseDuration}.
 * Stateless.
 */
public final class QueryParameters {
    private static final Map<String, Long> UNITS =
            Map.of(
                    "ns",
                    1L,
                    "us",
                    1_000L,
                    "\u00b5s",
                    1_000L,
                    "\u03bcs",
                    1_000L,
                    "ms",
                    1_000_000L,
                    "s",
                    1_000_000_000L,
                    "m",
                    60_000_000_000L,
                    "h",
                    3_600_000_000_000L);

    private QueryParameters() {}

    /**
     * A boolean option: absent, {@code 0} and {@code false} (any case) are false, any other value
     * true.
     */
    public static boolean bool(HttpExchange exchange, String name) {
        return parseBool(exchange.query(name));
    }

    /** As {@link #bool}, but null when the parameter is absent (a {@code *bool} option). */
    public static Boolean optionalBool(HttpExchange exchange, String name) {
        String value = exchange.query(name);
        return value == null ? null : parseBool(value);
    }

    /** apimachinery's {@code Convert_Slice_string_To_bool} for one (possibly absent) value. */
    public static boolean parseBool(String value) {
        return value != null && !value.equals("0") && !value.equalsIgnoreCase("false");
    }

    /** An integer option, or null when absent; 400 with Go's error when it is not an int64. */
    public static Long int64(HttpExchange exchange, String name) {
        String value = exchange.query(name);
        if (value == null) {
            return null;
        }
        try {
            return parseInt64(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /** As {@link #int64}, with {@code fallback} when absent. */
    public static long int64(HttpExchange exchange, String name, long fallback) {
        Long value = int64(exchange, name);
        return value == null ? fallback : value;
    }

    /**
     * Go's {@code strconv.ParseInt(value, 10, 64)}: an optional sign and decimal digits.
     *
     * @throws IllegalArgumentException worded as Go's error ({@code strconv.ParseInt: parsing "x":
     *     invalid syntax}, {@code ... value out of range})
     */
    public static long parseInt64(String value) {
        int start = !value.isEmpty() && (value.charAt(0) == '+' || value.charAt(0) == '-') ? 1 : 0;
        if (start == value.length()) {
            throw new IllegalArgumentException(intError(value, "invalid syntax"));
        }
        for (int i = start; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException(intError(value, "invalid syntax"));
            }
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(intError(value, "value out of range"));
        }
    }

    private static String intError(String value, String reason) {
        return "strconv.ParseInt: parsing " + goQuote(value) + ": " + reason;
    }

    /**
     * {@code ?timeout} of a short request, or null when absent or empty; 400 {@code invalid timeout
     * specified in the request URL - time: invalid duration "x"} when it is not a Go duration.
     */
    public static Duration timeout(HttpExchange exchange) {
        String value = exchange.query("timeout");
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return parseDuration(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(
                    "invalid timeout specified in the request URL - " + e.getMessage());
        }
    }

    /**
     * Go's {@code time.ParseDuration}: {@code [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+}, units ns, us (µs),
     * ms, s, m, h; a lone {@code 0} is allowed.
     *
     * @throws IllegalArgumentException worded as Go's error
     */
    public static Duration parseDuration(String value) {
        String s = value;
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.isEmpty()) {
            throw invalidDuration(value);
        }
        java.math.BigDecimal total = java.math.BigDecimal.ZERO;
        while (!s.isEmpty()) {
            char c = s.charAt(0);
            if (!(c == '.' || (c >= '0' && c <= '9'))) {
                throw invalidDuration(value);
            }
            int i = 0;
            while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
            }
            String whole = s.substring(0, i);
            String fraction = "";
            if (i < s.length() && s.charAt(i) == '.') {
                int j = i + 1;
                while (j < s.length() && s.charAt(j) >= '0' && s.charAt(j) <= '9') {
                    j++;
                }
                fraction = s.substring(i + 1, j);
                i = j;
            }
            if (whole.isEmpty() && fraction.isEmpty()) {
                throw invalidDuration(value);
            }
            int u = i;
            while (u < s.length()
                    && s.charAt(u) != '.'
                    && (s.charAt(u) < '0' || s.charAt(u) > '9')) {
                u++;
            }
            if (u == i) {
                throw new IllegalArgumentException(
                        "time: missing unit in duration " + goQuote(value));
            }
            String unit = s.substring(i, u);
            Long nanos = UNITS.get(unit);
            if (nanos == null) {
                throw new IllegalArgumentException(
                        "time: unknown unit " + goQuote(unit) + " in duration " + goQuote(value));
            }
            java.math.BigDecimal amount =
                    new java.math.BigDecimal(
                            (whole.isEmpty() ? "0" : whole)
                                    + (fraction.isEmpty() ? "" : "." + fraction));
            total = total.add(amount.multiply(java.math.BigDecimal.valueOf(nanos)));
            s = s.substring(u);
        }
        java.math.BigInteger nanos = total.toBigInteger();
        if (nanos.bitLength() > 63
                && !(negative && nanos.equals(java.math.BigInteger.ONE.shiftLeft(63)))) {
            throw invalidDuration(value);
        }
        long n = nanos.longValue();
        return Duration.ofNanos(negative ? -n : n);
    }

    private static IllegalArgumentException invalidDuration(String value) {
        return new IllegalArgumentException("time: invalid duration " + goQuote(value));
    }

    /** Go's {@code strconv.Quote} for the strings of error messages. */
    static String goQuote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        s.codePoints()
                .forEach(
                        c -> {
                            switch (c) {
                                case '"' -> out.append("\\\"");
                                case '\\' -> out.append("\\\\");
                                case '\n' -> out.append("\\n");
                                case '\t' -> out.append("\\t");
                                case '\r' -> out.append("\\r");
                                default -> {
                                    if (c < 0x20 || c == 0x7f) {
                                        out.append(String.format("\\x%02x", c));
                                    } else if (Character.isISOControl(c)
                                            || !Character.isDefined(c)) {
                                        out.append(
                                                c > 0xffff
                                                        ? String.format("\\U%08x", c)
                                                        : String.format("\\u%04x", c));
                                    } else {
                                        out.appendCodePoint(c);
                                    }
                                }
                            }
                        });
        return out.append('"').toString();
    }
}
