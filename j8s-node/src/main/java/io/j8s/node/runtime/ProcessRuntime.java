package io.j8s.node.runtime;

import io.fabric8.kubernetes.api.model.Container;
import io.j8s.client.clock.DelayScheduler;
import io.j8s.node.logs.ContainerLog;
import io.j8s.node.logs.LineSplitter;
import io.j8s.node.logs.LogStream;
import io.j8s.node.metrics.RunningContainers;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a container's {@code command}/{@code args} as a child process on the host.
 *
 * <p>{@code command[0]} is the executable, looked up in the container's {@code PATH} when it has no
 * slash (no shell is implied). The process gets only the container's environment, stdin from {@code
 * /dev/null} (a pipe with {@code stdin: true}, a pseudo-terminal with {@code tty: true}, for {@code
 * kubectl attach}), and {@code workingDir} when set; as root it runs in the container's own mount
 * namespace ({@link ContainerView}). It leads its own session ({@code setsid}), so stopping the
 * container — or its main process exiting — kills everything it started, like the end of a PID
 * namespace. Stopping sends SIGTERM to the main process, then SIGKILL to the session when the grace
 * period is over. Each instance uses two daemon threads to read stdout and stderr.
 *
 * <p>Thread-safe.
 */
public final class ProcessRuntime implements ContainerRuntime {

    private static final Logger log = LoggerFactory.getLogger(ProcessRuntime.class);

    private final Clock clock;
    private final DelayScheduler timers;
    private final ProcessTable table;
    private final RunningContainers processes;

    /**
     * @param scheduler shared timer for the SIGKILL deadlines; tasks are short
     * @param table where running PIDs are recorded for orphan clean-up, or null
     */
    public ProcessRuntime(Clock clock, ScheduledExecutorService scheduler, ProcessTable table) {
        this(clock, scheduler, table, null);
    }

    /**
     * @param processes where running containers are listed for the resource metrics, or null
     */
    public ProcessRuntime(
            Clock clock,
            ScheduledExecutorService scheduler,
            ProcessTable table,
            RunningContainers processes) {
        this(clock, DelayScheduler.of(scheduler), table, processes);
    }

    /**
     * @param timers the SIGKILL deadlines' timers (tasks are short)
     */
    public ProcessRuntime(
            Clock clock, DelayScheduler timers, ProcessTable table, RunningContainers processes) {
        this.clock = clock;
        this.timers = Objects.requireNonNull(timers, "timers");
        this.table = table;
        this.processes = processes;
    }

    @Override
    public String name() {
        return "process";
    }

    @Override
    public ContainerInstance start(ContainerLaunch launch) throws ContainerStartException {
        Container c = launch.container();
        List<String> argv = ContainerEnvironment.commandLine(c, launch.env());
        if (argv.isEmpty()) {
            throw new ContainerStartException(
                    "container " + c.getName() + " has no command to run");
        }
        ContainerView view = launch.view();
        boolean namespaced = view != null && view.namespaced();
        String exe =
                namespaced && argv.get(0).startsWith("/") && view.underMount(argv.get(0))
                        ? argv.get(0) // lives in a volume: only visible inside the container's
                        // namespace
                        : resolveExecutable(argv.get(0), launch.env().get("PATH"));
        Path workDir = null;
        if (!namespaced && c.getWorkingDir() != null && !c.getWorkingDir().isEmpty()) {
            workDir = Path.of(c.getWorkingDir());
            if (!Files.isDirectory(workDir)) {
                throw new ContainerStartException(
                        "chdir to cwd (\""
                                + c.getWorkingDir()
                                + "\") set in config.json failed: no such file or directory");
            }
        }
        boolean stdin = Boolean.TRUE.equals(c.getStdin());
        boolean tty = Boolean.TRUE.equals(c.getTty()) && ProcessSessions.setsid().isPresent();
        List<String> command = new ArrayList<>();
        command.add(exe);
        command.addAll(argv.subList(1, argv.size()));
        List<String> cmd = new ArrayList<>();
        ProcessSessions.setsid().ifPresent(s -> cmd.add(s.toString()));
        if (tty) {
            cmd.add("--ctty");
        }
        if (namespaced) {
            try {
                cmd.addAll(view.namespacedArgv(c.getName(), c.getWorkingDir(), command));
            } catch (IOException e) {
                throw new ContainerStartException(
                        "preparing the container's mount namespace failed: " + e.getMessage(), e);
            }
        } else {
            cmd.addAll(command);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().clear();
        pb.environment().putAll(launch.env());
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        Pty pty = null;
        Process process;
        try {
            if (tty) {
                // tty: true — the main process runs on a pseudo-terminal (what attach -t talks to).
                pty = Pty.open();
                File slave = new File(pty.slavePath());
                pb.redirectInput(slave);
                pb.redirectOutput(ProcessBuilder.Redirect.appendTo(slave));
                pb.redirectError(ProcessBuilder.Redirect.appendTo(slave));
                if (!launch.env().containsKey("TERM")) {
                    pb.environment().put("TERM", "xterm");
                }
            } else if (!stdin) {
                pb.redirectInput(new File("/dev/null"));
            }
            process = pb.start();
        } catch (IOException e) {
            if (pty != null) {
                pty.close();
            }
            throw new ContainerStartException(
                    "exec: \"" + argv.get(0) + "\": " + e.getMessage(), e);
        }
        if (namespaced) {
            awaitRoot(process, view.readyMarker(c.getName()));
        }
        Instant startedAt = clock.instant();
        ProcessContainer instance =
                new ProcessContainer(
                        launch,
                        process,
                        startedAt,
                        workDir,
                        pty,
                        stdin,
                        Boolean.TRUE.equals(c.getStdinOnce()));
        if (table != null) {
            table.add(
                    process.pid(),
                    process.info().startInstant().orElse(startedAt),
                    launch.displayName());
        }
        if (processes != null) {
            processes.add(
                    new RunningContainers.Entry(
                            instance.id(),
                            launch.namespace(),
                            launch.podName(),
                            c.getName(),
                            process.pid(),
                            startedAt));
            instance.exit().whenComplete((status, error) -> processes.remove(instance.id()));
        }
        log.debug("started {} as pid {}: {}", launch.displayName(), process.pid(), argv);
        return instance;
    }

    /**
     * Waits (at most {@link #ROOT_TIMEOUT}) until the setup script has built the container's root,
     * so an exec into the running container sees it; a script that fails ends the process, whose
     * output is in the container's log.
     */
    private static void awaitRoot(Process process, Path ready) {
        long deadline = System.nanoTime() + ROOT_TIMEOUT.toNanos();
        while (!Files.exists(ready) && process.isAlive() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static final Duration ROOT_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Resolves {@code name} the way {@code execvp} does: as given when it contains a slash,
     * otherwise the first executable match in {@code path}.
     */
    static String resolveExecutable(String name, String path) throws ContainerStartException {
        if (name.contains("/")) {
            Path p = Path.of(name);
            if (!Files.exists(p)) {
                throw new ContainerStartException(
                        "exec: \"" + name + "\": stat " + name + ": no such file or directory");
            }
            if (!Files.isExecutable(p) || Files.isDirectory(p)) {
                throw new ContainerStartException("exec: \"" + name + "\": permission denied");
            }
            return name;
        }
        String search = path == null ? ContainerEnvironment.DEFAULT_PATH : path;
        for (String dir : search.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                return p.toString();
            }
        }
        throw new ContainerStartException(
                "exec: \"" + name + "\": executable file not found in $PATH");
    }

    private final class ProcessContainer extends AbstractContainerInstance {
        private final Process process;
        private final long pid;
        private final Path workDir;

        // Guarded by this.
        private Instant killDeadline;
        private DelayScheduler.Timer killTimer;

        private final Attachments attachments;

        ProcessContainer(
                ContainerLaunch launch,
                Process process,
                Instant startedAt,
                Path workDir,
                Pty pty,
                boolean stdin,
                boolean stdinOnce) {
            super(launch, startedAt);
            this.process = process;
            this.pid = process.pid();
            this.workDir = workDir;
            OutputStream in = null;
            if (pty != null) {
                in = pty.output();
                ContainerProcesses.closeQuietly(process.getOutputStream());
                ContainerProcesses.closeQuietly(process.getInputStream());
                ContainerProcesses.closeQuietly(process.getErrorStream());
            } else if (stdin) {
                in = process.getOutputStream();
            }
            this.attachments =
                    new Attachments(in, stdinOnce, pty, exit.thenApply(ExitStatus::exitCode));
            CompletableFuture<Void> out =
                    pump(pty != null ? pty.input() : process.getInputStream(), LogStream.STDOUT);
            CompletableFuture<Void> err =
                    pty != null
                            ? CompletableFuture.completedFuture(null)
                            : pump(process.getErrorStream(), LogStream.STDERR);
            final OutputStream stdinStream = in;
            CompletableFuture.allOf(out, err).whenComplete((v, e) -> attachments.end());
            exit.whenComplete(
                    (st, e) -> {
                        attachments.end();
                        if (stdinStream != null) {
                            ContainerProcesses.closeQuietly(stdinStream);
                        }
                    });
            CompletableFuture<Instant> mainExited =
                    process.onExit()
                            .thenApply(
                                    p -> {
                                        Instant finished = clock.instant();
                                        cancelKillTimer();
                                        killRemaining(); // what the main process leaves behind dies
                                        // with it
                                        return finished;
                                    });
            CompletableFuture<Void> drained =
                    CompletableFuture.allOf(out, err).completeOnTimeout(null, 2, TimeUnit.SECONDS);
            mainExited
                    .thenCombine(
                            drained,
                            (finished, v) -> {
                                launch.log().close();
                                if (table != null) {
                                    table.remove(pid);
                                }
                                int code = process.exitValue();
                                log.debug(
                                        "{} (pid {}) exited with {}",
                                        launch.displayName(),
                                        pid,
                                        code);
                                return ExitStatus.of(code, finished);
                            })
                    .whenComplete(
                            (status, error) -> {
                                if (error != null) {
                                    exit.completeExceptionally(error);
                                } else {
                                    exit.complete(status);
                                }
                            });
        }

        private CompletableFuture<Void> pump(InputStream in, LogStream stream) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            ContainerLog target = launch.log();
            Thread t =
                    new Thread(
                            () -> {
                                boolean stderr = stream == LogStream.STDERR;
                                InputStream tapped =
                                        new java.io.FilterInputStream(in) {
                                            @Override
                                            public int read(byte[] b, int off, int len)
                                                    throws IOException {
                                                int n = super.read(b, off, len);
                                                if (n > 0) {
                                                    attachments.offer(stderr, b, off, n);
                                                }
                                                return n;
                                            }
                                        };
                                try (tapped) {
                                    LineSplitter.pump(tapped, stream, target, clock);
                                } catch (IOException e) {
                                    // The pipe closes when the process is killed: end of output.
                                } finally {
                                    done.complete(null);
                                }
                            },
                            "j8s-log-" + launch.displayName() + "-" + stream.name().toLowerCase());
            t.setDaemon(true);
            t.start();
            return done;
        }

        @Override
        public void stop(Duration gracePeriod) {
            synchronized (this) {
                if (!process.isAlive()) {
                    return;
                }
                Instant deadline = clock.instant().plus(gracePeriod);
                if (killDeadline != null && !deadline.isBefore(killDeadline)) {
                    return;
                }
                boolean first = killDeadline == null;
                killDeadline = deadline;
                if (killTimer != null) {
                    killTimer.cancel();
                }
                if (first && !gracePeriod.isZero()) {
                    // SIGTERM through the handle: Process.destroy() would also close our end of the
                    // stdout/stderr pipes and lose what the container prints while shutting down.
                    process.toHandle().destroy();
                }
                if (gracePeriod.isZero()) {
                    killRemaining();
                    return;
                }
                killTimer = timers.schedule(gracePeriod, this::killAfterGrace);
            }
        }

        private void killAfterGrace() {
            if (process.isAlive()) {
                log.info(
                        "{} (pid {}) outlived its grace period; sending SIGKILL",
                        launch.displayName(),
                        pid);
                killRemaining();
            }
        }

        private synchronized void cancelKillTimer() {
            if (killTimer != null) {
                killTimer.cancel();
            }
        }

        private void killRemaining() {
            if (ProcessSessions.setsid().isPresent()) {
                ProcessSessions.killSession(pid);
            }
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.toHandle().destroyForcibly();
        }

        @Override
        public java.util.Optional<ContainerView.ProcessSpec> processSpec() {
            return java.util.Optional.of(
                    ContainerView.processIn(
                            launch.view(), pid, launch.env(), launch.container().getWorkingDir()));
        }

        @Override
        protected Path workingDir() {
            return workDir;
        }

        @Override
        public StreamProcess attach(boolean tty, boolean stdin) throws ContainerStartException {
            return attachments.attach(stdin);
        }

        @Override
        protected ProcessTable processTable() {
            return table;
        }

        @Override
        public CompletableFuture<ExecResult> exec(List<String> command, Duration timeout) {
            ContainerView.ProcessSpec spec = processSpec().orElseThrow();
            List<String> expanded = new ArrayList<>(command.size());
            for (String s : command) {
                expanded.add(EnvExpansion.expand(s, launch.env()));
            }
            return HostExec.run(spec.argv(expanded), spec.env(), spec.cwd(), timeout);
        }
    }
}
