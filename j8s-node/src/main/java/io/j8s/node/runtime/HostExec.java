package io.j8s.node.runtime;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short command on the host with a container's environment and working directory — what an
 * exec probe does. Output goes to a temp file rather than a pipe, so no thread waits on it; the
 * command runs in its own session so a timeout kills everything it started.
 */
public final class HostExec {

    /** How much output is kept for the probe's message. */
    static final int MAX_OUTPUT = 10 * 1024;

    private HostExec() {}

    public static CompletableFuture<ExecResult> run(
            List<String> command, Map<String, String> env, Path workingDir, Duration timeout) {
        if (command == null || command.isEmpty()) {
            return CompletableFuture.completedFuture(
                    new ExecResult(-1, "exec probe has no command", false));
        }
        Path out;
        Process p;
        try {
            String exe = ProcessRuntime.resolveExecutable(command.get(0), env.get("PATH"));
            List<String> argv = new ArrayList<>();
            ProcessSessions.setsid().ifPresent(s -> argv.add(s.toString()));
            argv.add(exe);
            argv.addAll(command.subList(1, command.size()));
            out = Files.createTempFile("j8s-exec", ".out");
            ProcessBuilder pb = new ProcessBuilder(argv);
            pb.environment().clear();
            pb.environment().putAll(env);
            if (workingDir != null) {
                pb.directory(workingDir.toFile());
            }
            pb.redirectInput(new File("/dev/null"));
            pb.redirectErrorStream(true);
            pb.redirectOutput(out.toFile());
            p = pb.start();
        } catch (ContainerStartException e) {
            return CompletableFuture.completedFuture(new ExecResult(-1, e.getMessage(), false));
        } catch (IOException e) {
            return CompletableFuture.completedFuture(
                    new ExecResult(-1, "exec failed: " + e.getMessage(), false));
        }
        long pid = p.pid();
        final Path outFile = out;
        return p.onExit()
                .thenApply(proc -> new ExecResult(proc.exitValue(), readOutput(outFile), false))
                .completeOnTimeout(null, timeout.toMillis(), TimeUnit.MILLISECONDS)
                .thenApply(
                        r -> {
                            if (r != null) {
                                return r;
                            }
                            if (ProcessSessions.setsid().isPresent()) {
                                ProcessSessions.killSession(pid);
                            }
                            p.toHandle().destroyForcibly();
                            return new ExecResult(
                                    -1,
                                    "command \"" + String.join(" ", command) + "\" timed out",
                                    true);
                        })
                .whenComplete((r, e) -> deleteQuietly(outFile));
    }

    private static String readOutput(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(MAX_OUTPUT), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a leftover temp file is harmless
        }
    }
}
