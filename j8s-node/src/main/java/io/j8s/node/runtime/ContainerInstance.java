package io.j8s.node.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One running instance of a container. A restart is a new instance with a new {@link #id()}.
 * Thread-safe.
 */
public interface ContainerInstance {

    /** 64 hex characters, unique per instance; the status shows it as {@code j8s://<id>}. */
    String id();

    Instant startedAt();

    /**
     * Completes exactly once, when the instance has ended and its output is fully captured. Callers
     * must not block a shared thread on it.
     */
    CompletableFuture<ExitStatus> exit();

    /**
     * Asks the instance to stop: SIGTERM (or its equivalent) now, SIGKILL of everything it started
     * once {@code gracePeriod} has passed. Idempotent; a later call with an earlier deadline brings
     * the kill forward. Never blocks.
     */
    void stop(Duration gracePeriod);

    /**
     * Runs {@code command} in the container's context (its environment and working directory) for
     * an exec probe. Never blocks the caller; the future completes with the result, also on
     * timeout.
     */
    CompletableFuture<ExecResult> exec(List<String> command, Duration timeout);

    /**
     * How to start another process inside this running container (argv prefix, env, cwd; see {@link
     * ContainerView#processIn}), or empty when the runtime has no processes to join (builtin,
     * simulated).
     */
    default java.util.Optional<ContainerView.ProcessSpec> processSpec() {
        return java.util.Optional.empty();
    }

    /**
     * Starts {@code command} in the container's context for {@code kubectl exec} (see {@link
     * ContainerProcesses}). The process is killed when the instance ends. Call it from a worker
     * thread: it spawns.
     *
     * @throws ContainerStartException when the command cannot start, or this runtime runs nothing
     */
    default StreamProcess startProcess(List<String> command, boolean tty, boolean stdin)
            throws ContainerStartException {
        throw new ContainerStartException("this container runtime cannot run commands");
    }

    /**
     * Attaches to the instance's main process: its live output from now on, its stdin when the
     * container has {@code stdin: true}. {@link StreamProcess#kill()} detaches (the process goes
     * on).
     *
     * @throws ContainerStartException when this runtime has no process to attach to
     */
    default StreamProcess attach(boolean tty, boolean stdin) throws ContainerStartException {
        throw new ContainerStartException("this container runtime has no process to attach to");
    }
}
