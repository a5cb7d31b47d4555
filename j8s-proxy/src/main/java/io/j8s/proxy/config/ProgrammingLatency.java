package io.j8s.proxy.config;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.j8s.proxy.model.ServiceKey;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Records network programming latency: for every endpoint change newly programmed into the
 * forwarding table, the time from its {@code last-change-trigger-time} to now. Not thread-safe:
 * used by the sync thread only.
 */
public final class ProgrammingLatency {

    private final ProgrammingTriggerTimes tracker;
    private final Timer timer;
    private final Clock clock;

    /**
     * @param startTime changes triggered before this instant are not measured
     */
    public ProgrammingLatency(Instant startTime, Timer timer, Clock clock) {
        this.tracker = new ProgrammingTriggerTimes(startTime);
        this.timer = timer;
        this.clock = clock;
    }

    /**
     * To be called right after {@code slices} (all slices of {@code key}) have been programmed;
     * records one sample per new trigger time among them.
     */
    public void programmed(ServiceKey key, List<EndpointSlice> slices) {
        Instant now = clock.instant();
        for (Instant t : tracker.newTriggerTimes(key, slices)) {
            Duration d = Duration.between(t, now);
            timer.record(d.isNegative() ? Duration.ZERO : d);
        }
    }
}
