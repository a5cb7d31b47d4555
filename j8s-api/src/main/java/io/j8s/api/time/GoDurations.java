package io.j8s.api.time;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go's {@code time.Duration} as text, both ways: {@link #format} is {@code Duration.String()}
 * ({@code 72h3m0.5s}, {@code 1.5ms}, {@code 0s}; the form {@code metav1.Duration} is written in
 * JSON), {@link #parse} is {@code time.ParseDuration} as Kubernetes' duration flags take it.
 * Stateless.
 */
public final class GoDurations {
    private static final long MICROSECOND = 1_000L;
    private static final long MILLISECOND = 1_000_000L;
    private static final long SECOND = 1_000_000_000L;

    private static final Pattern PART =
            Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

    private GoDurations() {}

    /**
     * Go's {@code time.ParseDuration} for non-negative durations: a sequence of decimal numbers
     * with a unit each, {@code h}, {@code m}, {@code s}, {@code ms}, {@code us} (or {@code µs}) or
     * {@code ns}, e.g. {@code 40s}, {@code 1m30s}, {@code 1.5h}, {@code 500ms}; {@code 0} alone is
     * zero.
     *
     * @throws IllegalArgumentException naming the text when it is not a duration
     */
    public static Duration parse(String text) {
        String s = text.trim();
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = PART.matcher(s);
        int at = 0;
        long nanos = 0;
        while (at < s.length()) {
            if (!m.find(at) || m.start() != at) {
                throw invalid(text);
            }
            double value = Double.parseDouble(m.group(1));
            long unit =
                    switch (m.group(2)) {
                        case "ns" -> 1L;
                        case "us", "µs" -> MICROSECOND;
                        case "ms" -> MILLISECOND;
                        case "s" -> SECOND;
                        case "m" -> 60 * SECOND;
                        default -> 3_600 * SECOND;
                    };
            nanos += Math.round(value * unit);
            at = m.end();
        }
        if (at == 0) {
            throw invalid(text);
        }
        return Duration.ofNanos(nanos);
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException(
                "invalid duration \"" + text + "\" (expected e.g. 40s, 1m30s, 500ms)");
    }

    /**
     * The Go rendering of {@code d} (nanosecond precision; beyond about 292 years it overflows).
     */
    public static String format(Duration d) {
        return format(d.toNanos());
    }

    /** The Go rendering of {@code nanos} nanoseconds. */
    public static String format(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        boolean negative = nanos < 0;
        // The magnitude as an unsigned value, so that Long.MIN_VALUE works as in Go.
        long u = negative ? -nanos : nanos;
        StringBuilder out = new StringBuilder();
        if (Long.compareUnsigned(u, SECOND) < 0) {
            if (u < MICROSECOND) {
                out.append(u).append("ns");
            } else if (u < MILLISECOND) {
                out.append(fraction(u, 3)).append("µs");
            } else {
                out.append(fraction(u, 6)).append("ms");
            }
        } else {
            String seconds = fraction(u, 9);
            int point = seconds.indexOf('.');
            String secondsFraction = point < 0 ? "" : seconds.substring(point);
            long wholeSeconds = Long.divideUnsigned(u, SECOND);
            long minutes = wholeSeconds / 60;
            if (minutes >= 60) {
                out.append(minutes / 60).append('h');
            }
            if (minutes > 0) {
                out.append(minutes % 60).append('m');
            }
            out.append(wholeSeconds % 60).append(secondsFraction).append('s');
        }
        return (negative ? "-" : "") + out;
    }

    /** {@code v / 10^digits} with the fraction's trailing zeros (and a bare point) left out. */
    private static String fraction(long v, int digits) {
        long scale = 1;
        for (int i = 0; i < digits; i++) {
            scale *= 10;
        }
        long whole = Long.divideUnsigned(v, scale);
        long rest = Long.remainderUnsigned(v, scale);
        if (rest == 0) {
            return Long.toUnsignedString(whole);
        }
        String frac = String.format("%0" + digits + "d", rest);
        int end = frac.length();
        while (frac.charAt(end - 1) == '0') {
            end--;
        }
        return Long.toUnsignedString(whole) + "." + frac.substring(0, end);
    }
}
