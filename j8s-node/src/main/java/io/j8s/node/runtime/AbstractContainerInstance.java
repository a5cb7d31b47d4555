package io.j8s.node.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the instances of every runtime share: a new {@link ContainerIds id}, the time the instance
 * started, the launch it runs, and its exit future, which the runtime completes exactly once.
 * Thread-safe as far as it goes; subclasses say how they stop and exec.
 */
abstract class AbstractContainerInstance implements ContainerInstance {

    protected final ContainerLaunch launch;

    /** Completed by the subclass, once, when the instance has ended and its output is captured. */
    protected final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();

    private final String id = ContainerIds.newId();
    private final Instant startedAt;

    /** The exec processes running, killed when the instance ends. */
    private final java.util.Set<StreamProcess> processes =
            java.util.concurrent.ConcurrentHashMap.newKeySet();

    AbstractContainerInstance(ContainerLaunch launch, Instant startedAt) {
        this.launch = launch;
        this.startedAt = startedAt;
        exit.whenComplete((status, error) -> processes.forEach(StreamProcess::kill));
    }

    /** The container's working directory for exec (null: the agent's). */
    protected Path workingDir() {
        return null;
    }

    /** Where exec processes are recorded for orphan clean-up after an agent crash, or null. */
    protected ProcessTable processTable() {
        return null;
    }

    @Override
    public StreamProcess startProcess(List<String> command, boolean tty, boolean stdin)
            throws ContainerStartException {
        if (exit.isDone()) {
            throw new ContainerStartException(
                    "container " + launch.container().getName() + " is not running");
        }
        java.util.Optional<ContainerView.ProcessSpec> spec = processSpec();
        List<String> enter = spec.map(ContainerView.ProcessSpec::argvPrefix).orElse(List.of());
        Path workDir = enter.isEmpty() ? workingDir() : null; // nsenter --wd takes the container's
        StreamProcess p = ContainerProcesses.start(launch, command, workDir, enter, tty, stdin);
        processes.add(p);
        ProcessTable table = processTable();
        if (table != null) {
            table.add(p.pid(), java.time.Instant.now(), launch.displayName() + " exec");
        }
        p.exit()
                .whenComplete(
                        (code, error) -> {
                            processes.remove(p);
                            p.kill(); // what it left in its session goes with it
                            if (table != null) {
                                table.remove(p.pid());
                            }
                        });
        if (exit.isDone()) {
            p.kill(); // the instance ended while the process started
        }
        return p;
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final Instant startedAt() {
        return startedAt;
    }

    @Override
    public final CompletableFuture<ExitStatus> exit() {
        return exit;
    }

    /**
     * Runs {@code command} on the host with the container's environment, its {@code $(VAR)}
     * references expanded from that environment, in {@code workDir} (null: the agent's).
     */
    protected final CompletableFuture<ExecResult> execOnHost(
            List<String> command, Path workDir, Duration timeout) {
        List<String> expanded = new ArrayList<>(command.size());
        for (String s : command) {
            expanded.add(EnvExpansion.expand(s, launch.env()));
        }
        return HostExec.run(expanded, launch.env(), workDir, timeout);
    }
}
