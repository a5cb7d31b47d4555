package io.j8s.node.pod;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared pool: a Pod worker's state is touched
 * only by its tasks, so it needs no locks, and ten thousand idle workers cost no threads.
 */
final class SerialExecutor implements Executor {

    private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);

    private final Executor pool;
    private final String name;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>(2); // guarded by this
    private boolean scheduled; // guarded by this

    SerialExecutor(Executor pool, String name) {
        this.pool = pool;
        this.name = name;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (this) {
            queue.add(task);
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        try {
            pool.execute(this::drain);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            synchronized (this) {
                queue.clear();
                scheduled = false;
            }
        }
    }

    private void drain() {
        while (true) {
            Runnable task;
            synchronized (this) {
                task = queue.poll();
                if (task == null) {
                    scheduled = false;
                    return;
                }
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("task of {} failed", name, e);
            }
        }
    }
}
