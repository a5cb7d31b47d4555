package io.j8s.node.probe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProbeCounterTest {

    @Test
    void initialResults_followTheProbeType() {
        assertThat(new ProbeCounter(ProbeType.READINESS, 1, 3).settled())
                .isEqualTo(ProbeResult.FAILURE);
        assertThat(new ProbeCounter(ProbeType.LIVENESS, 1, 3).settled())
                .isEqualTo(ProbeResult.SUCCESS);
        assertThat(new ProbeCounter(ProbeType.STARTUP, 1, 3).settled())
                .isEqualTo(ProbeResult.UNKNOWN);
    }

    @Test
    void record_settlesOnlyAfterConsecutiveThresholds() {
        ProbeCounter c = new ProbeCounter(ProbeType.READINESS, 2, 3);
        assertThat(c.record(ProbeResult.SUCCESS)).isNull();
        assertThat(c.record(ProbeResult.SUCCESS)).isEqualTo(ProbeResult.SUCCESS);
        assertThat(c.record(ProbeResult.FAILURE)).isNull();
        assertThat(c.record(ProbeResult.FAILURE)).isNull();
        assertThat(c.record(ProbeResult.SUCCESS)).isNull(); // breaks the failure run
        assertThat(c.settled()).isEqualTo(ProbeResult.SUCCESS);
        assertThat(c.record(ProbeResult.FAILURE)).isNull();
        assertThat(c.record(ProbeResult.FAILURE)).isNull();
        assertThat(c.record(ProbeResult.FAILURE)).isEqualTo(ProbeResult.FAILURE);
        assertThat(c.record(ProbeResult.FAILURE)).isEqualTo(ProbeResult.FAILURE); // stays failed
        assertThat(c.record(ProbeResult.UNKNOWN)).isNull();
    }
}
