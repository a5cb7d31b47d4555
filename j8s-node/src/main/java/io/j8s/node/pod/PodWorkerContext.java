package io.j8s.node.pod;

import io.j8s.client.clock.DelayScheduler;
import io.j8s.node.ipam.PodIpAllocator;
import io.j8s.node.logs.ContainerLogRegistry;
import io.j8s.node.probe.ProbeManager;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What all Pod workers of one node share. Immutable.
 *
 * @param hostIp the node's address (status.hostIP and the downward API)
 * @param pool runs the workers' serial tasks (starting a container blocks briefly)
 * @param scheduler the threads of {@link #timers} (and of the runtimes' SIGKILL deadlines)
 * @param probes null on simulated nodes, whose containers are ready without probing
 * @param backOff restart back-off (shrink it in tests)
 * @param logCapacityBytes per container instance
 * @param maxPods the node's pod capacity; Pods beyond it are rejected ({@code OutOfpods})
 * @param setup environment sources, volumes, DNS and mount namespaces ({@link PodSetup#NONE}: none)
 * @param timers the workers' timers (back-off restarts, retries, volume sync); with {@code clock},
 *     what tests move by hand (one {@link io.j8s.client.clock.FakeClock} as both)
 */
public record PodWorkerContext(
        String nodeName,
        String hostIp,
        Clock clock,
        Executor pool,
        ScheduledExecutorService scheduler,
        RuntimeSelector runtimes,
        PodIpAllocator ipam,
        ProbeManager probes,
        PodEventSink events,
        PodWorkerListener listener,
        ContainerLogRegistry logs,
        CrashLoopBackOff backOff,
        long logCapacityBytes,
        int maxPods,
        MeterRegistry registry,
        PodSetup setup,
        DelayScheduler timers) {}
