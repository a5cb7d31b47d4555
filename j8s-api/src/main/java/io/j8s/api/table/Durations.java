package io.j8s.api.table;

import java.time.Duration;
import java.time.Instant;

/**
 * A port of apimachinery's {@code util/duration}: the ages {@code kubectl get} prints ({@code 4s},
 * {@code 2m30s}, {@code 35m}, {@code 3h5m}, {@code 9h}, {@code 3d4h}, {@code 20d}, {@code 2y40d}).
 * Stateless.
 */
public final class Durations {

    private Durations() {}

    /** The Age cell of an object created at {@code created}: {@code <unknown>} when unset. */
    public static String age(Instant created, Instant now) {
        if (created == null) {
            return "<unknown>";
        }
        return humanDuration(Duration.between(created, now));
    }

    /** {@code HumanDuration}: about 2-3 significant figures. */
    public static String humanDuration(Duration d) {
        long seconds = truncSeconds(d);
        if (seconds < -1) {
            return "<invalid>";
        } else if (seconds < 0) {
            return "0s";
        } else if (seconds < 60 * 2) {
            return seconds + "s";
        }
        long minutes = d.toMinutes();
        if (minutes < 10) {
            long s = seconds % 60;
            return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
        } else if (minutes < 60 * 3) {
            return minutes + "m";
        }
        long hours = d.toHours();
        if (hours < 8) {
            long m = minutes % 60;
            return m == 0 ? hours + "h" : hours + "h" + m + "m";
        } else if (hours < 48) {
            return hours + "h";
        } else if (hours < 24 * 8) {
            long h = hours % 24;
            return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
        } else if (hours < 24 * 365 * 2) {
            return hours / 24 + "d";
        } else if (hours < 24 * 365 * 8) {
            long dy = (hours / 24) % 365;
            return dy == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + dy + "d";
        }
        return hours / 24 / 365 + "y";
    }

    /** {@code ShortHumanDuration}: one unit only. */
    public static String shortHumanDuration(Duration d) {
        long seconds = truncSeconds(d);
        if (seconds < -1) {
            return "<invalid>";
        } else if (seconds < 0) {
            return "0s";
        } else if (seconds < 60) {
            return seconds + "s";
        }
        long minutes = d.toMinutes();
        if (minutes < 60) {
            return minutes + "m";
        }
        long hours = d.toHours();
        if (hours < 24) {
            return hours + "h";
        } else if (hours < 24 * 365) {
            return hours / 24 + "d";
        }
        return hours / 24 / 365 + "y";
    }

    /** Whole seconds, truncated toward zero as Go's {@code int(d.Seconds())}. */
    private static long truncSeconds(Duration d) {
        long s = d.getSeconds();
        if (s < 0 && d.getNano() > 0) {
            s += 1;
        }
        return s;
    }
}
