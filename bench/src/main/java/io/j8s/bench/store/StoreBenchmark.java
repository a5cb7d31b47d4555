package io.j8s.bench.store;

import io.j8s.store.RangeResult;
import io.j8s.store.Store;
import io.j8s.store.StoreException;
import io.j8s.store.TxnOp;
import io.j8s.store.Watch;
import io.j8s.store.WatchEvent;
import io.j8s.store.WatchListener;
import io.j8s.store.etcd.EtcdStore;
import io.j8s.store.etcd.EtcdStoreOptions;
import io.j8s.store.sqlite.SqliteStore;
import io.j8s.store.sqlite.SqliteStoreOptions;
import io.j8s.testkit.EtcdProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures the two store backends the way the API server uses them.
 *
 * <ul>
 *   <li>Writes: N writer threads each create new keys back to back (a create is a guarded
 *       transaction in both backends), for a warm-up and then a measured phase; writes/s is the
 *       acknowledged writes of the measured phase over its length, latency is per call.
 *   <li>Watch delivery: a watch on the written prefix is open during every write phase; each value
 *       starts with the {@link System#nanoTime()} at which its write was issued, so the listener
 *       measures issue-to-delivery (it includes the write's own latency).
 *   <li>List: load K keys of a Pod's size, then list them page by page (500 per page, all pages at
 *       the first page's revision, like an informer's initial list) and count them.
 * </ul>
 *
 * <p>SQLite runs with fsync on every commit (the default); etcd is a real single member started on
 * loopback with its data dir on disk, both under {@link BenchConfig#workDir()}.
 *
 * <p>Not thread safe: {@link #run()} once, then read the results. {@link #run()} blocks for the
 * whole benchmark.
 */
public final class StoreBenchmark {
    private static final Logger log = LoggerFactory.getLogger(StoreBenchmark.class);
    private static final int LIST_PAGE = 500;
    private static final int LOAD_TXN_OPS = 50;

    private final BenchConfig config;
    private final List<Results.Write> writes = new ArrayList<>();
    private final List<Results.ListPhase> lists = new ArrayList<>();

    public StoreBenchmark(BenchConfig config) {
        this.config = config;
    }

    public static void main(String[] args) {
        BenchConfig config = BenchConfig.parse(args, Path.of("bench", "out"));
        StoreBenchmark bench = new StoreBenchmark(config);
        bench.run();
        // A command-line tool's result goes to stdout.
        System.out.println();
        System.out.println(bench.markdown());
    }

    /** Runs every phase of every backend; returns after all data dirs are deleted. */
    public void run() {
        try {
            Files.createDirectories(config.workDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String backend : config.backends()) {
            Path dir = tempDir(backend);
            EtcdProcess etcd = null;
            try {
                Store store;
                if (backend.equals("sqlite")) {
                    store = SqliteStore.open(SqliteStoreOptions.defaults(dir));
                } else {
                    etcd = EtcdProcess.start(dir);
                    store = EtcdStore.connect(EtcdStoreOptions.defaults(etcd.endpoints()));
                }
                try (store) {
                    for (int writers : config.writerCounts()) {
                        Results.Write w = measureWrites(store, backend, writers);
                        writes.add(w);
                        log.atWarn().addKeyValue("result", w).log("write phase done");
                    }
                    if (config.listKeys() > 0) {
                        Results.ListPhase l = measureList(store, backend);
                        lists.add(l);
                        log.atWarn().addKeyValue("result", l).log("list phase done");
                    }
                }
            } finally {
                if (etcd != null) {
                    etcd.close();
                }
                deleteRecursively(dir);
            }
        }
    }

    public List<Results.Write> writes() {
        return List.copyOf(writes);
    }

    public List<Results.ListPhase> lists() {
        return List.copyOf(lists);
    }

    public String markdown() {
        return Results.markdown(writes, lists);
    }

    private Results.Write measureWrites(Store store, String backend, int writers) {
        String prefix = "/registry/bench/w" + writers + "/";
        WatchLatency watchLatency = new WatchLatency();
        try (Watch watch = store.watch(prefix, store.currentRevision(), watchLatency)) {
            runWriters(store, prefix + "warmup/", writers, config.warmup(), null);
            LatencyRecorder latency = new LatencyRecorder();
            watchLatency.startRecording(System.nanoTime());
            long start = System.nanoTime();
            long count =
                    runWriters(store, prefix + "measured/", writers, config.duration(), latency);
            double seconds = (System.nanoTime() - start) / 1e9;
            watchLatency.awaitEvents(count, Duration.ofSeconds(30));
            return new Results.Write(
                    backend,
                    writers,
                    count,
                    seconds,
                    count / seconds,
                    latency.percentileMillis(50),
                    latency.percentileMillis(99),
                    watchLatency.percentileMillis(50),
                    watchLatency.percentileMillis(99),
                    watchLatency.recorded());
        }
    }

    /** Runs {@code writers} threads creating keys for {@code duration}; returns the writes made. */
    private long runWriters(
            Store store, String prefix, int writers, Duration duration, LatencyRecorder into) {
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<LatencyRecorder>> results = new ArrayList<>();
            long[] deadline = new long[1];
            for (int w = 0; w < writers; w++) {
                String writerPrefix = prefix + w + "/";
                results.add(
                        pool.submit(
                                () -> {
                                    go.await();
                                    LatencyRecorder mine = new LatencyRecorder();
                                    for (long n = 0; System.nanoTime() < deadline[0]; n++) {
                                        byte[] value = new byte[config.valueBytes()];
                                        long issued = System.nanoTime();
                                        ByteBuffer.wrap(value).putLong(0, issued);
                                        store.create(writerPrefix + n, value);
                                        mine.record(System.nanoTime() - issued);
                                    }
                                    return mine;
                                }));
            }
            deadline[0] = System.nanoTime() + duration.toNanos();
            go.countDown();
            long total = 0;
            for (Future<LatencyRecorder> f : results) {
                LatencyRecorder r = f.get();
                total += r.size();
                if (into != null) {
                    into.merge(r);
                }
            }
            return total;
        } catch (Exception e) {
            throw new IllegalStateException("writer failed", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private Results.ListPhase measureList(Store store, String backend) {
        String prefix = "/registry/pods/bench-list/";
        int keys = config.listKeys();
        int threads = 8;
        long loadStart = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> loads = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                loads.add(
                        pool.submit(
                                () -> {
                                    byte[] value = new byte[config.listValueBytes()];
                                    for (int base = thread * LOAD_TXN_OPS;
                                            base < keys;
                                            base += threads * LOAD_TXN_OPS) {
                                        List<TxnOp> ops = new ArrayList<>(LOAD_TXN_OPS);
                                        for (int i = base;
                                                i < Math.min(keys, base + LOAD_TXN_OPS);
                                                i++) {
                                            ops.add(
                                                    new TxnOp.Create(
                                                            prefix
                                                                    + String.format(
                                                                            "ns%03d/pod-%07d",
                                                                            i % 100, i),
                                                            value));
                                        }
                                        store.txn(ops);
                                    }
                                    return null;
                                }));
            }
            for (Future<?> f : loads) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("loading keys failed", e);
        } finally {
            pool.shutdownNow();
        }
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;

        long listStart = System.nanoTime();
        RangeResult page = store.range(prefix, LIST_PAGE, null, 0);
        long revision = page.revision();
        long listed = page.kvs().size();
        while (page.more()) {
            page =
                    store.range(
                            prefix,
                            LIST_PAGE,
                            page.kvs().get(page.kvs().size() - 1).key(),
                            revision);
            listed += page.kvs().size();
        }
        double listSeconds = (System.nanoTime() - listStart) / 1e9;
        if (listed != keys) {
            throw new IllegalStateException("listed " + listed + " keys but loaded " + keys);
        }
        long countStart = System.nanoTime();
        long counted = store.count(prefix);
        double countMillis = (System.nanoTime() - countStart) / 1e6;
        if (counted != keys) {
            throw new IllegalStateException("counted " + counted + " keys but loaded " + keys);
        }
        return new Results.ListPhase(
                backend, keys, config.listValueBytes(), loadSeconds, listSeconds, countMillis);
    }

    /** Records issue-to-delivery latency of events written after {@link #startRecording}. */
    private static final class WatchLatency implements WatchListener {
        private final LatencyRecorder latency =
                new LatencyRecorder(); // listener calls never overlap
        private final AtomicLong recorded = new AtomicLong();
        private volatile long recordFrom = Long.MAX_VALUE;
        private volatile StoreException error;

        void startRecording(long fromNanos) {
            recordFrom = fromNanos;
        }

        @Override
        public void onEvents(List<WatchEvent> events) {
            long now = System.nanoTime();
            for (WatchEvent e : events) {
                long issued = ByteBuffer.wrap(e.kv().value()).getLong(0);
                if (issued >= recordFrom) {
                    synchronized (latency) {
                        latency.record(now - issued);
                    }
                    recorded.incrementAndGet();
                }
            }
        }

        @Override
        public void onError(StoreException e) {
            error = e;
        }

        void awaitEvents(long n, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (recorded.get() < n && error == null && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (error != null) {
                throw new IllegalStateException("benchmark watch ended", error);
            }
        }

        long recorded() {
            return recorded.get();
        }

        double percentileMillis(double p) {
            synchronized (latency) {
                return latency.percentileMillis(p);
            }
        }
    }

    private Path tempDir(String backend) {
        try {
            return Files.createTempDirectory(config.workDir(), backend + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.atWarn().addKeyValue("dir", dir).setCause(e).log("could not delete benchmark data");
        }
    }
}
