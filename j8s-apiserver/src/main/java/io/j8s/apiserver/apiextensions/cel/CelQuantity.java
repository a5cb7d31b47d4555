package io.j8s.apiserver.apiextensions.cel;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes resource quantity as the CEL quantity library sees it (k8s.io/apiserver's
 * library/quantity.go over apimachinery's {@code resource.Quantity}): its exact value; equal when
 * the values are equal ({@code quantity('1') == quantity('1000m')}).
 */
record CelQuantity(BigDecimal value) implements Comparable<CelQuantity> {

    /** apimachinery's {@code ErrFormatWrong}. */
    static final String FORMAT_ERROR =
            "quantities must match the regular expression"
                    + " '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

    private static final Pattern SYNTAX =
            Pattern.compile("^([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))(.*)$");

    private static final Pattern EXPONENT = Pattern.compile("^[eE]([+-]?[0-9]{1,3})$");

    /** Parses {@code 100m}, {@code 1.5Gi}, {@code 2e3}; throws with apimachinery's message. */
    static CelQuantity parse(String s) {
        if (s.isEmpty() || s.length() > 64) {
            throw new IllegalArgumentException(
                    s.isEmpty() ? "quantities must match the regular expression" : FORMAT_ERROR);
        }
        Matcher m = SYNTAX.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException(FORMAT_ERROR);
        }
        BigDecimal number = new BigDecimal(m.group(1));
        String suffix = m.group(2);
        BigDecimal factor =
                switch (suffix) {
                    case "" -> BigDecimal.ONE;
                    case "n" -> BigDecimal.ONE.scaleByPowerOfTen(-9);
                    case "u" -> BigDecimal.ONE.scaleByPowerOfTen(-6);
                    case "m" -> BigDecimal.ONE.scaleByPowerOfTen(-3);
                    case "k" -> BigDecimal.ONE.scaleByPowerOfTen(3);
                    case "M" -> BigDecimal.ONE.scaleByPowerOfTen(6);
                    case "G" -> BigDecimal.ONE.scaleByPowerOfTen(9);
                    case "T" -> BigDecimal.ONE.scaleByPowerOfTen(12);
                    case "P" -> BigDecimal.ONE.scaleByPowerOfTen(15);
                    case "E" -> BigDecimal.ONE.scaleByPowerOfTen(18);
                    case "Ki" -> new BigDecimal(BigInteger.TWO.pow(10));
                    case "Mi" -> new BigDecimal(BigInteger.TWO.pow(20));
                    case "Gi" -> new BigDecimal(BigInteger.TWO.pow(30));
                    case "Ti" -> new BigDecimal(BigInteger.TWO.pow(40));
                    case "Pi" -> new BigDecimal(BigInteger.TWO.pow(50));
                    case "Ei" -> new BigDecimal(BigInteger.TWO.pow(60));
                    default -> {
                        Matcher e = EXPONENT.matcher(suffix);
                        if (!e.matches()) {
                            throw new IllegalArgumentException("unable to parse quantity's suffix");
                        }
                        yield BigDecimal.ONE.scaleByPowerOfTen(Integer.parseInt(e.group(1)));
                    }
                };
        return new CelQuantity(number.multiply(factor));
    }

    static boolean isQuantity(String s) {
        try {
            parse(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    long sign() {
        return value.signum();
    }

    boolean isInteger() {
        return value.stripTrailingZeros().scale() <= 0 && value.toBigInteger().bitLength() < 64;
    }

    long asInteger() {
        if (!isInteger()) {
            throw new ArithmeticException(
                    "cannot convert value to integer: value is not an integer or overflows int64");
        }
        return value.longValueExact();
    }

    double asApproximateFloat() {
        return value.doubleValue();
    }

    CelQuantity add(CelQuantity o) {
        return new CelQuantity(value.add(o.value));
    }

    CelQuantity sub(CelQuantity o) {
        return new CelQuantity(value.subtract(o.value));
    }

    @Override
    public int compareTo(CelQuantity o) {
        return value.compareTo(o.value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CelQuantity q && q.value.compareTo(value) == 0;
    }

    @Override
    public int hashCode() {
        return value.stripTrailingZeros().hashCode();
    }

    @Override
    public String toString() {
        return value.toPlainString();
    }
}
