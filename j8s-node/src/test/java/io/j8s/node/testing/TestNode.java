package io.j8s.node.testing;

import io.fabric8.kubernetes.api.model.Pod;
import io.j8s.client.clock.DelayScheduler;
import io.j8s.client.clock.FakeClock;
import io.j8s.node.ipam.Ipv4Cidr;
import io.j8s.node.ipam.PodIpAllocator;
import io.j8s.node.logs.ContainerLogRegistry;
import io.j8s.node.pod.CrashLoopBackOff;
import io.j8s.node.pod.PodEventSink;
import io.j8s.node.pod.PodWorker;
import io.j8s.node.pod.PodWorkerContext;
import io.j8s.node.pod.PodWorkerListener;
import io.j8s.node.pod.PodWorkers;
import io.j8s.node.pod.RuntimeSelector;
import io.j8s.node.probe.ProbeManager;
import io.j8s.node.probe.Prober;
import io.j8s.node.runtime.BuiltinRuntime;
import io.j8s.node.runtime.ProcessRuntime;
import io.j8s.node.runtime.SimulatedRuntime;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A node's Pod workers wired to real runtimes, with recording event and status sinks, for tests.
 * {@link #close()} stops every container and thread it started.
 */
public final class TestNode implements AutoCloseable {

    /** One recorded event. */
    public record Recorded(
            String pod, String fieldPath, String type, String reason, String message) {}

    private static final AtomicInteger SUBNET =
            new AtomicInteger((int) (ProcessHandle.current().pid() % 100) + 1);

    public final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);
    public final ExecutorService pool = Executors.newFixedThreadPool(2);
    public final ExecutorService blocking = Executors.newCachedThreadPool();
    public final EventLoopGroup group =
            new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    public final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    public final ContainerLogRegistry logs = new ContainerLogRegistry();
    public final List<Recorded> events = new CopyOnWriteArrayList<>();
    public final Set<String> terminated = ConcurrentHashMap.newKeySet();
    public final AtomicInteger statusChanges = new AtomicInteger();
    public final PodIpAllocator ipam;
    public final PodWorkers workers;

    public TestNode(boolean simulated, int maxPods, Duration backOffInitial, Duration backOffMax) {
        this(simulated, maxPods, backOffInitial, backOffMax, Clock.systemUTC(), null);
    }

    /**
     * A node whose workers, runtimes and back-off read {@code clock} and whose Pod timers are
     * {@code timers} (null: real ones on {@link #scheduler}).
     */
    public TestNode(
            boolean simulated,
            int maxPods,
            Duration backOffInitial,
            Duration backOffMax,
            Clock clock,
            DelayScheduler timers) {
        int n = SUBNET.getAndIncrement() % 250 + 1;
        String cidr = simulated ? "127.247.0.0/16" : "127.246." + n + ".0/24";
        ipam = new PodIpAllocator(Ipv4Cidr.parse(cidr), null);
        RuntimeSelector runtimes =
                simulated
                        ? RuntimeSelector.all(new SimulatedRuntime(clock))
                        : RuntimeSelector.real(
                                new ProcessRuntime(clock, scheduler, null),
                                new BuiltinRuntime(group, clock));
        ProbeManager probes =
                simulated
                        ? null
                        : new ProbeManager(
                                scheduler, new Prober(blocking), clock, registry, "node01");
        PodEventSink sink =
                (pod, fieldPath, type, reason, message) ->
                        events.add(
                                new Recorded(
                                        pod.getMetadata().getName(),
                                        fieldPath,
                                        type,
                                        reason,
                                        message));
        PodWorkerListener listener =
                new PodWorkerListener() {
                    @Override
                    public void statusChanged(PodWorker worker) {
                        statusChanges.incrementAndGet();
                    }

                    @Override
                    public void terminated(PodWorker worker) {
                        terminated.add(worker.uid());
                    }
                };
        workers =
                new PodWorkers(
                        new PodWorkerContext(
                                "node01",
                                "127.0.0.1",
                                clock,
                                pool,
                                scheduler,
                                runtimes,
                                ipam,
                                probes,
                                sink,
                                listener,
                                logs,
                                new CrashLoopBackOff(backOffInitial, backOffMax),
                                1 << 20,
                                maxPods,
                                registry,
                                io.j8s.node.pod.PodSetup.NONE,
                                timers != null ? timers : DelayScheduler.of(scheduler)));
    }

    /**
     * A real-runtime node on hand-moved time ({@code clock} is its clock and timers); back-off from
     * {@code backOffInitial}.
     */
    public static TestNode manualTime(
            FakeClock clock, Duration backOffInitial, Duration backOffMax) {
        return new TestNode(false, 110, backOffInitial, backOffMax, clock, clock);
    }

    public static TestNode real() {
        return new TestNode(false, 110, Duration.ofMillis(300), Duration.ofMillis(1200));
    }

    public PodWorker worker(Pod pod) {
        return workers.get(pod.getMetadata().getUid()).orElseThrow();
    }

    public List<String> reasons(String pod) {
        return events.stream().filter(e -> e.pod().equals(pod)).map(Recorded::reason).toList();
    }

    @Override
    public void close() throws Exception {
        workers.stopAll(Duration.ZERO, Duration.ofSeconds(10));
        scheduler.shutdownNow();
        pool.shutdown();
        pool.awaitTermination(5, TimeUnit.SECONDS);
        blocking.shutdownNow();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
