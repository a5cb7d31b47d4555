package io.j8s.bench.support;

import java.util.Arrays;

/**
 * Latencies in nanoseconds, kept in full so that percentiles are exact. Thread-safe (every method
 * synchronizes on this recorder); cheap enough for a few million samples.
 */
public final class Latencies {
    private long[] values = new long[1 << 12];
    private int size;

    public synchronized void record(long nanos) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = nanos;
    }

    public synchronized void recordAll(Latencies other) {
        long[] theirs;
        int n;
        synchronized (other) {
            theirs = Arrays.copyOf(other.values, other.size);
            n = other.size;
        }
        for (int i = 0; i < n; i++) {
            record(theirs[i]);
        }
    }

    /** A copy of the values recorded after the first {@code from}, in recording order. */
    public synchronized Latencies tail(int from) {
        Latencies t = new Latencies();
        for (int i = Math.max(0, from); i < size; i++) {
            t.record(values[i]);
        }
        return t;
    }

    public synchronized int count() {
        return size;
    }

    /** The value at {@code percentile} (0..100, nearest rank) in milliseconds; NaN when empty. */
    public synchronized double percentileMillis(double percentile) {
        if (size == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * size) - 1;
        return sorted[Math.max(0, Math.min(size - 1, index))] / 1e6;
    }

    /** The largest value in milliseconds; NaN when empty. */
    public synchronized double maxMillis() {
        if (size == 0) {
            return Double.NaN;
        }
        long max = Long.MIN_VALUE;
        for (int i = 0; i < size; i++) {
            max = Math.max(max, values[i]);
        }
        return max / 1e6;
    }

    /** The mean in milliseconds; NaN when empty. */
    public synchronized double meanMillis() {
        if (size == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < size; i++) {
            sum += values[i];
        }
        return sum / size / 1e6;
    }

    /** p50, p99 and max at once, in milliseconds. */
    public synchronized Summary summary() {
        return new Summary(size, percentileMillis(50), percentileMillis(99), maxMillis());
    }

    /** A distribution's headline figures; NaN fields when {@code count} is 0. */
    public record Summary(int count, double p50Millis, double p99Millis, double maxMillis) {}
}
