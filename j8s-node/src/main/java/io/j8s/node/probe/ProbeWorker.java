package io.j8s.node.probe;

import io.fabric8.kubernetes.api.model.Container;
import io.j8s.node.runtime.ContainerInstance;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs one probe of one container instance periodically, with the kubelet's semantics:
 *
 * <ul>
 *   <li>the first attempt comes {@code initialDelay} after the container started, then one every
 *       {@code period}; an attempt still in flight makes the next tick skip;
 *   <li>liveness and readiness probes wait until the startup probe has succeeded; a startup probe
 *       stops once it has;
 *   <li>a result settles after the threshold of consecutive equal attempts ({@link ProbeCounter});
 *       every failed attempt is reported (the kubelet's {@code Unhealthy} event);
 *   <li>after a settled liveness or startup failure the worker holds (the container is being
 *       restarted; its next instance gets a new worker).
 * </ul>
 *
 * Listener calls come from probe threads; the listener hands them to its own executor. Thread-safe.
 */
public final class ProbeWorker {

    /** What the worker needs to know about the container it probes. */
    public interface Target {
        /** Whether the startup probe (if any) has succeeded. */
        boolean started();

        ContainerInstance instance();
    }

    /** Receives the worker's results. Must not block. */
    public interface Listener {
        /** A result reached its threshold (it may repeat the previous settled result). */
        void onSettled(ProbeType type, ProbeResult result);

        /** One attempt failed; {@code output} is the probe's message. */
        void onFailedAttempt(ProbeType type, String output);
    }

    private final ProbeManager manager;
    private final ProbeSpec spec;
    private final Container container;
    private final String podIp;
    private final Target target;
    private final Listener listener;

    // Guarded by this.
    private final ProbeCounter counter;
    private ScheduledFuture<?> ticker;
    private boolean inFlight;
    private boolean onHold;
    private boolean stopped;

    ProbeWorker(
            ProbeManager manager,
            ProbeSpec spec,
            Container container,
            String podIp,
            Target target,
            Listener listener) {
        this.manager = manager;
        this.spec = spec;
        this.container = container;
        this.podIp = podIp;
        this.target = target;
        this.listener = listener;
        this.counter =
                new ProbeCounter(spec.type(), spec.successThreshold(), spec.failureThreshold());
    }

    public ProbeType type() {
        return spec.type();
    }

    /** The current settled result (the type's initial result until a threshold is reached). */
    public synchronized ProbeResult settled() {
        return counter.settled();
    }

    /** Schedules the attempts, the first {@code initialDelay} after the instance started. */
    public synchronized void start() {
        if (stopped || ticker != null) {
            return;
        }
        Instant first = target.instance().startedAt().plus(spec.initialDelay());
        long delayMs = Math.max(0, first.toEpochMilli() - manager.clock().millis());
        ticker =
                manager.scheduler()
                        .scheduleAtFixedRate(
                                this::tick,
                                delayMs,
                                spec.period().toMillis(),
                                TimeUnit.MILLISECONDS);
    }

    /** Probes as soon as possible (e.g. right after the startup probe succeeded). */
    public void kick() {
        manager.scheduler().execute(this::tick);
    }

    public synchronized void stop() {
        stopped = true;
        if (ticker != null) {
            ticker.cancel(false);
        }
    }

    private void tick() {
        ContainerInstance instance;
        synchronized (this) {
            if (stopped || onHold || inFlight) {
                return;
            }
            boolean started = target.started();
            if (spec.type() == ProbeType.STARTUP && started) {
                stop();
                return;
            }
            if (spec.type() != ProbeType.STARTUP && !started) {
                return;
            }
            instance = target.instance();
            if (manager.clock()
                    .instant()
                    .isBefore(instance.startedAt().plus(spec.initialDelay()))) {
                return;
            }
            inFlight = true;
        }
        manager.prober()
                .probe(spec, container, podIp, instance)
                .orTimeout(spec.timeout().toMillis() + 2000, TimeUnit.MILLISECONDS)
                .whenComplete(
                        (outcome, error) ->
                                handle(
                                        error != null
                                                ? ProbeOutcome.failure("probe error: " + error)
                                                : outcome));
    }

    private void handle(ProbeOutcome outcome) {
        ProbeResult settledNow;
        synchronized (this) {
            inFlight = false;
            if (stopped) {
                return;
            }
            manager.countResult(spec.type(), outcome.result());
            settledNow = counter.record(outcome.result());
            if (settledNow == ProbeResult.FAILURE && spec.type() != ProbeType.READINESS) {
                onHold = true;
                counter.resetRun();
            }
        }
        if (outcome.result() == ProbeResult.FAILURE) {
            listener.onFailedAttempt(spec.type(), outcome.output());
        }
        if (settledNow != null) {
            listener.onSettled(spec.type(), settledNow);
        }
    }
}
