package io.j8s.server.testing;

import io.j8s.testkit.HostTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code kubectl} binary against a test server, with its own discovery cache so no
 * state leaks between tests (docs/architecture.md, "Tests").
 */
public final class Kubectl {
    private final Path kubeconfig;
    private final Path cacheDir;
    private final Path workDir;
    private final String binary;

    /** What one invocation printed. */
    public record Result(int exitCode, String stdout, String stderr) {
        /** The output, failing with both streams shown if kubectl failed. */
        public String ok() {
            if (exitCode != 0) {
                throw new AssertionError(
                        "kubectl exited with "
                                + exitCode
                                + "\nstdout:\n"
                                + stdout
                                + "\nstderr:\n"
                                + stderr);
            }
            return stdout;
        }
    }

    public Kubectl(Path kubeconfig, Path cacheDir, Path workDir) {
        this(kubeconfig, cacheDir, workDir, null);
    }

    /**
     * A kubectl run as {@code binary} (null: {@link #binary()}), in and with {@code HOME} at {@code
     * workDir}.
     */
    public Kubectl(Path kubeconfig, Path cacheDir, Path workDir, String binary) {
        this.kubeconfig = kubeconfig;
        this.cacheDir = cacheDir;
        this.workDir = workDir;
        this.binary = binary;
    }

    /**
     * The same user and server with another kubectl binary (e.g. an older release), with a cache of
     * its own.
     */
    public Kubectl withBinary(String path) {
        return new Kubectl(
                kubeconfig,
                cacheDir.resolve(Path.of(path).getFileName().toString()),
                workDir,
                path);
    }

    private String command() {
        return binary != null ? binary : binary();
    }

    /** Runs {@code kubectl <args>} and waits (at most two minutes). */
    public Result run(String... args) {
        try {
            Path out = Files.createTempFile(workDir, "kubectl", ".out");
            Path err = Files.createTempFile(workDir, "kubectl", ".err");
            Process process =
                    builder(args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError(
                        (binary != null ? binary : "kubectl")
                                + " "
                                + String.join(" ", args)
                                + " did not finish within 2 minutes");
            }
            return new Result(
                    process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * Runs {@code kubectl <args>} with {@code input} as its stdin and {@code env} added to its
     * environment, and waits (at most two minutes).
     */
    public Result runWithInput(byte[] input, java.util.Map<String, String> env, String... args) {
        try {
            Path in = Files.createTempFile(workDir, "kubectl", ".in");
            Files.write(in, input);
            Path out = Files.createTempFile(workDir, "kubectl", ".out");
            Path err = Files.createTempFile(workDir, "kubectl", ".err");
            ProcessBuilder b =
                    builder(args)
                            .redirectInput(in.toFile())
                            .redirectOutput(out.toFile())
                            .redirectError(err.toFile());
            b.environment().putAll(env);
            Process process = b.start();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError(
                        "kubectl " + String.join(" ", args) + " did not finish within 2 minutes");
            }
            return new Result(
                    process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * The command line and environment of {@code kubectl <args>}, to run it another way (under
     * {@code script}).
     */
    public ProcessBuilder processBuilder(String... args) {
        return builder(args);
    }

    /** Starts {@code kubectl <args>} without waiting (for {@code -w}); the caller must stop it. */
    public Process start(Path stdout, String... args) throws IOException {
        return builder(args)
                .redirectOutput(stdout.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    /** Starts {@code kubectl <args>} without waiting, its stderr kept too (for port-forward). */
    public Process start(Path stdout, Path stderr, String... args) throws IOException {
        return builder(args).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    }

    /**
     * {@code kubectl <args>} with this user's kubeconfig and cache, in the work dir, which is also
     * its HOME.
     */
    private ProcessBuilder builder(String... args) {
        List<String> command = new ArrayList<>();
        command.add(command());
        command.add("--kubeconfig=" + kubeconfig);
        command.add("--cache-dir=" + cacheDir);
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().remove("KUBECONFIG");
        builder.environment().put("HOME", workDir.toString());
        return builder;
    }

    /** The kubectl to run: {@code $J8S_KUBECTL}, else the one on the PATH. */
    public static String binary() {
        String configured = System.getenv("J8S_KUBECTL");
        return configured == null || configured.isBlank() ? "kubectl" : configured;
    }

    /**
     * Fails the calling test (class) when no kubectl can be run, naming the package that provides
     * it (skips it under {@link HostTools#ALLOW_MISSING}).
     */
    public static void requireAvailable() {
        HostTools.require(
                available(), "kubectl (" + binary() + ")", "apt-get install -y kubernetes-client");
    }

    /** Whether a kubectl can be run at all. */
    public static boolean available() {
        try {
            Process p =
                    new ProcessBuilder(binary(), "version", "--client")
                            .redirectErrorStream(true)
                            .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
