package io.j8s.node.pod;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CrashLoopBackOffTest {

    private final CrashLoopBackOff backOff = CrashLoopBackOff.kubeletDefaults();
    private final Instant t0 = Instant.parse("2026-11-25T16:00:00Z");

    @Test
    void firstExit_restartsAtOnceThenDoublesToFiveMinutes() {
        assertThat(backOff.inBackOff(null, t0, t0)).isFalse();
        CrashLoopBackOff.State s = backOff.next(null, t0);
        assertThat(s.delay()).isEqualTo(Duration.ofSeconds(10));
        Instant finished = t0.plusSeconds(1);
        assertThat(backOff.inBackOff(s, finished, finished.plusSeconds(9))).isTrue();
        assertThat(backOff.inBackOff(s, finished, finished.plusSeconds(10))).isFalse();
        assertThat(backOff.retryAt(s, finished)).isEqualTo(finished.plusSeconds(10));
        Duration[] expected = {
            Duration.ofSeconds(20),
            Duration.ofSeconds(40),
            Duration.ofSeconds(80),
            Duration.ofSeconds(160),
            Duration.ofMinutes(5),
            Duration.ofMinutes(5)
        };
        Instant t = finished;
        for (Duration d : expected) {
            t = t.plus(s.delay()).plusSeconds(1);
            s = backOff.next(s, t);
            assertThat(s.delay()).isEqualTo(d);
        }
    }

    @Test
    void next_resetsAfterRunningTwiceTheMaximum() {
        CrashLoopBackOff.State s = backOff.next(backOff.next(null, t0), t0.plusSeconds(11));
        assertThat(s.delay()).isEqualTo(Duration.ofSeconds(20));
        Instant muchLater = t0.plusSeconds(11).plus(Duration.ofMinutes(10)).plusSeconds(1);
        assertThat(backOff.inBackOff(s, muchLater, muchLater)).isFalse();
        assertThat(backOff.next(s, muchLater).delay()).isEqualTo(Duration.ofSeconds(10));
    }
}
