package io.j8s.controllers.runtime;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.j8s.client.cache.Cache;
import io.j8s.client.workqueue.WorkQueue;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * What every controller over one work queue is made of: a client under the controller's own
 * identity, the queue its event handlers put keys on, the count of its writes, the manager's clock,
 * and one {@link ReconcileLoop} that runs {@link #reconcile} over the queue once the caches it
 * reads have synced.
 *
 * <p>A subclass calls the constructor, gets its caches from the context, creates its loop with
 * {@link #newLoop} before its constructor returns, and registers its event handlers (which only
 * enqueue keys). Its reconcile logic and its identity's documentation stay its own.
 *
 * <p>The fields here are final and thread-safe; {@link #start()} and {@link #close()} follow {@link
 * Controller}.
 */
public abstract class ReconcilingController implements Controller {

    /** Writes under the controller's identity. */
    protected final KubernetesClient client;

    /** Keys to reconcile ({@code namespace/name}); event handlers only add to it. */
    protected final WorkQueue<String> queue;

    /** Every write is recorded here just before it is sent. */
    protected final ApiWrites writes;

    protected final Clock clock;

    private final String name;
    private final ControllerContext context;

    /** Set once by {@link #newLoop}, while the subclass is constructed (before it is published). */
    private ReconcileLoop loop;

    /**
     * @param name the controller's name (queue, loop, metrics and thread names)
     * @param identity the identity it writes with
     */
    protected ReconcilingController(ControllerContext context, String name, String identity) {
        this.context = Objects.requireNonNull(context, "context");
        this.name = Objects.requireNonNull(name, "name");
        this.client = context.client(identity);
        this.queue = context.newQueue(name);
        this.writes = new ApiWrites(name, context.meterRegistry());
        this.clock = context.clock();
    }

    /**
     * Creates the loop that reconciles this controller's keys with {@code workers} threads, once
     * every one of {@code caches} has synced. Call exactly once, from the subclass's constructor.
     */
    protected final ReconcileLoop newLoop(int workers, List<? extends Cache<?>> caches) {
        if (loop != null) {
            throw new IllegalStateException(
                    "controller " + name + " already has its reconcile loop");
        }
        List<BooleanSupplier> synced =
                caches.stream().<BooleanSupplier>map(c -> c::hasSynced).toList();
        loop = context.newLoop(name, queue, this::reconcile, workers, synced);
        return loop;
    }

    /** Reconciles one key; see {@link Reconciler#reconcile}. */
    protected abstract Result reconcile(String key) throws Exception;

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final void start() {
        if (loop == null) {
            throw new IllegalStateException("controller " + name + " created no reconcile loop");
        }
        loop.start();
    }

    @Override
    public final void close() {
        if (loop != null) {
            loop.stop();
        }
    }
}
