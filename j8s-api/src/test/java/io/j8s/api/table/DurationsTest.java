package io.j8s.api.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DurationsTest {

    private static String h(Duration d) {
        return Durations.humanDuration(d);
    }

    @Test
    void humanDuration_matchesApimachinery() {
        assertThat(h(Duration.ofMillis(-1500))).isEqualTo("0s");
        assertThat(h(Duration.ofSeconds(-2))).isEqualTo("<invalid>");
        assertThat(h(Duration.ofSeconds(0))).isEqualTo("0s");
        assertThat(h(Duration.ofSeconds(4))).isEqualTo("4s");
        assertThat(h(Duration.ofSeconds(119))).isEqualTo("119s");
        assertThat(h(Duration.ofSeconds(120))).isEqualTo("2m");
        assertThat(h(Duration.ofSeconds(150))).isEqualTo("2m30s");
        assertThat(h(Duration.ofMinutes(10))).isEqualTo("10m");
        assertThat(h(Duration.ofMinutes(35))).isEqualTo("35m");
        assertThat(h(Duration.ofMinutes(179))).isEqualTo("179m");
        assertThat(h(Duration.ofMinutes(180))).isEqualTo("3h");
        assertThat(h(Duration.ofMinutes(185))).isEqualTo("3h5m");
        assertThat(h(Duration.ofHours(8))).isEqualTo("8h");
        assertThat(h(Duration.ofHours(47))).isEqualTo("47h");
        assertThat(h(Duration.ofHours(48))).isEqualTo("2d");
        assertThat(h(Duration.ofHours(76))).isEqualTo("3d4h");
        assertThat(h(Duration.ofDays(8))).isEqualTo("8d");
        assertThat(h(Duration.ofDays(729))).isEqualTo("729d");
        assertThat(h(Duration.ofDays(730))).isEqualTo("2y");
        assertThat(h(Duration.ofDays(770))).isEqualTo("2y40d");
        assertThat(h(Duration.ofDays(365 * 8))).isEqualTo("8y");
    }

    @Test
    void shortHumanDuration() {
        assertThat(Durations.shortHumanDuration(Duration.ofSeconds(59))).isEqualTo("59s");
        assertThat(Durations.shortHumanDuration(Duration.ofMinutes(59))).isEqualTo("59m");
        assertThat(Durations.shortHumanDuration(Duration.ofHours(23))).isEqualTo("23h");
        assertThat(Durations.shortHumanDuration(Duration.ofDays(364))).isEqualTo("364d");
        assertThat(Durations.shortHumanDuration(Duration.ofDays(800))).isEqualTo("2y");
    }

    @Test
    void age_unknownWhenUnset() {
        Instant now = Instant.parse("2026-11-25T16:44:01Z");
        assertThat(Durations.age(null, now)).isEqualTo("<unknown>");
        assertThat(Durations.age(Instant.parse("2026-11-25T16:43:54Z"), now)).isEqualTo("7s");
    }
}
