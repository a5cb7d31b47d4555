package io.j8s.client.clock;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * Kubernetes timestamp formats: RFC 3339 with seconds ({@code metav1.Time}) and Go's RFC3339Nano.
 */
public final class Timestamps {

    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private Timestamps() {}

    /** {@code 2024-05-01T10:00:00Z}: what {@code metav1.Time} serializes to (seconds precision). */
    public static String format(Instant instant) {
        return SECONDS.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    /**
     * Go's {@code time.RFC3339Nano} in UTC: fractional seconds with trailing zeros removed, and no
     * fraction at all when it is zero ({@code 2024-05-01T10:00:00.5Z}, {@code
     * 2024-05-01T10:00:00Z}).
     */
    public static String formatNano(Instant instant) {
        String seconds = SECONDS.format(instant.truncatedTo(ChronoUnit.SECONDS));
        int nanos = instant.getNano();
        if (nanos == 0) {
            return seconds;
        }
        String fraction = String.format("%09d", nanos).replaceFirst("0+$", "");
        return seconds.substring(0, seconds.length() - 1) + "." + fraction + "Z";
    }

    /** Parses an RFC 3339 timestamp (any precision, any offset); null or blank gives null. */
    public static Instant parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not an RFC 3339 timestamp: '" + text + "'", e);
        }
    }
}
