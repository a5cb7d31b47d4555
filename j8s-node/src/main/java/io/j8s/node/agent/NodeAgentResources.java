package io.j8s.node.agent;

import io.j8s.node.logs.ContainerLogRegistry;
import io.j8s.node.metrics.ResourceMetrics;
import io.j8s.node.metrics.RunningContainers;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads and registries that several node agents in one JVM share, so N simulated nodes cost a
 * fixed number of threads: a scheduler (timers, probe ticks), a worker pool (Pod workers, status
 * writes, events), a heartbeat pool (registration, Leases, Node status), a blocking pool (HTTP/TCP
 * probe I/O), a Netty event loop group (builtin responders, log endpoint) and the container log
 * registry (one log endpoint can serve all nodes). Thread-safe; {@link #close()} stops the threads.
 */
public final class NodeAgentResources implements AutoCloseable {

    private final ScheduledExecutorService scheduler;
    private final ExecutorService workers;
    private final ExecutorService blocking;
    private final ExecutorService heartbeats;
    private final EventLoopGroup eventLoops;
    private final ContainerLogRegistry logs = new ContainerLogRegistry();
    private final RunningContainers processes = new RunningContainers();
    private final ResourceMetrics resourceMetrics =
            new ResourceMetrics(
                    java.nio.file.Path.of("/proc"), processes, java.time.Clock.systemUTC());

    /** Threads of {@link #heartbeats()}: blocked on requests most of the time. */
    private static final int HEARTBEAT_THREADS = 8;

    private NodeAgentResources(int workerThreads, int eventLoopThreads) {
        ScheduledThreadPoolExecutor s =
                new ScheduledThreadPoolExecutor(1, daemon("j8s-node-timer"));
        s.setRemoveOnCancelPolicy(true);
        this.scheduler = s;
        this.workers = Executors.newFixedThreadPool(workerThreads, daemon("j8s-node-worker"));
        this.blocking = Executors.newCachedThreadPool(daemon("j8s-node-probe"));
        this.heartbeats =
                Executors.newFixedThreadPool(HEARTBEAT_THREADS, daemon("j8s-node-heartbeat"));
        this.eventLoops =
                new MultiThreadIoEventLoopGroup(
                        eventLoopThreads, daemon("j8s-node-netty"), NioIoHandler.newFactory());
    }

    /**
     * Defaults for a 2-core host: 8 workers, 2 event loops. The workers spend most of their time
     * waiting for the API server (every Pod status write is a request), so there are more of them
     * than cores: with 4, 150 simulated nodes' status writes queued behind each other (the small
     * control-plane preset, docs/benchmarks.md).
     */
    public static NodeAgentResources create() {
        return new NodeAgentResources(8, 2);
    }

    public static NodeAgentResources create(int workerThreads, int eventLoopThreads) {
        return new NodeAgentResources(workerThreads, eventLoopThreads);
    }

    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    public ExecutorService workers() {
        return workers;
    }

    public ExecutorService blocking() {
        return blocking;
    }

    /**
     * Where the agents' periodic API work runs (registration, Lease renewals, Node status, the pod
     * CIDR poll), each a blocking request: off the timer thread, which only fires them (one timer
     * thread doing 1,500 nodes' requests one after another took minutes to get them Ready after a
     * restart of a loaded server, docs/benchmarks.md), and apart from the Pod workers, so that a
     * backlog of Pod status writes never delays a Lease renewal.
     */
    public ExecutorService heartbeats() {
        return heartbeats;
    }

    public EventLoopGroup eventLoops() {
        return eventLoops;
    }

    public ContainerLogRegistry logs() {
        return logs;
    }

    /** The process containers of every node in this JVM, for the resource metrics. */
    public RunningContainers processes() {
        return processes;
    }

    /**
     * The resource metrics of the nodes in this JVM ({@code /metrics/resource} of the node
     * endpoint).
     */
    public ResourceMetrics resourceMetrics() {
        return resourceMetrics;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        workers.shutdown();
        blocking.shutdownNow();
        heartbeats.shutdownNow();
        eventLoops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
