package io.j8s.node.pod;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Probe;
import io.j8s.api.time.GoDurations;
import io.j8s.client.clock.DelayScheduler;
import io.j8s.node.ipam.IpExhaustedException;
import io.j8s.node.logs.ContainerLog;
import io.j8s.node.logs.ContainerLogs;
import io.j8s.node.probe.ProbeResult;
import io.j8s.node.probe.ProbeSpec;
import io.j8s.node.probe.ProbeType;
import io.j8s.node.probe.ProbeWorker;
import io.j8s.node.runtime.ContainerConfigException;
import io.j8s.node.runtime.ContainerEnvironment;
import io.j8s.node.runtime.ContainerInstance;
import io.j8s.node.runtime.ContainerLaunch;
import io.j8s.node.runtime.ContainerRuntime;
import io.j8s.node.runtime.ContainerStartException;
import io.j8s.node.runtime.ContainerView;
import io.j8s.node.runtime.EnvSources;
import io.j8s.node.runtime.ExitStatus;
import io.j8s.node.status.ContainerSnapshot;
import io.j8s.node.status.PodPhases;
import io.j8s.node.status.PodSnapshot;
import io.j8s.node.status.RunState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's state machine for one Pod (one UID), driven by the Pod's desired spec.
 *
 * <p>{@link #sync()} is level-triggered: it compares what runs with what the Pod asks for and does
 * the next step — allocate the Pod IP, run the init containers one by one, start the containers,
 * restart ended ones per {@code restartPolicy} with the crash-loop back-off, and, once the Pod has
 * a {@code deletionTimestamp} or is gone, stop everything (SIGTERM, grace period, SIGKILL), release
 * the IP and report {@link PodWorkerListener#terminated}. Probe results, container exits and timers
 * only post a {@code sync} or a small state change.
 *
 * <p>Where the worker is in the Pod's life is one {@link Lifecycle} value (the kubelet's pod
 * workers have the same stages: {@code SyncPod}, {@code TerminatingPod}, {@code TerminatedPod});
 * each change goes through {@link #moveTo}, which refuses a transition the table does not allow.
 *
 * <p>Thread confinement: every field below is touched only by tasks of this worker's {@link
 * SerialExecutor}; others read the published {@link #snapshot()} (volatile, immutable) and {@link
 * #terminationDone()}.
 */
public final class PodWorker {

    private static final Logger log = LoggerFactory.getLogger(PodWorker.class);

    /** The stages of a Pod on this node. */
    enum Lifecycle {
        /** Created, not synced yet. */
        NEW,
        /**
         * Running toward the spec: sandbox (Pod IP), volumes, init containers, containers,
         * restarts.
         */
        RUNNING,
        /**
         * Done by its restart policy (every container ended for good) or rejected at admission:
         * nothing runs, the sandbox is released, the status is still reported.
         */
        COMPLETED,
        /**
         * Found already Succeeded or Failed when this agent took it up: nothing to run or report.
         */
        ADOPTED_COMPLETED,
        /** Deleted (or gone from the API) while containers run: SIGTERM, grace period, SIGKILL. */
        TERMINATING,
        /** Deleted and every container stopped, the IP released, the listener told. Final. */
        TERMINATED,
        /** Agent shutdown: containers stopped, the IP kept for the next agent. Final. */
        SHUT_DOWN;

        private java.util.Set<Lifecycle> next() {
            return switch (this) {
                case NEW ->
                        java.util.EnumSet.of(
                                RUNNING,
                                COMPLETED,
                                ADOPTED_COMPLETED,
                                TERMINATING,
                                TERMINATED,
                                SHUT_DOWN);
                case RUNNING -> java.util.EnumSet.of(COMPLETED, TERMINATING, TERMINATED, SHUT_DOWN);
                case COMPLETED ->
                        java.util.EnumSet.of(ADOPTED_COMPLETED, TERMINATING, TERMINATED, SHUT_DOWN);
                case ADOPTED_COMPLETED -> java.util.EnumSet.of(TERMINATING, TERMINATED, SHUT_DOWN);
                case TERMINATING -> java.util.EnumSet.of(TERMINATED, SHUT_DOWN);
                case TERMINATED, SHUT_DOWN -> java.util.EnumSet.noneOf(Lifecycle.class);
            };
        }

        boolean canMoveTo(Lifecycle target) {
            return next().contains(target);
        }

        /**
         * Whether the Pod has reached a terminal phase (its status shows it; nothing will run
         * again).
         */
        boolean terminal() {
            return this == COMPLETED || this == ADOPTED_COMPLETED || this == TERMINATED;
        }

        /** Whether nothing is started or restarted any more. */
        boolean stopping() {
            return this == TERMINATING || this == TERMINATED || this == SHUT_DOWN;
        }
    }

    private final PodWorkers owner;
    private final PodWorkerContext ctx;
    private final String uid;
    private final String namespace;
    private final String name;
    private final SerialExecutor serial;

    // Confined to `serial`.
    private Pod pod;
    private volatile Lifecycle lifecycle = Lifecycle.NEW; // written only by `serial`

    /** The Pod is gone from the API (an input, like {@link #pod}): it terminates as if deleted. */
    private boolean removedFromApi;

    /** False for a Pod found already finished: this agent reports nothing for it. */
    private boolean reportsStatus = true;

    private String podIp;
    private boolean ipHeld;
    private boolean sandboxReady;
    private Instant startTime;
    private final List<ContainerRecord> initContainers = new ArrayList<>();
    private final List<ContainerRecord> containers = new ArrayList<>();
    private PodSnapshot.Rejection rejection;
    private boolean startRecorded;
    private DelayScheduler.Timer retry;
    private PodSetup.Prepared prepared;
    private DelayScheduler.Timer volumeRefresh;
    private String lastMountError;

    /**
     * How soon a container whose environment could not be built (CreateContainerConfigError) is
     * tried again.
     */
    static final Duration CONFIG_RETRY = Duration.ofSeconds(5);

    private volatile PodSnapshot snapshot;
    private volatile Pod latestPod;

    PodWorker(PodWorkers owner, PodWorkerContext ctx, Pod pod) {
        this.owner = owner;
        this.ctx = ctx;
        this.uid = pod.getMetadata().getUid();
        this.namespace = pod.getMetadata().getNamespace();
        this.name = pod.getMetadata().getName();
        this.serial = new SerialExecutor(ctx.pool(), namespace + "/" + name);
        this.latestPod = pod;
    }

    public String uid() {
        return uid;
    }

    public String namespace() {
        return namespace;
    }

    public String name() {
        return name;
    }

    /** {@code namespace/name}. */
    public String key() {
        return namespace + "/" + name;
    }

    /** The latest Pod object this worker was given. */
    public Pod pod() {
        return latestPod;
    }

    /**
     * The latest state, or null before the first sync; null too when the Pod was adopted terminal.
     */
    public PodSnapshot snapshot() {
        return snapshot;
    }

    /** Whether all containers are stopped for good after a deletion and the IP is released. */
    public boolean terminationDone() {
        return lifecycle == Lifecycle.TERMINATED;
    }

    /** The worker's stage (tests). */
    Lifecycle lifecycle() {
        return lifecycle;
    }

    // ---- inputs (any thread) -------------------------------------------------------------------

    void update(Pod p) {
        latestPod = p;
        serial.execute(
                () -> {
                    pod = p;
                    sync();
                });
    }

    void reject(Pod p, String reason, String message) {
        latestPod = p;
        serial.execute(
                () -> {
                    pod = p;
                    rejection = new PodSnapshot.Rejection(reason, message);
                    if (lifecycle == Lifecycle.NEW || lifecycle == Lifecycle.RUNNING) {
                        moveTo(Lifecycle.COMPLETED);
                    }
                    ctx.events().event(p, null, "Warning", reason, message);
                    publish();
                });
    }

    /**
     * Agent shutdown: stops every running container (SIGTERM, SIGKILL after {@code grace}) without
     * treating the Pod as deleted — its IP stays allocated so a restarted agent takes it up again.
     */
    java.util.concurrent.CompletableFuture<Void> shutdown(Duration grace) {
        java.util.concurrent.CompletableFuture<Void> done =
                new java.util.concurrent.CompletableFuture<>();
        serial.execute(
                () -> {
                    if (lifecycle != Lifecycle.TERMINATED) {
                        moveTo(Lifecycle.SHUT_DOWN);
                    }
                    if (retry != null) {
                        retry.cancel();
                    }
                    if (volumeRefresh != null) {
                        volumeRefresh.cancel();
                    }
                    List<java.util.concurrent.CompletableFuture<ExitStatus>> exits =
                            new ArrayList<>();
                    for (ContainerRecord r : allContainers()) {
                        if (r.retry != null) {
                            r.retry.cancel();
                        }
                        stopProbes(r);
                        if (r.instance != null) {
                            exits.add(r.instance.exit());
                            r.instance.stop(grace);
                        }
                    }
                    java.util.concurrent.CompletableFuture.allOf(
                                    exits.toArray(java.util.concurrent.CompletableFuture[]::new))
                            .whenComplete((v, e) -> done.complete(null));
                });
        return done;
    }

    void removed() {
        serial.execute(
                () -> {
                    removedFromApi = true;
                    sync();
                });
    }

    // ---- the state machine (serial) ------------------------------------------------------------

    private void moveTo(Lifecycle target) {
        if (lifecycle == target) {
            return;
        }
        if (!lifecycle.canMoveTo(target)) {
            throw new IllegalStateException(
                    "pod " + key() + ": no transition from " + lifecycle + " to " + target);
        }
        log.debug("pod {}: {} -> {}", key(), lifecycle, target);
        lifecycle = target;
    }

    private void sync() {
        if (pod == null || lifecycle == Lifecycle.TERMINATED || lifecycle == Lifecycle.SHUT_DOWN) {
            return;
        }
        if (startTime == null) { // not taken up yet (adopt sets it)
            adopt();
        }
        if (removedFromApi
                || pod.getMetadata().getDeletionTimestamp() != null
                || lifecycle == Lifecycle.TERMINATING) {
            terminate(); // a deletion, once begun, is never undone
            publish();
            return;
        }
        if (lifecycle.terminal()) {
            publish();
            return;
        }
        moveTo(Lifecycle.RUNNING);
        if (!ensureSandbox()) {
            publish();
            return;
        }
        if (!ensureVolumes()) {
            publish();
            return;
        }
        if (runInitContainers()) {
            for (ContainerRecord c : containers) {
                reconcile(c);
            }
            checkTerminal();
        }
        publish();
    }

    /**
     * Creates the container records and, for a Pod the node ran before, restores what it showed.
     */
    private void adopt() {
        if (pod.getSpec().getInitContainers() != null) {
            for (Container c : pod.getSpec().getInitContainers()) {
                initContainers.add(new ContainerRecord(c, true));
            }
        }
        for (Container c : pod.getSpec().getContainers()) {
            containers.add(new ContainerRecord(c, false));
        }
        startTime = ctx.clock().instant();
        PodStatus st = pod.getStatus();
        if (st == null) {
            return;
        }
        if (PodPhases.isTerminal(st.getPhase())) {
            // Finished before this agent saw it: nothing to run, nothing to report.
            moveTo(Lifecycle.ADOPTED_COMPLETED);
            reportsStatus = false;
            podIp = st.getPodIP();
            return;
        }
        restore(initContainers, st.getInitContainerStatuses());
        restore(containers, st.getContainerStatuses());
        if (st.getPodIP() != null && ctx.ipam() != null && ctx.ipam().get(uid).isEmpty()) {
            if (ctx.ipam().claim(uid, st.getPodIP())) {
                podIp = st.getPodIP();
                ipHeld = true;
            }
        }
    }

    private void restore(List<ContainerRecord> records, List<ContainerStatus> statuses) {
        if (statuses == null) {
            return;
        }
        for (ContainerStatus cs : statuses) {
            for (ContainerRecord r : records) {
                if (!r.name.equals(cs.getName())) {
                    continue;
                }
                r.restartCount = cs.getRestartCount() == null ? 0 : cs.getRestartCount();
                RunState.Terminated last =
                        cs.getLastState() == null
                                ? null
                                : terminated(cs.getLastState().getTerminated());
                if (cs.getState() != null && cs.getState().getRunning() != null) {
                    r.lastExit = last;
                    r.adoptedId = stripScheme(cs.getContainerID());
                    r.adoptedStartedAt = parse(cs.getState().getRunning().getStartedAt());
                } else if (cs.getState() != null && cs.getState().getTerminated() != null) {
                    r.previousExit = last;
                    r.lastExit = terminated(cs.getState().getTerminated());
                } else {
                    r.lastExit = last;
                }
            }
        }
    }

    private boolean ensureSandbox() {
        if (sandboxReady) {
            return true;
        }
        if (!ipHeld) {
            try {
                String existing = ctx.ipam().get(uid).orElse(null);
                podIp = existing != null ? existing : ctx.ipam().allocate(uid);
                ipHeld = true;
            } catch (IpExhaustedException e) {
                ctx.events()
                        .event(
                                pod,
                                null,
                                "Warning",
                                "FailedCreatePodSandBox",
                                "Failed to create pod sandbox: " + e.getMessage());
                log.warn("pod {}: {}", key(), e.getMessage());
                retryIn(Duration.ofSeconds(10));
                return false;
            }
        }
        sandboxReady = true;
        return true;
    }

    /**
     * Writes the Pod's directory (volumes, resolv.conf, hosts) once, then keeps it up to date every
     * volume sync period; false (retried) while a volume cannot be set up ({@code FailedMount}).
     */
    private boolean ensureVolumes() {
        PodSetup setup = ctx.setup();
        if (!setup.enabled() || prepared != null) {
            return true;
        }
        if (!writeVolumes()) {
            retryIn(Duration.ofSeconds(2));
            return false;
        }
        if (prepared.dns().warning() != null) {
            ctx.events()
                    .event(
                            pod,
                            null,
                            "Warning",
                            prepared.dns().warningReason(),
                            prepared.dns().warning());
        }
        long period = Math.max(1, setup.volumeSyncPeriod().toMillis());
        volumeRefresh =
                ctx.timers()
                        .scheduleWithFixedDelay(
                                Duration.ofMillis(period),
                                () -> serial.execute(this::refreshVolumes));
        return true;
    }

    private boolean writeVolumes() {
        try {
            prepared = ctx.setup().prepare(pod, podIp, ctx.nodeName(), ctx.hostIp());
            lastMountError = null;
            return true;
        } catch (io.j8s.node.volume.VolumeException e) {
            mountFailed(e.eventMessage());
        } catch (java.io.IOException | RuntimeException e) {
            mountFailed("MountVolume.SetUp failed: " + e.getMessage());
        }
        return false;
    }

    private void mountFailed(String message) {
        owner.volumeSetupFailed();
        if (!message.equals(lastMountError)) {
            lastMountError = message;
            ctx.events().event(pod, null, "Warning", "FailedMount", message);
            log.warn("pod {}: {}", key(), message);
        }
    }

    /** The periodic volume sync: ConfigMap/Secret changes and token refreshes reach the files. */
    private void refreshVolumes() {
        if (lifecycle != Lifecycle.RUNNING || prepared == null) {
            return;
        }
        writeVolumes();
    }

    /** Runs init containers in order; true once all have completed successfully. */
    private boolean runInitContainers() {
        for (ContainerRecord r : initContainers) {
            if (r.instance != null) {
                return false;
            }
            if (r.lastExit != null && r.lastExit.exitCode() == 0) {
                continue;
            }
            if (r.lastExit == null) {
                if (r.configError == null) {
                    start(r);
                }
                return false;
            }
            if ("Never".equals(restartPolicy())) {
                moveTo(Lifecycle.COMPLETED);
                releaseSandbox();
                return false;
            }
            restartWithBackOff(r);
            return false;
        }
        return true;
    }

    private void reconcile(ContainerRecord r) {
        if (r.instance != null || r.configError != null) {
            return;
        }
        if (r.lastExit == null || r.adoptedId != null) {
            start(r);
            return;
        }
        if (shouldRestart(r.lastExit)) {
            restartWithBackOff(r);
        }
    }

    private boolean shouldRestart(RunState.Terminated exit) {
        String policy = restartPolicy();
        return "Always".equals(policy) || ("OnFailure".equals(policy) && exit.exitCode() != 0);
    }

    private void restartWithBackOff(ContainerRecord r) {
        Instant now = ctx.clock().instant();
        Instant finished = r.lastExit.finishedAt() == null ? now : r.lastExit.finishedAt();
        if (ctx.backOff().inBackOff(r.backOff, finished, now)) {
            String delay = GoDurations.format(r.backOff.delay());
            r.waiting =
                    new RunState.Waiting(
                            "CrashLoopBackOff",
                            "back-off "
                                    + delay
                                    + " restarting failed container="
                                    + r.name
                                    + " pod="
                                    + podRef());
            if (!finished.equals(r.backOffEventFor)) {
                r.backOffEventFor = finished;
                ctx.events()
                        .event(
                                pod,
                                r.fieldPath(),
                                "Warning",
                                "BackOff",
                                "Back-off restarting failed container "
                                        + r.name
                                        + " in pod "
                                        + podRef());
            }
            Instant at = ctx.backOff().retryAt(r.backOff, finished);
            if (r.retry == null || r.retry.isDone()) {
                r.retry = schedule(Duration.between(now, at).plusMillis(1));
            }
            return;
        }
        r.backOff = ctx.backOff().next(r.backOff, finished);
        r.restartCount++;
        owner.containerRestarted();
        start(r);
    }

    private void start(ContainerRecord r) {
        ContainerRuntime runtime = ctx.runtimes().runtimeFor(r.spec);
        boolean simulated = runtime.name().equals("simulated");
        Map<String, String> env;
        ContainerView view = null;
        try {
            if (simulated) {
                env = Map.of();
            } else {
                EnvSources sources = new WarningSources(ctx.setup().sources());
                env =
                        ContainerEnvironment.build(
                                pod, r.spec, podIp, ctx.nodeName(), ctx.hostIp(), sources);
                if (prepared != null) {
                    try {
                        view = ctx.setup().view(prepared, r.spec);
                    } catch (io.j8s.node.volume.VolumeException e) {
                        throw new ContainerConfigException(e.getMessage());
                    }
                    if (!view.namespaced()) {
                        env = withPodDir(env);
                    }
                }
            }
        } catch (ContainerConfigException e) {
            r.configError = e.getMessage();
            owner.containerConfigError();
            r.waiting = new RunState.Waiting("CreateContainerConfigError", e.getMessage());
            ctx.events().event(pod, r.fieldPath(), "Warning", "Failed", "Error: " + e.getMessage());
            log.warn("pod {}: container {}: {}", key(), r.name, e.getMessage());
            ctx.timers()
                    .schedule(
                            CONFIG_RETRY,
                            () ->
                                    serial.execute(
                                            () -> {
                                                if (r.configError != null
                                                        && !lifecycle.stopping()) {
                                                    r.configError =
                                                            null; // the kubelet retries: the
                                                    // ConfigMap or Secret may exist
                                                    // now
                                                    sync();
                                                }
                                            }));
            return;
        }
        boolean adopt = r.adoptedId != null && !runtime.name().equals("process");
        if (r.adoptedId != null && !adopt) {
            // A process container cannot be re-attached after an agent restart: it was killed as an
            // orphan, so it is restarted and the restart is counted.
            Instant now = ctx.clock().instant();
            r.previousExit = r.lastExit;
            r.lastExit =
                    new RunState.Terminated(
                            137,
                            "Error",
                            "the node agent restarted and stopped the container",
                            r.adoptedStartedAt,
                            now,
                            r.adoptedId);
            r.restartCount++;
            r.adoptedId = null;
            r.adoptedStartedAt = null;
        }
        ContainerLog logBuffer =
                new ContainerLog(simulated ? ContainerLog.MAX_LINE_BYTES : ctx.logCapacityBytes());
        ContainerLaunch launch =
                new ContainerLaunch(
                        namespace, name, uid, ctx.nodeName(), podIp, r.spec, env, logBuffer, view);
        if (!adopt) {
            ctx.events()
                    .event(
                            pod,
                            r.fieldPath(),
                            "Normal",
                            "Pulled",
                            "Container image \""
                                    + r.spec.getImage()
                                    + "\" already present on machine");
        }
        ContainerInstance instance;
        try {
            instance = runtime.start(launch);
        } catch (ContainerStartException e) {
            Instant now = ctx.clock().instant();
            r.previousLog = r.currentLog;
            r.currentLog = logBuffer;
            r.previousExit = r.lastExit;
            r.lastExit = new RunState.Terminated(128, "StartError", e.getMessage(), now, now, null);
            r.adoptedId = null;
            r.waiting = null;
            ctx.events().event(pod, r.fieldPath(), "Warning", "Failed", "Error: " + e.getMessage());
            log.warn("pod {}: container {} failed to start: {}", key(), r.name, e.getMessage());
            serial.execute(this::sync); // the restart policy and back-off decide what comes next
            return;
        }
        r.previousLog = r.currentLog;
        r.currentLog = logBuffer;
        r.instance = instance;
        r.waiting = null;
        if (adopt) {
            r.shownId = r.adoptedId;
            r.shownStartedAt =
                    r.adoptedStartedAt != null ? r.adoptedStartedAt : instance.startedAt();
            r.adoptedId = null;
            r.adoptedStartedAt = null;
        } else {
            r.shownId = instance.id();
            r.shownStartedAt = instance.startedAt();
            ctx.events()
                    .event(pod, r.fieldPath(), "Normal", "Created", "Created container " + r.name);
            ctx.events()
                    .event(pod, r.fieldPath(), "Normal", "Started", "Started container " + r.name);
            log.info(
                    "pod {}: started container {} ({}) id {}",
                    key(),
                    r.name,
                    runtime.name(),
                    instance.id());
        }
        startProbes(r, instance, simulated);
        instance.exit()
                .whenComplete(
                        (status, error) ->
                                serial.execute(() -> onExit(r, instance, status, error)));
    }

    private void startProbes(ContainerRecord r, ContainerInstance instance, boolean simulated) {
        r.probeInstance = instance;
        boolean probing = !simulated && ctx.probes() != null && !r.init;
        Probe startup = probing ? r.spec.getStartupProbe() : null;
        Probe readiness = probing ? r.spec.getReadinessProbe() : null;
        Probe liveness = probing ? r.spec.getLivenessProbe() : null;
        r.started = startup == null;
        r.readinessOk = readiness == null;
        r.probes.clear();
        addProbe(r, instance, ProbeType.STARTUP, startup);
        addProbe(r, instance, ProbeType.READINESS, readiness);
        addProbe(r, instance, ProbeType.LIVENESS, liveness);
    }

    private void addProbe(
            ContainerRecord r, ContainerInstance instance, ProbeType type, Probe probe) {
        if (probe == null) {
            return;
        }
        ProbeWorker w =
                ctx.probes()
                        .newWorker(
                                ProbeSpec.from(type, probe),
                                r.spec,
                                podIp,
                                r,
                                new ProbeListener(r, instance));
        r.probes.add(w);
        w.start();
    }

    private void onExit(
            ContainerRecord r, ContainerInstance instance, ExitStatus status, Throwable error) {
        if (r.instance != instance) {
            return;
        }
        stopProbes(r);
        r.instance = null;
        r.probeInstance = null;
        r.started = false;
        Instant now = ctx.clock().instant();
        ExitStatus st =
                status != null ? status : new ExitStatus(-1, "Error", String.valueOf(error), now);
        r.previousExit = r.lastExit;
        r.lastExit =
                new RunState.Terminated(
                        st.exitCode(),
                        st.reason(),
                        st.message(),
                        r.shownStartedAt,
                        st.finishedAt(),
                        r.shownId);
        r.waiting = null;
        log.info(
                "pod {}: container {} exited with code {} ({})",
                key(),
                r.name,
                st.exitCode(),
                st.reason());
        sync();
    }

    private void onProbeSettled(
            ContainerRecord r, ContainerInstance instance, ProbeType type, ProbeResult result) {
        if (r.instance != instance) {
            return;
        }
        switch (type) {
            case STARTUP -> {
                if (result == ProbeResult.SUCCESS) {
                    r.started = true;
                    r.probes.forEach(ProbeWorker::kick);
                } else if (result == ProbeResult.FAILURE) {
                    kill(
                            r,
                            "Container " + r.name + " failed startup probe, will be restarted",
                            r.spec.getStartupProbe());
                }
            }
            case LIVENESS -> {
                if (result == ProbeResult.FAILURE) {
                    kill(
                            r,
                            "Container " + r.name + " failed liveness probe, will be restarted",
                            r.spec.getLivenessProbe());
                }
            }
            case READINESS -> r.readinessOk = result == ProbeResult.SUCCESS;
        }
        publish();
    }

    private void kill(ContainerRecord r, String message, Probe probe) {
        if (lifecycle.stopping()) {
            return;
        }
        ctx.events().event(pod, r.fieldPath(), "Normal", "Killing", message);
        Long probeGrace = probe == null ? null : probe.getTerminationGracePeriodSeconds();
        Duration grace =
                probeGrace != null ? Duration.ofSeconds(probeGrace) : podGracePeriod(false);
        r.instance.stop(grace);
    }

    private void checkTerminal() {
        for (ContainerRecord r : containers) {
            if (r.instance != null
                    || r.configError != null
                    || r.lastExit == null
                    || shouldRestart(r.lastExit)) {
                return;
            }
        }
        moveTo(Lifecycle.COMPLETED);
        releaseSandbox();
        log.info("pod {}: all containers have completed", key());
    }

    /**
     * Deletion: stops what runs (TERMINATING) and, once nothing does, releases everything
     * (TERMINATED).
     */
    private void terminate() {
        if (lifecycle != Lifecycle.TERMINATING) {
            if (retry != null) {
                retry.cancel();
            }
            for (ContainerRecord r : allContainers()) {
                if (r.retry != null) {
                    r.retry.cancel();
                }
            }
            log.info(
                    "pod {}: stopping ({})",
                    key(),
                    removedFromApi ? "removed from the API" : "deletion requested");
        }
        Duration grace = podGracePeriod(true);
        boolean running = false;
        for (ContainerRecord r : allContainers()) {
            if (r.instance == null) {
                continue;
            }
            running = true;
            if (r.killGrace == null || grace.compareTo(r.killGrace) < 0) {
                if (r.killGrace == null) {
                    ctx.events()
                            .event(
                                    pod,
                                    r.fieldPath(),
                                    "Normal",
                                    "Killing",
                                    "Stopping container " + r.name);
                }
                r.killGrace = grace;
                r.instance.stop(grace);
            }
        }
        if (running) {
            moveTo(Lifecycle.TERMINATING);
            return;
        }
        releaseSandbox();
        for (ContainerRecord r : allContainers()) {
            stopProbes(r);
        }
        moveTo(Lifecycle.TERMINATED);
        ctx.setup().cleanUp(uid);
        log.info("pod {}: all containers stopped", key());
        ctx.listener().terminated(this);
    }

    /**
     * Without a mount namespace the volumes stay in the Pod's directory: {@code J8S_POD_DIR} names
     * it, and {@code KUBECONFIG} the per-Pod kubeconfig when the Pod has the service account volume
     * (a declared variable of the same name wins).
     */
    private Map<String, String> withPodDir(Map<String, String> env) {
        Map<String, String> out = new java.util.LinkedHashMap<>(env);
        out.putIfAbsent("J8S_POD_DIR", prepared.podDir().toString());
        java.nio.file.Path kubeconfig = prepared.podDir().resolve(ContainerView.KUBECONFIG_FILE);
        if (java.nio.file.Files.exists(kubeconfig)) {
            out.putIfAbsent("KUBECONFIG", kubeconfig.toString());
        }
        return out;
    }

    /** Env sources whose warnings become Pod events. */
    private final class WarningSources implements EnvSources {
        private final EnvSources delegate;

        WarningSources(EnvSources delegate) {
            this.delegate = delegate;
        }

        @Override
        public java.util.Collection<io.fabric8.kubernetes.api.model.Service> services() {
            return delegate.services();
        }

        @Override
        public io.fabric8.kubernetes.api.model.ConfigMap configMap(String ns, String n)
                throws ContainerConfigException {
            return delegate.configMap(ns, n);
        }

        @Override
        public io.fabric8.kubernetes.api.model.Secret secret(String ns, String n)
                throws ContainerConfigException {
            return delegate.secret(ns, n);
        }

        @Override
        public Map<String, io.fabric8.kubernetes.api.model.Quantity> allocatable() {
            return delegate.allocatable();
        }

        @Override
        public void warning(String reason, String message) {
            ctx.events().event(pod, null, "Warning", reason, message);
        }
    }

    private void releaseSandbox() {
        if (volumeRefresh != null) {
            volumeRefresh.cancel();
            volumeRefresh = null;
        }
        sandboxReady = false;
        if (ipHeld && ctx.ipam() != null) {
            ctx.ipam().release(uid);
            ipHeld = false;
        }
    }

    private Duration podGracePeriod(boolean deletion) {
        Long seconds = deletion ? pod.getMetadata().getDeletionGracePeriodSeconds() : null;
        if (seconds == null) {
            seconds = pod.getSpec().getTerminationGracePeriodSeconds();
        }
        return Duration.ofSeconds(seconds == null ? 30 : Math.max(0, seconds));
    }

    private void stopProbes(ContainerRecord r) {
        r.probes.forEach(ProbeWorker::stop);
        r.probes.clear();
    }

    private void retryIn(Duration d) {
        if (retry != null) {
            retry.cancel();
        }
        retry = schedule(d);
    }

    private DelayScheduler.Timer schedule(Duration d) {
        return ctx.timers()
                .schedule(
                        d.compareTo(MIN_DELAY) < 0 ? MIN_DELAY : d,
                        () -> serial.execute(this::sync));
    }

    private static final Duration MIN_DELAY = Duration.ofMillis(1);

    // ---- publication ---------------------------------------------------------------------------

    private void publish() {
        if (!reportsStatus || lifecycle == Lifecycle.SHUT_DOWN) {
            return;
        }
        List<ContainerSnapshot> init = new ArrayList<>(initContainers.size());
        for (ContainerRecord r : initContainers) {
            init.add(r.snapshot());
        }
        List<ContainerSnapshot> main = new ArrayList<>(containers.size());
        boolean allReady = !containers.isEmpty();
        for (ContainerRecord r : containers) {
            ContainerSnapshot s = r.snapshot();
            main.add(s);
            allReady &= s.ready();
        }
        PodSnapshot next =
                new PodSnapshot(
                        podIp,
                        startTime,
                        init,
                        main,
                        sandboxReady,
                        lifecycle.terminal(),
                        rejection,
                        ctx.clock().instant());
        PodSnapshot prev = snapshot;
        if (prev != null && sameState(prev, next)) {
            return;
        }
        snapshot = next;
        ctx.logs().publishAddress(namespace, name, uid, podIp);
        for (ContainerRecord r : allContainers()) {
            ctx.logs().publish(namespace, name, uid, r.name, r.logs());
        }
        if (allReady && !startRecorded) {
            startRecorded = true;
            owner.podStarted(pod, next.observedAt());
        }
        ctx.listener().statusChanged(this);
    }

    private static boolean sameState(PodSnapshot a, PodSnapshot b) {
        return java.util.Objects.equals(a.podIp(), b.podIp())
                && a.sandboxReady() == b.sandboxReady()
                && a.terminal() == b.terminal()
                && java.util.Objects.equals(a.rejection(), b.rejection())
                && a.containers().equals(b.containers())
                && a.initContainers().equals(b.initContainers());
    }

    private List<ContainerRecord> allContainers() {
        List<ContainerRecord> all = new ArrayList<>(initContainers);
        all.addAll(containers);
        return all;
    }

    private String restartPolicy() {
        String p = pod.getSpec().getRestartPolicy();
        return p == null ? "Always" : p;
    }

    /** The kubelet's {@code format.Pod}: {@code name_namespace(uid)}. */
    private String podRef() {
        return name + "_" + namespace + "(" + uid + ")";
    }

    private static RunState.Terminated terminated(ContainerStateTerminated t) {
        if (t == null) {
            return null;
        }
        return new RunState.Terminated(
                t.getExitCode() == null ? 0 : t.getExitCode(),
                t.getReason(),
                t.getMessage(),
                parse(t.getStartedAt()),
                parse(t.getFinishedAt()),
                stripScheme(t.getContainerID()));
    }

    private static Instant parse(String time) {
        if (time == null || time.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(time);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String stripScheme(String id) {
        if (id == null) {
            return null;
        }
        int i = id.indexOf("://");
        return i >= 0 ? id.substring(i + 3) : id;
    }

    /** Probe callbacks come from probe threads: hop onto this worker's executor. */
    private final class ProbeListener implements ProbeWorker.Listener {
        private final ContainerRecord record;
        private final ContainerInstance instance;

        ProbeListener(ContainerRecord record, ContainerInstance instance) {
            this.record = record;
            this.instance = instance;
        }

        @Override
        public void onSettled(ProbeType type, ProbeResult result) {
            serial.execute(() -> onProbeSettled(record, instance, type, result));
        }

        @Override
        public void onFailedAttempt(ProbeType type, String output) {
            serial.execute(
                    () -> {
                        if (record.instance == instance && !lifecycle.stopping()) {
                            ctx.events()
                                    .event(
                                            pod,
                                            record.fieldPath(),
                                            "Warning",
                                            "Unhealthy",
                                            type.title() + " probe failed: " + output);
                        }
                    });
        }
    }

    /** One container of the Pod across its instances. Confined to the worker's executor. */
    private final class ContainerRecord implements ProbeWorker.Target {
        final String name;
        final Container spec;
        final boolean init;
        ContainerInstance instance;
        volatile ContainerInstance probeInstance;
        volatile boolean started;
        boolean readinessOk;
        String shownId;
        Instant shownStartedAt;
        String adoptedId;
        Instant adoptedStartedAt;
        RunState.Terminated lastExit;
        RunState.Terminated previousExit;
        RunState.Waiting waiting;
        String configError;
        int restartCount;
        CrashLoopBackOff.State backOff;
        Instant backOffEventFor;
        DelayScheduler.Timer retry;
        Duration killGrace;
        ContainerLog currentLog;
        ContainerLog previousLog;
        final List<ProbeWorker> probes = new ArrayList<>(0);

        ContainerRecord(Container spec, boolean init) {
            this.name = spec.getName();
            this.spec = spec;
            this.init = init;
        }

        String fieldPath() {
            return (init ? "spec.initContainers{" : "spec.containers{") + name + "}";
        }

        @Override
        public boolean started() {
            return started;
        }

        @Override
        public ContainerInstance instance() {
            return probeInstance;
        }

        /**
         * Whether the container's state shown is "waiting to restart" (lastState is the last exit).
         */
        private boolean waitingToRestart() {
            return instance == null
                    && lastExit != null
                    && !lifecycle.stopping()
                    && !lifecycle.terminal()
                    && waiting != null;
        }

        ContainerSnapshot snapshot() {
            String image = spec.getImage();
            if (instance != null) {
                boolean ready = started && readinessOk && !init;
                return new ContainerSnapshot(
                        name,
                        image,
                        shownId,
                        new RunState.Running(shownStartedAt),
                        lastExit,
                        ready,
                        started,
                        restartCount);
            }
            if (lastExit == null) {
                RunState.Waiting w =
                        waiting != null ? waiting : new RunState.Waiting("ContainerCreating", null);
                return new ContainerSnapshot(
                        name, image, null, w, null, false, false, restartCount);
            }
            if (waitingToRestart()) {
                return new ContainerSnapshot(
                        name,
                        image,
                        lastExit.containerId(),
                        waiting,
                        lastExit,
                        false,
                        false,
                        restartCount);
            }
            return new ContainerSnapshot(
                    name,
                    image,
                    lastExit.containerId(),
                    lastExit,
                    previousExit,
                    false,
                    false,
                    restartCount);
        }

        ContainerLogs logs() {
            ContainerLog previous = waitingToRestart() ? currentLog : previousLog;
            String reason =
                    currentLog == null
                            ? (waiting != null ? waiting.reason() : "ContainerCreating")
                            : null;
            return new ContainerLogs(currentLog, previous, reason, instance);
        }
    }
}
