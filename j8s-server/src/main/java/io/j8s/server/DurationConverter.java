package io.j8s.server;

import io.j8s.api.time.GoDurations;
import java.time.Duration;
import picocli.CommandLine;

/**
 * picocli converter for duration flags, written as Kubernetes' flags take them ({@link
 * GoDurations#parse}: {@code 40s}, {@code 1m30s}, {@code 1.5h}, {@code 500ms}).
 */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return GoDurations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
