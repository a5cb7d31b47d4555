package io.j8s.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CompactionPolicyTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final CompactionPolicy policy =
            new CompactionPolicy(1_000, Duration.ofMinutes(5), clock);

    @Test
    void target_beforeAWindowHasPassed_isZero() {
        assertThat(policy.target(50_000)).isZero();
        clock.advance(Duration.ofMinutes(4));
        assertThat(policy.target(60_000)).isZero();
    }

    @Test
    void target_keepsTheRevisionsOfTheLastWindow() {
        policy.target(10_000);
        clock.advance(Duration.ofMinutes(1));
        policy.target(20_000);
        clock.advance(Duration.ofMinutes(4));

        // 10,000 was current 5 minutes ago; 20,000 only 4 minutes ago.
        assertThat(policy.target(30_000)).isEqualTo(10_000);
        clock.advance(Duration.ofMinutes(1));
        assertThat(policy.target(31_000)).isEqualTo(20_000);
    }

    @Test
    void target_keepsAtLeastTheConfiguredNumberOfRevisions() {
        policy.target(1_500);
        clock.advance(Duration.ofMinutes(10));

        assertThat(policy.target(1_800)).isEqualTo(800);
        clock.advance(Duration.ofMinutes(10));
        assertThat(policy.target(1_900)).isEqualTo(900);
        assertThat(new CompactionPolicy(5_000, Duration.ZERO, clock).target(100)).isZero();
    }
}
