package io.j8s.apiserver.metrics;

/**
 * Quantities as metrics-server writes them: CPU as a decimal quantity of nanocores ({@code
 * 1500123n}, {@code 250m}, {@code 2}), memory as a binary quantity of bytes ({@code 10240Ki},
 * {@code 5Mi}, {@code 1000}), both in Kubernetes' canonical form (the largest suffix that keeps an
 * integer).
 */
public final class Quantities {
    private static final String[] DECIMAL = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
    private static final String[] BINARY = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

    private Quantities() {}

    /** {@code nanocores} (≥ 0) as a canonical decimal quantity. */
    public static String cpu(long nanocores) {
        if (nanocores == 0) {
            return "0";
        }
        long value = nanocores;
        int suffix = 0;
        while (value % 1000 == 0 && suffix < DECIMAL.length - 1) {
            value /= 1000;
            suffix++;
        }
        return value + DECIMAL[suffix];
    }

    /** {@code bytes} (≥ 0) as a canonical binary quantity (below 1024: plain bytes). */
    public static String memory(long bytes) {
        if (bytes < 1024) {
            return Long.toString(bytes);
        }
        long value = bytes;
        int suffix = 0;
        while (value % 1024 == 0 && value >= 1024 && suffix < BINARY.length - 1) {
            value /= 1024;
            suffix++;
        }
        return value + BINARY[suffix];
    }

    /** The nanocores of a quantity {@link #cpu} wrote. */
    static long parseCpu(String quantity) {
        for (int i = DECIMAL.length - 1; i >= 0; i--) {
            if (!DECIMAL[i].isEmpty() && quantity.endsWith(DECIMAL[i])) {
                return Long.parseLong(
                                quantity.substring(0, quantity.length() - DECIMAL[i].length()))
                        * pow(1000, i);
            }
        }
        return Long.parseLong(quantity) * pow(1000, 3);
    }

    /** The bytes of a quantity {@link #memory} wrote. */
    static long parseMemory(String quantity) {
        for (int i = BINARY.length - 1; i > 0; i--) {
            if (quantity.endsWith(BINARY[i])) {
                return Long.parseLong(quantity.substring(0, quantity.length() - 2)) * pow(1024, i);
            }
        }
        return Long.parseLong(quantity);
    }

    private static long pow(long base, int exponent) {
        long result = 1;
        for (int i = 0; i < exponent; i++) {
            result *= base;
        }
        return result;
    }
}
