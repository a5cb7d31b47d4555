package io.j8s.bench.support;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Prometheus histogram (Micrometer's text exposition: {@code _bucket{le=...}}, {@code _count},
 * {@code _sum}, {@code _max}) read from a {@code /metrics} scrape, summed over all label sets other
 * than {@code le}. Immutable.
 *
 * @param bounds bucket upper bounds in seconds, ascending ({@code +Inf} last)
 * @param cumulative observations at or below each bound
 * @param max Micrometer's {@code _max}: the largest observation of its last ~2 minutes
 */
public record PromHistogram(
        double[] bounds, double[] cumulative, double count, double sum, double max) {

    /**
     * Reads histogram {@code name} (e.g. {@code j8s_proxy_network_programming_duration_seconds});
     * empty if absent.
     */
    public static PromHistogram parse(String scrape, String name) {
        Pattern bucket =
                Pattern.compile("^" + Pattern.quote(name) + "_bucket\\{(.*)\\}\\s+(\\S+)$");
        Pattern le = Pattern.compile("le=\"([^\"]+)\"");
        TreeMap<Double, Double> buckets = new TreeMap<>();
        double count = 0;
        double sum = 0;
        double max = 0;
        for (String line : scrape.split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            Matcher m = bucket.matcher(line);
            if (m.matches()) {
                Matcher l = le.matcher(m.group(1));
                if (l.find()) {
                    double bound =
                            l.group(1).equals("+Inf")
                                    ? Double.POSITIVE_INFINITY
                                    : Double.parseDouble(l.group(1));
                    buckets.merge(bound, Double.parseDouble(m.group(2)), Double::sum);
                }
            } else if (line.startsWith(name + "_count")) {
                count += value(line);
            } else if (line.startsWith(name + "_sum")) {
                sum += value(line);
            } else if (line.startsWith(name + "_max")) {
                max = Math.max(max, value(line));
            }
        }
        double[] b = new double[buckets.size()];
        double[] c = new double[buckets.size()];
        int i = 0;
        for (var e : buckets.entrySet()) {
            b[i] = e.getKey();
            c[i++] = e.getValue();
        }
        return new PromHistogram(b, c, count, sum, max);
    }

    /**
     * The observations made between {@code earlier} and this scrape ({@code max} stays this
     * scrape's).
     */
    public PromHistogram minus(PromHistogram earlier) {
        double[] c = cumulative.clone();
        for (int i = 0; i < c.length && i < earlier.cumulative.length; i++) {
            c[i] -= earlier.cumulative[i];
        }
        return new PromHistogram(bounds, c, count - earlier.count, sum - earlier.sum, max);
    }

    /**
     * The {@code q} quantile (0..1) as Prometheus' {@code histogram_quantile} estimates it: linear
     * within the bucket it falls in, but never above {@link #max()} when that is known. NaN without
     * observations.
     */
    public double quantile(double q) {
        double estimate = estimate(q);
        return max > 0 && estimate > max ? max : estimate;
    }

    private double estimate(double q) {
        if (bounds.length == 0 || cumulative[cumulative.length - 1] == 0) {
            return Double.NaN;
        }
        double rank = q * cumulative[cumulative.length - 1];
        double lowerBound = 0;
        double lowerCount = 0;
        for (int i = 0; i < bounds.length; i++) {
            if (cumulative[i] >= rank) {
                if (Double.isInfinite(bounds[i])) {
                    return lowerBound;
                }
                double inBucket = cumulative[i] - lowerCount;
                return inBucket == 0
                        ? bounds[i]
                        : lowerBound + (bounds[i] - lowerBound) * (rank - lowerCount) / inBucket;
            }
            lowerBound = bounds[i];
            lowerCount = cumulative[i];
        }
        return lowerBound;
    }

    /** The bucket bounds as text, for the report. */
    public List<String> boundsText() {
        List<String> out = new ArrayList<>();
        for (double b : bounds) {
            out.add(Double.isInfinite(b) ? "+Inf" : Double.toString(b));
        }
        return out;
    }

    private static double value(String line) {
        String[] parts = line.trim().split("\\s+");
        return Double.parseDouble(parts[parts.length - 1]);
    }
}
