package io.j8s.bench.store;

import java.util.Arrays;

/** Latencies in nanoseconds. Not thread safe: one per thread, then {@link #merge}. */
final class LatencyRecorder {
    private long[] values = new long[1 << 14];
    private int size;

    void record(long nanos) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = nanos;
    }

    int size() {
        return size;
    }

    void merge(LatencyRecorder other) {
        for (int i = 0; i < other.size; i++) {
            record(other.values[i]);
        }
    }

    /** The latency at {@code percentile} (0..100) in milliseconds; NaN when empty. */
    double percentileMillis(double percentile) {
        if (size == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * size) - 1;
        return sorted[Math.max(0, Math.min(size - 1, index))] / 1e6;
    }
}
