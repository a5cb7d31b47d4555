package io.j8s.bench.dataplane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs {@code wrk} (the Debian package) and reads its report. Stateless. */
final class Wrk {
    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern TOTAL = Pattern.compile("(\\d+) requests in ([0-9.]+)(ms|s|m)");
    private static final Pattern PERCENTILE =
            Pattern.compile("^\\s+(50|75|90|99)%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);
    private static final Pattern SOCKET_ERRORS =
            Pattern.compile(
                    "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

    /**
     * One run's figures.
     *
     * @param errors socket errors (connect, read, write, timeout) plus non-2xx answers
     */
    record Result(
            double requestsPerSecond,
            long requests,
            double p50Millis,
            double p75Millis,
            double p90Millis,
            double p99Millis,
            long errors,
            String output) {}

    private Wrk() {}

    /**
     * The command line of one run: one thread, {@code connections} connections, latency
     * distribution.
     */
    static List<String> command(
            String url, int connections, Duration duration, boolean newConnectionPerRequest) {
        List<String> cmd =
                new ArrayList<>(
                        List.of(
                                "wrk",
                                "-t1",
                                "-c" + connections,
                                "-d" + duration.toSeconds() + "s",
                                "--latency"));
        if (newConnectionPerRequest) {
            cmd.addAll(List.of("-H", "Connection: close"));
        }
        cmd.add(url);
        return cmd;
    }

    static Result run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("wrk did not finish: " + command);
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("wrk failed (" + p.exitValue() + "): " + text);
            }
            return parse(text);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot run wrk (apt-get install -y wrk): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static Result parse(String text) {
        Matcher rate = RATE.matcher(text);
        Matcher total = TOTAL.matcher(text);
        if (!rate.find() || !total.find()) {
            throw new IllegalStateException("unexpected wrk output:\n" + text);
        }
        double[] pct = new double[4];
        Matcher m = PERCENTILE.matcher(text);
        while (m.find()) {
            int index =
                    switch (m.group(1)) {
                        case "50" -> 0;
                        case "75" -> 1;
                        case "90" -> 2;
                        default -> 3;
                    };
            pct[index] = millis(Double.parseDouble(m.group(2)), m.group(3));
        }
        long errors = 0;
        Matcher se = SOCKET_ERRORS.matcher(text);
        if (se.find()) {
            for (int g = 1; g <= 4; g++) {
                errors += Long.parseLong(se.group(g));
            }
        }
        Matcher non2xx = NON_2XX.matcher(text);
        if (non2xx.find()) {
            errors += Long.parseLong(non2xx.group(1));
        }
        return new Result(
                Double.parseDouble(rate.group(1)),
                Long.parseLong(total.group(1)),
                pct[0],
                pct[1],
                pct[2],
                pct[3],
                errors,
                text);
    }

    private static double millis(double value, String unit) {
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "us" -> value / 1000;
            case "ms" -> value;
            default -> value * 1000;
        };
    }
}
