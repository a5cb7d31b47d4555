package io.j8s.api.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class GoDurationsTest {

    @Test
    void format_belowOneSecond_usesTheSmallestUnitWithAFraction() {
        assertThat(GoDurations.format(0)).isEqualTo("0s");
        assertThat(GoDurations.format(1)).isEqualTo("1ns");
        assertThat(GoDurations.format(1_500)).isEqualTo("1.5µs");
        assertThat(GoDurations.format(1_500_000)).isEqualTo("1.5ms");
        assertThat(GoDurations.format(999_999_999)).isEqualTo("999.999999ms");
    }

    @Test
    void format_fromOneSecond_writesHoursMinutesAndFractionalSeconds() {
        assertThat(GoDurations.format(1_000_000_000L)).isEqualTo("1s");
        assertThat(GoDurations.format(90_000_000_000L)).isEqualTo("1m30s");
        assertThat(GoDurations.format(3_600_000_000_000L)).isEqualTo("1h0m0s");
        assertThat(GoDurations.format(3_723_500_000_000L)).isEqualTo("1h2m3.5s");
    }

    @Test
    void format_negativeAndExtremes_matchGo() {
        assertThat(GoDurations.format(-2_000_000_000L)).isEqualTo("-2s");
        assertThat(GoDurations.format(Long.MAX_VALUE)).isEqualTo("2562047h47m16.854775807s");
        assertThat(GoDurations.format(Long.MIN_VALUE)).isEqualTo("-2562047h47m16.854775808s");
    }

    @Test
    void parse_readsWhatKubernetesFlagsTake() {
        assertThat(GoDurations.parse("40s")).isEqualTo(Duration.ofSeconds(40));
        assertThat(GoDurations.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(GoDurations.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoDurations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(GoDurations.parse("1.5µs")).isEqualTo(Duration.ofNanos(1_500));
        assertThat(GoDurations.parse("0")).isEqualTo(Duration.ZERO);
        for (String bad : List.of("", "40", "s", "4 s", "1d", "-5s")) {
            assertThatThrownBy(() -> GoDurations.parse(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("invalid duration");
        }
    }

    @Test
    void parse_readsWhatFormatWrites() {
        for (long nanos :
                new long[] {
                    1, 1_500, 1_500_000, 999_999_999, 90_000_000_000L, 3_723_500_000_000L
                }) {
            assertThat(GoDurations.parse(GoDurations.format(nanos)))
                    .isEqualTo(Duration.ofNanos(nanos));
        }
    }
}
