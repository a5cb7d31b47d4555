package io.j8s.apiserver.cache;

import io.j8s.api.ResourceType;
import io.j8s.store.CompactedException;
import io.j8s.store.KeyValue;
import io.j8s.store.RangeResult;
import io.j8s.store.Store;
import io.j8s.store.StoreException;
import io.j8s.store.Watch;
import io.j8s.store.WatchEvent;
import io.j8s.store.WatchListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API server's in-memory view of the store: every object of every served resource, a window of
 * recent changes per resource, and the watchers those changes fan out to.
 *
 * <p>One store watch keeps it current; it is rebuilt from a full list at start-up and whenever that
 * watch breaks (then every client watch ends so clients re-list, as with a real apiserver). Lists
 * and gets are served from here; writes go to the store and come back through the watch.
 *
 * <p>Thread safety: {@link #lock} guards every map, history and watcher list; events are applied
 * and handed to watchers under the write lock, so a watcher registered under that lock sees exactly
 * the changes after its starting point. Sinks never block, so the lock is held only for memory
 * work.
 */
public final class WatchCache implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WatchCache.class);
    private static final String ROOT = "/registry/";
    private static final int LIST_PAGE = 10_000;

    private final Store store;

    /**
     * Guarded by {@link #lock}: the resources of each store prefix ({@code pods}, {@code
     * example.com/widgets}); several when the versions of a custom resource share one storage.
     */
    private final Map<String, List<ResourceType>> typesByPrefix = new HashMap<>();

    private final int historyPerType;
    private final long historyBytesPerType;
    private final Duration bookmarkInterval;

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    /** Guarded by {@link #lock}. */
    private final Map<ResourceType, TypeCache> caches = new HashMap<>();

    /** Guarded by {@link #lock}; also read without it through {@link #revision()}. */
    private volatile long revision;

    /** Guarded by {@link #lock}. */
    private Watch storeWatch;

    /**
     * Guarded by {@link #lock}: bumps on every rebuild so a stale store watch's events are dropped.
     */
    private long generation;

    /**
     * Guarded by {@link #lock}: events up to this revision are already in the maps (they come from
     * the store's history, replayed after a rebuild) and only fill the change history.
     */
    private long replayedUntil;

    /** Guarded by {@link #lock}: whether the replayed history reaches {@link #replayedUntil}. */
    private boolean replayComplete = true;

    private final Object revisionMonitor = new Object();
    private final ScheduledExecutorService timer;
    private final Counter events;
    private final Counter slowWatchers;
    private volatile boolean closed;

    /**
     * The most bytes of objects one resource's history keeps (64 MiB): a count alone would let
     * 10,000 changes of 1 MB objects hold 10 GB. Older changes are dropped first; a watch from
     * before them gets 410 Gone and re-lists.
     */
    public static final long DEFAULT_HISTORY_BYTES = 64L * 1024 * 1024;

    /**
     * @param types every resource the cache serves (keys of other prefixes are ignored)
     * @param historyPerType how many recent changes per resource a watch can resume from
     * @param bookmarkInterval how often watchers that accept bookmarks get one
     */
    public WatchCache(
            Store store,
            Collection<ResourceType> types,
            int historyPerType,
            Duration bookmarkInterval,
            MeterRegistry metrics) {
        this(store, types, historyPerType, DEFAULT_HISTORY_BYTES, bookmarkInterval, metrics);
    }

    /**
     * @param historyBytesPerType how many bytes of objects (counted twice: the object and its
     *     event's shared wire encoding) per resource the history keeps at most
     */
    public WatchCache(
            Store store,
            Collection<ResourceType> types,
            int historyPerType,
            long historyBytesPerType,
            Duration bookmarkInterval,
            MeterRegistry metrics) {
        this.store = store;
        this.historyPerType = historyPerType;
        this.historyBytesPerType = historyBytesPerType;
        this.bookmarkInterval = bookmarkInterval;
        for (ResourceType type : types) {
            List<ResourceType> previous =
                    typesByPrefix.computeIfAbsent(prefixOf(type), p -> new ArrayList<>());
            if (!previous.isEmpty() && !previous.contains(type)) {
                throw new IllegalArgumentException(
                        "two resources share the store prefix "
                                + type.keyPrefix()
                                + ": "
                                + previous.get(0).apiVersion()
                                + " and "
                                + type.apiVersion());
            }
            previous.add(type);
            caches.put(type, new TypeCache());
        }
        this.timer =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "j8s-watch-cache-timer");
                            t.setDaemon(true);
                            return t;
                        });
        this.events =
                Counter.builder("j8s_watch_cache_events_total")
                        .description("Changes applied to the watch cache")
                        .register(metrics);
        this.slowWatchers =
                Counter.builder("j8s_watch_cache_slow_watchers_total")
                        .description("Watches ended because the client did not keep up")
                        .register(metrics);
        Gauge.builder("j8s_watch_cache_revision", this, WatchCache::revision)
                .description("The store revision the watch cache reflects")
                .register(metrics);
        Gauge.builder("j8s_watch_cache_watchers", this, WatchCache::watcherCount)
                .description("Open watches served from the cache")
                .register(metrics);
    }

    /** Lists the store and starts following it. Blocks until the cache is filled. */
    public void start() {
        rebuild();
        long periodMs = bookmarkInterval.toMillis();
        timer.scheduleAtFixedRate(this::sendBookmarks, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    /** The store revision the cache reflects. */
    public long revision() {
        return revision;
    }

    /**
     * Waits until the cache reflects {@code target} or later.
     *
     * @return whether it did within {@code timeout}
     */
    public boolean awaitRevision(long target, Duration timeout) {
        if (revision >= target) {
            return true;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (revisionMonitor) {
            while (revision < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(revisionMonitor, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /** Waits until the cache reflects every write the store acknowledged so far. */
    public boolean awaitCurrent(Duration timeout) {
        return awaitRevision(store.currentRevision(), timeout);
    }

    /** One object, or empty. */
    public Optional<CachedObject> get(ResourceType type, String namespace, String name) {
        lock.readLock().lock();
        try {
            return Optional.ofNullable(cache(type).objects.get(type.key(namespace, name)));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** A consistent snapshot of a list. */
    public record Snapshot(List<CachedObject> items, long revision) {}

    /**
     * The objects of {@code type} in {@code namespace} (null: all) that pass {@code filter}, in key
     * order, with the revision they reflect.
     */
    public Snapshot list(ResourceType type, String namespace, Predicate<CachedObject> filter) {
        lock.readLock().lock();
        try {
            List<CachedObject> items = new ArrayList<>();
            for (CachedObject object : range(cache(type), type, namespace)) {
                if (filter.test(object)) {
                    items.add(object);
                }
            }
            return new Snapshot(items, revision);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** How many objects of {@code type} the cache holds. */
    public int size(ResourceType type) {
        lock.readLock().lock();
        try {
            return cache(type).objects.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Starts a watch: the sink receives the initial events (synthetic ADDEDs or the replay after
     * {@code fromRevision}) and then every live change, in order.
     *
     * @return a handle whose {@link Registration#close()} stops the watch
     * @throws CompactedException when the changes after {@code fromRevision} are no longer known
     */
    public Registration watch(WatchRequest request, WatchSink sink) {
        lock.writeLock().lock();
        try {
            TypeCache cache = cache(request.type());
            CacheWatcher watcher = new CacheWatcher(request, sink);
            if (request.fromRevision() <= 0) {
                for (CachedObject object : range(cache, request.type(), request.namespace())) {
                    if (watcher.matches(object)) {
                        watcher.offer(
                                new Delivery(EventType.ADDED, object, object.modRevision(), null));
                    }
                }
            } else {
                if (request.fromRevision() < cache.historyStart) {
                    throw new CompactedException(request.fromRevision(), cache.historyStart);
                }
                for (CacheEvent event : cache.history) {
                    if (event.revision() > request.fromRevision()) {
                        watcher.deliver(event);
                    }
                }
            }
            if (watcher.failed) {
                watcher.sink.terminate(WatchSink.TerminationReason.TOO_SLOW);
                slowWatchers.increment();
                return () -> {};
            }
            cache.watchers.add(watcher);
            return () -> unregister(request.type(), watcher);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** A running watch. */
    public interface Registration extends AutoCloseable {
        /** Stops delivering to the sink (it is not terminated: the caller is ending it). */
        @Override
        void close();
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        lock.writeLock().lock();
        try {
            if (storeWatch != null) {
                storeWatch.close();
            }
            for (TypeCache cache : caches.values()) {
                for (CacheWatcher watcher : cache.watchers.all()) {
                    watcher.sink.terminate(WatchSink.TerminationReason.SHUTDOWN);
                }
                cache.watchers.clear();
            }
        } finally {
            lock.writeLock().unlock();
        }
        synchronized (revisionMonitor) {
            revisionMonitor.notifyAll();
        }
    }

    // ---- building and following ----

    private void rebuild() {
        lock.writeLock().lock();
        try {
            generation++;
            if (storeWatch != null) {
                storeWatch.close();
                storeWatch = null;
            }
            for (TypeCache cache : caches.values()) {
                for (CacheWatcher watcher : cache.watchers.all()) {
                    watcher.sink.terminate(WatchSink.TerminationReason.RESYNC);
                }
                cache.watchers.clear();
                cache.objects.clear();
                cache.history.clear();
                cache.historyBytes = 0;
            }
            long listRevision = 0;
            String after = null;
            int count = 0;
            while (true) {
                RangeResult page = store.range(ROOT, LIST_PAGE, after, listRevision);
                listRevision = page.revision();
                for (KeyValue kv : page.kvs()) {
                    for (ResourceType type : typesOf(kv.key())) {
                        caches.get(type).objects.put(kv.key(), decode(type, kv));
                        count++;
                    }
                }
                if (!page.more() || page.kvs().isEmpty()) {
                    break;
                }
                after = page.kvs().get(page.kvs().size() - 1).key();
            }
            // Replay the store's recent history into the change history, so clients that watched
            // before a restart resume where they were instead of re-listing everything.
            long replayFrom =
                    Math.max(store.compactedRevision(), Math.max(0, listRevision - historyPerType));
            for (TypeCache cache : caches.values()) {
                // Until the replay is complete, only watches from the list revision on can be
                // served.
                cache.historyStart = listRevision;
                cache.trimmedAt = replayFrom;
            }
            replayedUntil = listRevision;
            replayComplete = replayFrom >= listRevision;
            setRevision(listRevision);
            long watchGeneration = generation;
            storeWatch = store.watch(ROOT, replayFrom, new StoreListener(watchGeneration));
            log.atInfo()
                    .addKeyValue("objects", count)
                    .addKeyValue("revision", listRevision)
                    .log("watch cache filled from the store");
        } finally {
            lock.writeLock().unlock();
        }
    }

    private final class StoreListener implements WatchListener {
        private final long watchGeneration;

        StoreListener(long watchGeneration) {
            this.watchGeneration = watchGeneration;
        }

        @Override
        public void onEvents(List<WatchEvent> batch) {
            apply(watchGeneration, batch);
        }

        @Override
        public void onError(StoreException error) {
            if (closed) {
                return;
            }
            log.atWarn()
                    .addKeyValue("error", error.toString())
                    .log(
                            "store watch ended; rebuilding the watch cache, client watches will re-list");
            Thread rebuilder =
                    new Thread(
                            () -> {
                                lock.writeLock().lock();
                                try {
                                    if (watchGeneration != generation || closed) {
                                        return;
                                    }
                                } finally {
                                    lock.writeLock().unlock();
                                }
                                rebuildWithRetry();
                            },
                            "j8s-watch-cache-rebuild");
            rebuilder.setDaemon(true);
            rebuilder.start();
        }
    }

    private void rebuildWithRetry() {
        long backoffMs = 100;
        while (!closed) {
            try {
                rebuild();
                return;
            } catch (StoreException e) {
                log.atWarn()
                        .addKeyValue("error", e.toString())
                        .addKeyValue("retryInMs", backoffMs)
                        .log("watch cache rebuild failed");
                try {
                    Thread.sleep(backoffMs);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoffMs = Math.min(backoffMs * 2, 5_000);
            }
        }
    }

    private void apply(long watchGeneration, List<WatchEvent> batch) {
        lock.writeLock().lock();
        try {
            if (watchGeneration != generation) {
                return;
            }
            long last = revision;
            for (WatchEvent event : batch) {
                last = Math.max(last, event.revision());
                List<ResourceType> types = typesOf(event.kv().key());
                if (types.isEmpty()) {
                    continue;
                }
                if (event.revision() <= replayedUntil) {
                    for (ResourceType type : types) {
                        CacheEvent replayed = replayed(type, event);
                        if (replayed != null) {
                            appendHistory(caches.get(type), replayed);
                        }
                    }
                    if (event.revision() == replayedUntil) {
                        completeReplay();
                    }
                    continue;
                }
                completeReplay();
                for (ResourceType type : types) {
                    applyToType(type, event);
                }
            }
            setRevision(last);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Applies one live change to one resource's cache and offers it to its watchers. */
    private void applyToType(ResourceType type, WatchEvent event) {
        TypeCache cache = caches.get(type);
        CacheEvent applied = applyOne(type, cache, event);
        if (applied == null) {
            return;
        }
        events.increment();
        appendHistory(cache, applied);
        for (CacheWatcher watcher : cache.watchers.offeredTo(applied)) {
            if (!watcher.deliver(applied)) {
                cache.watchers.remove(watcher);
                slowWatchers.increment();
                watcher.sink.terminate(WatchSink.TerminationReason.TOO_SLOW);
            }
        }
    }

    private void appendHistory(TypeCache cache, CacheEvent event) {
        cache.history.addLast(event);
        cache.historyBytes += historyBytes(event);
        while (cache.history.size() > historyPerType
                || (cache.historyBytes > historyBytesPerType && cache.history.size() > 1)) {
            CacheEvent dropped = cache.history.removeFirst();
            cache.historyBytes -= historyBytes(dropped);
            cache.trimmedAt = dropped.revision();
            if (replayComplete) {
                cache.historyStart = cache.trimmedAt;
            }
        }
    }

    /**
     * What an event of the history keeps alive: its object and, once sent, the line encoding it.
     */
    private static long historyBytes(CacheEvent event) {
        return 128 + 2L * (event.object() == null ? 0 : event.object().json().length);
    }

    /** The replayed history is whole: watches may now resume from before the rebuild. */
    private void completeReplay() {
        if (replayComplete) {
            return;
        }
        replayComplete = true;
        for (TypeCache cache : caches.values()) {
            cache.historyStart = cache.trimmedAt;
        }
    }

    /**
     * A change the maps already reflect, rebuilt from the store's history (key-value and previous).
     */
    private CacheEvent replayed(ResourceType type, WatchEvent event) {
        try {
            CachedObject previous = event.prevKv() == null ? null : decode(type, event.prevKv());
            if (event.type() == WatchEvent.Type.PUT) {
                return new CacheEvent(
                        previous == null ? EventType.ADDED : EventType.MODIFIED,
                        decode(type, event.kv()),
                        previous);
            }
            if (previous == null) {
                return null;
            }
            CachedObject last =
                    ObjectCodec.fromTree(
                            type,
                            event.kv().key(),
                            previous.tree(),
                            previous.createRevision(),
                            event.revision());
            return new CacheEvent(EventType.DELETED, last, previous);
        } catch (RuntimeException e) {
            log.atWarn()
                    .addKeyValue("key", event.kv().key())
                    .addKeyValue("error", e.toString())
                    .log("cannot decode a replayed change; it is left out of the history");
            return null;
        }
    }

    private CacheEvent applyOne(ResourceType type, TypeCache cache, WatchEvent event) {
        String key = event.kv().key();
        CachedObject previous = cache.objects.get(key);
        if (event.type() == WatchEvent.Type.PUT) {
            CachedObject object;
            try {
                object = decode(type, event.kv());
            } catch (RuntimeException e) {
                log.atError()
                        .addKeyValue("key", key)
                        .addKeyValue("error", e.toString())
                        .log("cannot decode a stored object; it is left out of the cache");
                return null;
            }
            cache.objects.put(key, object);
            return new CacheEvent(
                    previous == null ? EventType.ADDED : EventType.MODIFIED, object, previous);
        }
        cache.objects.remove(key);
        if (previous == null) {
            return null;
        }
        CachedObject last =
                ObjectCodec.fromTree(
                        type, key, previous.tree(), previous.createRevision(), event.revision());
        return new CacheEvent(EventType.DELETED, last, previous);
    }

    private void setRevision(long newRevision) {
        synchronized (revisionMonitor) {
            revision = newRevision;
            revisionMonitor.notifyAll();
        }
    }

    private void sendBookmarks() {
        lock.readLock().lock();
        try {
            for (TypeCache cache : caches.values()) {
                for (CacheWatcher watcher : cache.watchers.all()) {
                    if (watcher.request.bookmarks()) {
                        watcher.offer(new Delivery(EventType.BOOKMARK, null, revision, null));
                    }
                }
            }
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("error", e.toString()).log("sending bookmarks failed");
        } finally {
            lock.readLock().unlock();
        }
    }

    private void unregister(ResourceType type, CacheWatcher watcher) {
        lock.writeLock().lock();
        try {
            TypeCache cache = caches.get(type);
            if (cache == null) {
                return; // the resource is no longer served (removeType ends its watches)
            }
            cache.watchers.remove(watcher);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private int watcherCount() {
        lock.readLock().lock();
        try {
            int n = 0;
            for (TypeCache cache : caches.values()) {
                n += cache.watchers.size();
            }
            return n;
        } finally {
            lock.readLock().unlock();
        }
    }

    private TypeCache cache(ResourceType type) {
        TypeCache cache = caches.get(type);
        if (cache == null) {
            throw new IllegalArgumentException(
                    "the watch cache does not serve " + type.groupResource());
        }
        return cache;
    }

    private static Collection<CachedObject> range(
            TypeCache cache, ResourceType type, String namespace) {
        if (namespace == null || !type.namespaced()) {
            return cache.objects.values();
        }
        String prefix = type.keyPrefix(namespace);
        return cache.objects.subMap(prefix, prefix + Character.MAX_VALUE).values();
    }

    /**
     * The resources stored under {@code key}: {@code /registry/<plural>/...} for built-in kinds,
     * {@code /registry/<group>/<plural>/...} for custom resources (a group always has a dot, a
     * plural never).
     */
    private List<ResourceType> typesOf(String key) {
        if (!key.startsWith(ROOT)) {
            return List.of();
        }
        int end = key.indexOf('/', ROOT.length());
        if (end < 0) {
            return List.of();
        }
        String first = key.substring(ROOT.length(), end);
        if (first.indexOf('.') >= 0) {
            int second = key.indexOf('/', end + 1);
            if (second < 0) {
                return List.of();
            }
            first = key.substring(ROOT.length(), second);
        }
        return typesByPrefix.getOrDefault(first, List.of());
    }

    /** The part of a resource's key prefix {@link #typesOf} looks up. */
    private static String prefixOf(ResourceType type) {
        String prefix = type.keyPrefix();
        return prefix.substring(ROOT.length(), prefix.length() - 1);
    }

    /**
     * Starts serving {@code type}, defined at run time (a custom resource): its objects are read
     * from the store at the cache's revision and followed from then on; watches start from that
     * revision. Does nothing when it is served already.
     */
    public void addType(ResourceType type) {
        lock.writeLock().lock();
        try {
            if (caches.containsKey(type)) {
                return;
            }
            List<ResourceType> sharing =
                    typesByPrefix.computeIfAbsent(prefixOf(type), p -> new ArrayList<>());
            if (!sharing.isEmpty()
                    && !(sharing.get(0).group().equals(type.group())
                            && sharing.get(0).plural().equals(type.plural()))) {
                throw new IllegalArgumentException(
                        "two resources share the store prefix " + type.keyPrefix());
            }
            TypeCache cache = new TypeCache();
            long at = revision;
            String after = null;
            while (true) {
                RangeResult page = store.range(type.keyPrefix(), LIST_PAGE, after, at);
                for (KeyValue kv : page.kvs()) {
                    cache.objects.put(kv.key(), decode(type, kv));
                }
                if (!page.more() || page.kvs().isEmpty()) {
                    break;
                }
                after = page.kvs().get(page.kvs().size() - 1).key();
            }
            cache.historyStart = at;
            cache.trimmedAt = at;
            caches.put(type, cache);
            sharing.add(type);
            log.atInfo()
                    .addKeyValue("resource", type.groupResource())
                    .addKeyValue("version", type.version())
                    .addKeyValue("objects", cache.objects.size())
                    .log("watch cache serves a new resource");
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Stops serving {@code type}: its watches end (clients see the end of the stream, and a new
     * watch answers 404), its objects are dropped from memory.
     */
    public void removeType(ResourceType type) {
        lock.writeLock().lock();
        try {
            TypeCache cache = caches.remove(type);
            if (cache == null) {
                return;
            }
            List<ResourceType> sharing = typesByPrefix.get(prefixOf(type));
            if (sharing != null) {
                sharing.remove(type);
                if (sharing.isEmpty()) {
                    typesByPrefix.remove(prefixOf(type));
                }
            }
            for (CacheWatcher watcher : cache.watchers.all()) {
                watcher.sink.terminate(WatchSink.TerminationReason.CLOSED);
            }
            cache.watchers.clear();
            log.atInfo()
                    .addKeyValue("resource", type.groupResource())
                    .addKeyValue("version", type.version())
                    .log("watch cache no longer serves a resource");
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Whether the cache serves {@code type}. */
    public boolean serves(ResourceType type) {
        lock.readLock().lock();
        try {
            return caches.containsKey(type);
        } finally {
            lock.readLock().unlock();
        }
    }

    private static CachedObject decode(ResourceType type, KeyValue kv) {
        return ObjectCodec.decode(
                type, kv.key(), kv.value(), kv.createRevision(), kv.modRevision());
    }

    /** Everything the cache keeps for one resource. */
    private static final class TypeCache {
        final TreeMap<String, CachedObject> objects = new TreeMap<>();
        final ArrayDeque<CacheEvent> history = new ArrayDeque<>();

        /** The {@link #historyBytes} of the events in {@link #history}. */
        long historyBytes;

        /** A watch can resume from this revision or later. */
        long historyStart;

        /**
         * The history is complete after this revision (older changes were dropped or never read).
         */
        long trimmedAt;

        final Watchers watchers = new Watchers();
    }

    /**
     * One type's watchers. Those with a {@link WatchRequest.Trigger} are kept by its value and
     * offered only the changes of objects that have (or had) it, so one change of a Pod costs the
     * watches of its node rather than every kubelet's watch. Guarded by the cache's lock.
     */
    private static final class Watchers {
        private final List<CacheWatcher> untriggered = new ArrayList<>();

        /** By trigger field, then value. */
        private final Map<String, Map<String, List<CacheWatcher>>> triggered = new HashMap<>();

        private int size;

        void add(CacheWatcher watcher) {
            WatchRequest.Trigger trigger = watcher.request.trigger();
            if (trigger == null) {
                untriggered.add(watcher);
            } else {
                triggered
                        .computeIfAbsent(trigger.field(), f -> new HashMap<>())
                        .computeIfAbsent(trigger.value(), v -> new ArrayList<>(1))
                        .add(watcher);
            }
            size++;
        }

        void remove(CacheWatcher watcher) {
            WatchRequest.Trigger trigger = watcher.request.trigger();
            boolean removed;
            if (trigger == null) {
                removed = untriggered.remove(watcher);
            } else {
                Map<String, List<CacheWatcher>> byValue =
                        triggered.getOrDefault(trigger.field(), Map.of());
                List<CacheWatcher> list = byValue.get(trigger.value());
                removed = list != null && list.remove(watcher);
                if (list != null && list.isEmpty()) {
                    byValue.remove(trigger.value());
                }
            }
            if (removed) {
                size--;
            }
        }

        /**
         * The watchers a change may concern: every untriggered one, and those whose trigger the
         * object has or had.
         */
        List<CacheWatcher> offeredTo(CacheEvent event) {
            if (triggered.isEmpty()) {
                return new ArrayList<>(untriggered);
            }
            List<CacheWatcher> offered = new ArrayList<>(untriggered);
            for (Map.Entry<String, Map<String, List<CacheWatcher>>> field : triggered.entrySet()) {
                String now = event.object().fields().getOrDefault(field.getKey(), "");
                offered.addAll(field.getValue().getOrDefault(now, List.of()));
                if (event.previous() != null) {
                    String before = event.previous().fields().getOrDefault(field.getKey(), "");
                    if (!before.equals(now)) {
                        offered.addAll(field.getValue().getOrDefault(before, List.of()));
                    }
                }
            }
            return offered;
        }

        List<CacheWatcher> all() {
            List<CacheWatcher> all = new ArrayList<>(untriggered);
            triggered.values().forEach(byValue -> byValue.values().forEach(all::addAll));
            return all;
        }

        int size() {
            return size;
        }

        void clear() {
            untriggered.clear();
            triggered.clear();
            size = 0;
        }
    }

    /** One client watch: its filter and where its events go. */
    private static final class CacheWatcher {
        final WatchRequest request;
        final WatchSink sink;
        boolean failed;

        CacheWatcher(WatchRequest request, WatchSink sink) {
            this.request = request;
            this.sink = sink;
        }

        boolean matches(CachedObject object) {
            if (request.namespace() != null
                    && request.type().namespaced()
                    && !request.namespace().equals(object.namespace())) {
                return false;
            }
            return request.filter().test(object);
        }

        /**
         * Hands one change over, translated for this watcher's selectors; false if it is too slow.
         */
        boolean deliver(CacheEvent event) {
            switch (event.type()) {
                case ADDED:
                    return !matches(event.object())
                            || offer(
                                    new Delivery(
                                            EventType.ADDED,
                                            event.object(),
                                            event.revision(),
                                            event));
                case DELETED:
                    return !matches(event.previous())
                            || offer(
                                    new Delivery(
                                            EventType.DELETED,
                                            event.object(),
                                            event.revision(),
                                            event));
                case MODIFIED:
                    boolean now = matches(event.object());
                    boolean before = matches(event.previous());
                    if (now && before) {
                        return offer(
                                new Delivery(
                                        EventType.MODIFIED,
                                        event.object(),
                                        event.revision(),
                                        event));
                    }
                    if (now) {
                        return offer(
                                new Delivery(
                                        EventType.ADDED, event.object(), event.revision(), event));
                    }
                    if (before) {
                        return offer(
                                new Delivery(
                                        EventType.DELETED,
                                        event.previousAtRevision(),
                                        event.revision(),
                                        event));
                    }
                    return true;
                default:
                    return true;
            }
        }

        boolean offer(Delivery delivery) {
            if (failed) {
                return false;
            }
            if (!sink.offer(delivery)) {
                failed = true;
                return false;
            }
            return true;
        }
    }
}
