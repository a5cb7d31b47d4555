package io.j8s.store.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.j8s.store.AlreadyExistsException;
import io.j8s.store.CompactedException;
import io.j8s.store.ConflictException;
import io.j8s.store.FutureRevisionException;
import io.j8s.store.KeyValue;
import io.j8s.store.NotFoundException;
import io.j8s.store.RangeResult;
import io.j8s.store.Store;
import io.j8s.store.StoreClosedException;
import io.j8s.store.StoreException;
import io.j8s.store.TxnOp;
import io.j8s.store.ValueTooLargeException;
import io.j8s.store.Watch;
import io.j8s.store.WatchListener;
import io.j8s.store.support.AbstractStore;
import io.j8s.store.support.BufferedWatch;
import io.j8s.store.support.TxnOps;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The distributed {@link Store}: a real etcd cluster, through jetcd.
 *
 * <p>Keys: store keys must begin with {@code /registry/}; {@code /registry/<rest>} lives at etcd
 * key {@code <keyPrefix><rest>} (see {@link EtcdStoreOptions#keyPrefix()}).
 *
 * <p>Revisions are etcd's own: shared with every other client of the cluster, so they grow by one
 * per write only while nothing else writes. A {@link #txn} is one etcd transaction and so one
 * revision; it emits one event per op, all with that revision, in op order (etcd's order). Writes
 * are etcd transactions guarded by compares: {@code create_revision == 0} for a create, {@code
 * mod_revision == expected} for an update or delete ({@code create_revision > 0} for an
 * unconditional delete). When a compare fails, the same transaction's else branch has read the keys
 * (without values), which tells exactly which op's precondition failed.
 *
 * <p>Watches ask for previous values and re-open their stream by themselves after etcd became
 * unreachable (see {@link EtcdWatch}); compaction ends them with a {@link CompactedException}.
 *
 * <p>{@link #compactedRevision()}: etcd does not report its compacted revision directly. This store
 * learns it at connect time and whenever a read hits compaction, by a binary search over cheap
 * count-only reads at past revisions (about log2(revision) requests), and raises it on its own
 * {@link #compact} calls and on compactions reported by watches. It can lag behind a compaction
 * made by another client until a read or watch runs into it.
 *
 * <p>Thread safe. Every call blocks until etcd answered or {@link
 * EtcdStoreOptions#requestTimeout()} passed. Connect with {@link #connect(EtcdStoreOptions)}.
 */
public final class EtcdStore extends AbstractStore {
    private static final Logger log = LoggerFactory.getLogger(EtcdStore.class);

    private final EtcdStoreOptions options;
    private final Client client;
    private final KV kv;
    private final KeyMapper keys;
    private final ExecutorService watchThreads;
    private final ScheduledExecutorService watchScheduler;
    private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();
    private final AtomicLong compacted = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();

    private EtcdStore(EtcdStoreOptions options) {
        this.options = options;
        this.keys = new KeyMapper(options.keyPrefix());
        this.client =
                Client.builder()
                        .endpoints(options.endpoints())
                        .maxInboundMessageSize(options.maxMessageBytes())
                        .connectTimeout(options.requestTimeout())
                        .build();
        this.kv = client.getKVClient();
        this.watchThreads =
                Executors.newFixedThreadPool(
                        options.watchThreads(), daemonThreads("j8s-etcd-watch"));
        this.watchScheduler =
                Executors.newSingleThreadScheduledExecutor(daemonThreads("j8s-etcd-watch-retry"));
    }

    /**
     * Connects to etcd and checks that it answers (reading the current and compacted revision).
     *
     * @throws StoreException when etcd does not answer within the request timeout
     */
    public static EtcdStore connect(EtcdStoreOptions options) {
        Objects.requireNonNull(options, "options");
        EtcdStore store = new EtcdStore(options);
        try {
            long revision = store.currentRevision();
            long compactedRevision = store.refreshCompactedRevision(revision);
            log.atInfo()
                    .addKeyValue("endpoints", options.endpoints())
                    .addKeyValue("keyPrefix", options.keyPrefix())
                    .addKeyValue("revision", revision)
                    .addKeyValue("compactedRevision", compactedRevision)
                    .log("connected etcd store");
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    public EtcdStoreOptions options() {
        return options;
    }

    @Override
    public Optional<KeyValue> get(String key, long revision) {
        TxnOps.checkKey(key);
        checkRevisionArgument(revision);
        GetOption option = GetOption.builder().withRevision(revision).build();
        GetResponse response = call(kv.get(keys.toEtcd(key), option), revision);
        if (response.getKvs().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(toStore(response.getKvs().get(0)));
    }

    @Override
    public RangeResult range(String prefix, int limit, String continueAfter, long revision) {
        checkRangeArguments(prefix, limit, revision);
        byte[] p = keys.etcdBytes(prefix);
        byte[] from = p;
        if (continueAfter != null) {
            byte[] after = KeyMapper.successor(keys.etcdBytes(continueAfter));
            if (java.util.Arrays.compareUnsigned(after, p) > 0) {
                from = after;
            }
        }
        GetOption option =
                GetOption.builder()
                        .withRange(KeyMapper.prefixEnd(p))
                        .withLimit(limit)
                        .withRevision(revision)
                        .build();
        GetResponse response = call(kv.get(ByteSequence.from(from), option), revision);
        List<KeyValue> kvs = new ArrayList<>(response.getKvs().size());
        for (io.etcd.jetcd.KeyValue e : response.getKvs()) {
            kvs.add(toStore(e));
        }
        long at = revision == 0 ? response.getHeader().getRevision() : revision;
        return new RangeResult(kvs, at, response.isMore());
    }

    @Override
    public long count(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        byte[] p = keys.etcdBytes(prefix);
        GetOption option =
                GetOption.builder().withRange(KeyMapper.prefixEnd(p)).withCountOnly(true).build();
        return call(kv.get(ByteSequence.from(p), option), 0).getCount();
    }

    @Override
    public long txn(List<TxnOp> ops) {
        List<TxnOp> checked = TxnOps.checked(ops);
        int n = checked.size();
        Cmp[] compares = new Cmp[n];
        Op[] writes = new Op[n];
        Op[] reads = new Op[n];
        GetOption keysOnly = GetOption.builder().withKeysOnly(true).build();
        for (int i = 0; i < n; i++) {
            TxnOp op = checked.get(i);
            ByteSequence k = keys.toEtcd(op.key());
            if (op instanceof TxnOp.Create c) {
                compares[i] = new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0));
                writes[i] = Op.put(k, ByteSequence.from(c.value()), PutOption.DEFAULT);
            } else if (op instanceof TxnOp.Update u) {
                compares[i] =
                        new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(u.expectedModRevision()));
                writes[i] = Op.put(k, ByteSequence.from(u.value()), PutOption.DEFAULT);
            } else {
                TxnOp.Delete d = (TxnOp.Delete) op;
                compares[i] =
                        d.expectedModRevision() == ANY_REVISION
                                ? new Cmp(k, Cmp.Op.GREATER, CmpTarget.createRevision(0))
                                : new Cmp(
                                        k,
                                        Cmp.Op.EQUAL,
                                        CmpTarget.modRevision(d.expectedModRevision()));
                writes[i] = Op.delete(k, DeleteOption.DEFAULT);
            }
            reads[i] = Op.get(k, keysOnly);
        }
        TxnResponse response = call(kv.txn().If(compares).Then(writes).Else(reads).commit(), 0);
        if (response.isSucceeded()) {
            return response.getHeader().getRevision();
        }
        throw preconditionFailure(checked, response.getGetResponses());
    }

    /** The exception of the first op whose precondition the else branch's reads show failed. */
    private static StoreException preconditionFailure(List<TxnOp> ops, List<GetResponse> reads) {
        for (int i = 0; i < ops.size(); i++) {
            TxnOp op = ops.get(i);
            List<io.etcd.jetcd.KeyValue> found = reads.get(i).getKvs();
            long mod = found.isEmpty() ? 0 : found.get(0).getModRevision();
            if (op instanceof TxnOp.Create) {
                if (!found.isEmpty()) {
                    return new AlreadyExistsException(
                            op.key() + " already exists (mod revision " + mod + ")");
                }
                continue;
            }
            long expected =
                    op instanceof TxnOp.Update u
                            ? u.expectedModRevision()
                            : ((TxnOp.Delete) op).expectedModRevision();
            if (found.isEmpty()) {
                return new NotFoundException(op.key() + " not found");
            }
            if (expected != ANY_REVISION && expected != mod) {
                return new ConflictException(
                        op.key() + " has mod revision " + mod + ", not the expected " + expected);
            }
        }
        // The compares and the reads run in one etcd transaction, so one of them must explain it.
        return new ConflictException(
                "etcd txn compare failed but no op's precondition was violated: " + ops);
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code afterRevision} may be above the current revision: the watch then starts with the
     * first later revision.
     */
    @Override
    public Watch watch(String prefix, long afterRevision, WatchListener listener) {
        checkWatchArguments(prefix, afterRevision, listener);
        checkOpen();
        long known = compacted.get();
        if (afterRevision < known) {
            throw new CompactedException(afterRevision, known);
        }
        EtcdWatch stream =
                new EtcdWatch(
                        client.getWatchClient(),
                        keys,
                        prefix,
                        afterRevision,
                        watchScheduler,
                        options.watchRetryMin().toMillis(),
                        options.watchRetryMax().toMillis(),
                        this::raiseCompacted);
        BufferedWatch watch =
                new BufferedWatch(
                        "etcd prefix=" + prefix + " after=" + afterRevision,
                        options.watchBufferEvents(),
                        watchThreads,
                        listener,
                        null,
                        () -> {
                            stream.stop();
                            watches.remove(stream);
                        });
        watches.add(stream);
        if (closed.get()) {
            // close() may have ended the registered watches before this one was added.
            watch.close();
            throw new StoreClosedException("the etcd store is closed");
        }
        stream.start(watch);
        return watch;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Compacts the whole etcd keyspace (etcd has no per-prefix compaction). A revision at or
     * below the compacted revision is a no-op.
     *
     * @throws FutureRevisionException when {@code revision} is above the current revision
     */
    @Override
    public void compact(long revision) {
        if (revision <= compacted.get()) {
            return;
        }
        try {
            call(kv.compact(revision), 0);
            raiseCompacted(revision);
            log.atInfo().addKeyValue("revision", revision).log("compacted etcd");
        } catch (CompactedException e) {
            // Someone compacted further already.
        }
    }

    @Override
    public long currentRevision() {
        GetOption option = GetOption.builder().withCountOnly(true).build();
        return call(kv.get(keys.root(), option), 0).getHeader().getRevision();
    }

    @Override
    public long compactedRevision() {
        return compacted.get();
    }

    /** Open watches (for metrics and tests). */
    public int watchCount() {
        return watches.size();
    }

    /**
     * Ends every watch with a {@link StoreClosedException} and closes the etcd client. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        StoreClosedException closedError = new StoreClosedException("the etcd store is closed");
        for (EtcdWatch w : List.copyOf(watches)) {
            w.fail(closedError);
        }
        watchThreads.shutdown();
        try {
            if (!watchThreads.awaitTermination(10, TimeUnit.SECONDS)) {
                log.atWarn()
                        .log("watch listeners did not return within 10s of close; abandoning them");
                watchThreads.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            watchThreads.shutdownNow();
        }
        for (EtcdWatch w : List.copyOf(watches)) {
            w.stop();
        }
        watchScheduler.shutdown();
        try {
            watchScheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
        log.atInfo()
                .addKeyValue("endpoints", options.endpoints())
                .addKeyValue("keyPrefix", options.keyPrefix())
                .log("closed etcd store");
    }

    @Override
    public String toString() {
        return "EtcdStore[" + options.endpoints() + " prefix=" + options.keyPrefix() + "]";
    }

    /**
     * Finds the compacted revision by binary search for the oldest revision a read still works at,
     * starting from what is known.
     */
    long refreshCompactedRevision(long currentRevision) {
        long known = compacted.get();
        if (readableAt(Math.max(known, 1))) {
            return known;
        }
        long lo = Math.max(known, 1); // not readable
        long hi = currentRevision; // readable: etcd never compacts past its current revision
        while (hi - lo > 1) {
            long mid = lo + (hi - lo) / 2;
            if (readableAt(mid)) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        raiseCompacted(hi);
        return compacted.get();
    }

    private boolean readableAt(long revision) {
        GetOption option = GetOption.builder().withRevision(revision).withCountOnly(true).build();
        try {
            rawCall(kv.get(keys.root(), option));
            return true;
        } catch (CompactedException e) {
            return false;
        }
    }

    private void raiseCompacted(long revision) {
        compacted.accumulateAndGet(revision, Math::max);
    }

    /**
     * Waits for an etcd call; maps a compaction error to {@link CompactedException} with the real
     * bound.
     */
    private <T> T call(CompletableFuture<T> future, long revision) {
        try {
            return rawCall(future);
        } catch (CompactedException e) {
            long bound = refreshCompactedRevision(currentRevision());
            throw new CompactedException(revision, Math.max(bound, revision + 1));
        }
    }

    private <T> T rawCall(CompletableFuture<T> future) {
        checkOpen();
        try {
            return future.get(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw translate(e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new StoreException("etcd did not answer within " + options.requestTimeout(), e);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for etcd", e);
        }
    }

    private StoreException translate(Throwable cause) {
        String message = String.valueOf(cause.getMessage());
        if (message.contains("required revision has been compacted")) {
            return new CompactedException(0, compacted.get());
        }
        if (message.contains("required revision is a future revision")) {
            return new FutureRevisionException("etcd: " + message, cause);
        }
        // An etcd started with a --max-request-bytes below the default, or a gRPC message above the
        // client's limit: the same refusal as TxnOps' check.
        if (message.contains("request is too large") || message.contains("larger than max")) {
            return new ValueTooLargeException(
                    "etcd: " + message, 0, TxnOps.MAX_REQUEST_BYTES, cause);
        }
        if (closed.get()) {
            return new StoreClosedException("the etcd store is closed", cause);
        }
        return new StoreException("etcd request failed: " + message, cause);
    }

    private KeyValue toStore(io.etcd.jetcd.KeyValue e) {
        return new KeyValue(
                keys.toStore(e.getKey()),
                e.getValue().getBytes(),
                e.getCreateRevision(),
                e.getModRevision());
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new StoreClosedException("the etcd store is closed");
        }
    }
}
