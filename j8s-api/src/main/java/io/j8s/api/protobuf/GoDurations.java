package io.j8s.api.protobuf;

/**
 * Go's {@code time.Duration.String()}: {@code 72h3m0.5s}, {@code 1.5ms}, {@code 0s}; the form
 * {@code metav1.Duration} is written in JSON. Stateless.
 */
public final class GoDurations {
    private static final long MICROSECOND = 1_000L;
    private static final long MILLISECOND = 1_000_000L;
    private static final long SECOND = 1_000_000_000L;

    private GoDurations() {}

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
