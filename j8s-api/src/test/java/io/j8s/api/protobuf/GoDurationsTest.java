package io.j8s.api.protobuf;

import static org.assertj.core.api.Assertions.assertThat;

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
}
