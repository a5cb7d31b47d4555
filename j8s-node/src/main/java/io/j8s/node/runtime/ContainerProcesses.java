package io.j8s.node.runtime;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * How a process is started for a Pod's container — the one place that knows: {@code kubectl exec}
 * goes through {@link #start}. The process runs on the host with the container's environment (which
 * carries the Pod's IP as {@code POD_IP}), in its {@code workingDir}, as the leader of its own
 * session (so {@link StreamProcess#kill()} takes everything it started). With {@code tty} it gets a
 * pseudo-terminal as stdin, stdout and stderr and as its controlling terminal (util-linux {@code
 * setsid --ctty}); without, pipes (stdin from {@code /dev/null} unless asked for).
 *
 * <p>When the container runs in its own mount namespace (as root, see docs/architecture.md, "What a
 * process Pod sees"), the command enters it through {@code nsenter} and sees the Pod's files.
 */
public final class ContainerProcesses {

    private ContainerProcesses() {}

    /**
     * Starts {@code command} for the container of {@code launch}.
     *
     * @param workDir the container's working directory, or null for the agent's
     * @param enter what runs the command inside the container's mount namespace ({@link
     *     ContainerView#processIn}: {@code nsenter ...}), or empty when it has none
     * @throws ContainerStartException when the command cannot be started (message for the user)
     */
    public static StreamProcess start(
            ContainerLaunch launch,
            List<String> command,
            Path workDir,
            List<String> enter,
            boolean tty,
            boolean stdin)
            throws ContainerStartException {
        if (command.isEmpty()) {
            throw new ContainerStartException("no command given");
        }
        Map<String, String> env = launch.env();
        String exe = ProcessRuntime.resolveExecutable(command.get(0), env.get("PATH"));
        Optional<Path> setsid = ProcessSessions.setsid();
        if (setsid.isEmpty()) {
            throw new ContainerStartException(
                    "this host has no setsid (util-linux): exec is not available");
        }
        List<String> argv = new ArrayList<>();
        argv.add(setsid.get().toString());
        if (tty) {
            argv.add("--ctty");
        }
        argv.addAll(enter);
        argv.add(exe);
        argv.addAll(command.subList(1, command.size()));
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().clear();
        pb.environment().putAll(env);
        if (tty && !env.containsKey("TERM")) {
            pb.environment().put("TERM", "xterm");
        }
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        Pty pty = null;
        try {
            if (tty) {
                pty = Pty.open();
                File slave = new File(pty.slavePath());
                pb.redirectInput(slave);
                pb.redirectOutput(ProcessBuilder.Redirect.appendTo(slave));
                pb.redirectError(ProcessBuilder.Redirect.appendTo(slave));
            } else if (!stdin) {
                pb.redirectInput(new File("/dev/null"));
            }
            Process p = pb.start();
            return tty ? new PtyProcess(p, pty) : new PipeProcess(p, stdin);
        } catch (IOException e) {
            if (pty != null) {
                pty.close();
            }
            throw new ContainerStartException(
                    "exec: \"" + command.get(0) + "\": " + e.getMessage(), e);
        }
    }

    private abstract static class Base implements StreamProcess {
        final Process process;
        final CompletableFuture<Integer> exit;

        Base(Process process) {
            this.process = process;
            this.exit = process.onExit().thenApply(Process::exitValue);
        }

        @Override
        public CompletableFuture<Integer> exit() {
            return exit;
        }

        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public void kill() {
            ProcessSessions.killSession(process.pid());
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.toHandle().destroyForcibly();
        }
    }

    private static final class PipeProcess extends Base {
        private final boolean stdin;

        PipeProcess(Process process, boolean stdin) {
            super(process);
            this.stdin = stdin;
            if (!stdin) {
                closeQuietly(process.getOutputStream());
            }
        }

        @Override
        public OutputStream stdin() {
            return stdin ? process.getOutputStream() : null;
        }

        @Override
        public InputStream stdout() {
            return process.getInputStream();
        }

        @Override
        public InputStream stderr() {
            return process.getErrorStream();
        }

        @Override
        public boolean tty() {
            return false;
        }

        @Override
        public void resize(int width, int height) {}

        @Override
        public void kill() {
            super.kill();
            closeQuietly(process.getOutputStream());
        }
    }

    private static final class PtyProcess extends Base {
        private final Pty pty;
        private final InputStream in;
        private final OutputStream out;

        PtyProcess(Process process, Pty pty) {
            super(process);
            this.pty = pty;
            this.in = pty.input();
            this.out = pty.output();
            // The JVM's pipes are unused (redirected to the terminal): close them now.
            closeQuietly(process.getOutputStream());
            closeQuietly(process.getInputStream());
            closeQuietly(process.getErrorStream());
        }

        @Override
        public OutputStream stdin() {
            return out;
        }

        @Override
        public InputStream stdout() {
            return in;
        }

        @Override
        public InputStream stderr() {
            return null;
        }

        @Override
        public boolean tty() {
            return true;
        }

        @Override
        public void resize(int width, int height) {
            pty.resize(width, height);
        }

        @Override
        public void kill() {
            super.kill();
            closeQuietly(out);
        }
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // nothing left to do
        }
    }
}
