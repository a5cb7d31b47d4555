package io.j8s.apiserver.bootstrap;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Work a server's start runs on a daemon thread of its own, beside its sequential part, and joins
 * later (docs/architecture.md, "Start-up"): the certificates while the store opens, the system
 * objects while the RBAC policy is written.
 */
public final class StartTask<T> {
    private final FutureTask<T> task;

    private StartTask(FutureTask<T> task) {
        this.task = task;
    }

    /** Starts {@code work} on a new daemon thread named {@code thread}. */
    public static <T> StartTask<T> start(String thread, Callable<T> work) {
        FutureTask<T> task = new FutureTask<>(work);
        Thread t = new Thread(task, thread);
        t.setDaemon(true);
        t.start();
        return new StartTask<>(task);
    }

    /** Waits for the work's result; its failure is rethrown ({@link #unchecked}). */
    public T join() throws InterruptedException {
        try {
            return task.get();
        } catch (ExecutionException e) {
            throw unchecked(e);
        }
    }

    /**
     * What a failed task threw: an unchecked exception as it is (returned, for the caller to
     * throw), an error thrown here, a checked exception wrapped.
     */
    public static RuntimeException unchecked(ExecutionException e) {
        if (e.getCause() instanceof RuntimeException r) {
            return r;
        }
        if (e.getCause() instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(e.getCause());
    }
}
