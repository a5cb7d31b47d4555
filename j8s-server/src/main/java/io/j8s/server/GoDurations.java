package io.j8s.server;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Durations written as Kubernetes' flags take them (Go's {@code time.ParseDuration}): a sequence of
 * decimal numbers with a unit each, {@code h}, {@code m}, {@code s}, {@code ms}, {@code us} or
 * {@code ns}, e.g. {@code 40s}, {@code 1m30s}, {@code 1.5h}, {@code 500ms}. {@code 0} alone is zero.
 */
final class GoDurations {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

    private GoDurations() {}

    /**
     * @throws IllegalArgumentException naming the text when it is not a duration
     */
    static Duration parse(String text) {
        String s = text.trim();
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = PART.matcher(s);
        int at = 0;
        long nanos = 0;
        while (at < s.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException("invalid duration \"" + text + "\" (expected e.g. 40s, 1m30s, 500ms)");
            }
            double value = Double.parseDouble(m.group(1));
            long unit = switch (m.group(2)) {
                case "ns" -> 1L;
                case "us", "µs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            nanos += Math.round(value * unit);
            at = m.end();
        }
        if (at == 0) {
            throw new IllegalArgumentException("invalid duration \"" + text + "\" (expected e.g. 40s, 1m30s, 500ms)");
        }
        return Duration.ofNanos(nanos);
    }

    /** picocli converter for duration flags. */
    static final class Converter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
