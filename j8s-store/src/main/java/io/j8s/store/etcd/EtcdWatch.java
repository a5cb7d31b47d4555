package io.j8s.store.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import io.j8s.store.CompactedException;
import io.j8s.store.KeyValue;
import io.j8s.store.StoreException;
import io.j8s.store.WatchEvent;
import io.j8s.store.support.BufferedWatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One store watch over an etcd watch stream that survives the stream breaking.
 *
 * <p>jetcd re-opens a broken watch by itself, but from a revision it advances on the creation
 * response (the server's current revision): a stream that breaks between creation and the end of
 * the replay of older events would skip those events, and the re-opened stream can repeat a
 * revision. So this class re-opens streams itself: it remembers the last revision it delivered
 * (etcd never splits one revision's events across responses) and opens the next stream at the
 * revision after it, dropping anything at or below it. jetcd's own retry of the old stream is
 * closed before it fires, and events of an old stream are ignored (each stream has a generation).
 *
 * <p>Ends the watch on compaction ({@link CompactedException}), on errors that retrying cannot fix
 * (bad request, permission), and when etcd's revision went backwards (the cluster was replaced or
 * restored from an older backup: events would be lost). Unreachable etcd is retried with
 * exponential backoff for as long as the watch is open.
 *
 * <p>Thread safety: jetcd callbacks, the retry scheduler and callers may use it concurrently; state
 * is guarded by {@code lock}. jetcd watchers are closed on the scheduler, never under the lock,
 * because jetcd calls back into this class while holding its own lock.
 */
final class EtcdWatch {
    private static final Logger log = LoggerFactory.getLogger(EtcdWatch.class);
    private static final byte[] EMPTY = new byte[0];

    private final Watch client;
    private final KeyMapper keys;
    private final ByteSequence key;
    private final ByteSequence rangeEnd;
    private final String prefix;
    private final ScheduledExecutorService scheduler;
    private final long retryMinMillis;
    private final long retryMaxMillis;
    private final LongConsumer compactionSeen;
    private BufferedWatch out;

    private final Object lock = new Object();
    // Guarded by lock.
    private long lastRevision;
    private long generation;
    private Watch.Watcher current;
    private long retryMillis;
    private boolean stopped;

    EtcdWatch(
            Watch client,
            KeyMapper keys,
            String prefix,
            long afterRevision,
            ScheduledExecutorService scheduler,
            long retryMinMillis,
            long retryMaxMillis,
            LongConsumer compactionSeen) {
        this.client = client;
        this.keys = keys;
        this.prefix = prefix;
        byte[] p = keys.etcdBytes(prefix);
        this.key = ByteSequence.from(p);
        this.rangeEnd = KeyMapper.prefixEnd(p);
        this.scheduler = scheduler;
        this.retryMinMillis = retryMinMillis;
        this.retryMaxMillis = retryMaxMillis;
        this.compactionSeen = compactionSeen;
        this.lastRevision = afterRevision;
        this.retryMillis = retryMinMillis;
    }

    /** Starts streaming into {@code sink}; call once. */
    void start(BufferedWatch sink) {
        this.out = sink;
        open();
    }

    /** Stops the stream (the store watch ended or was closed). */
    void stop() {
        Watch.Watcher w;
        synchronized (lock) {
            if (stopped) {
                return;
            }
            stopped = true;
            generation++;
            w = current;
            current = null;
        }
        closeLater(w);
    }

    /** Ends the store watch with {@code error} (e.g. the store is closing). */
    void fail(StoreException error) {
        out.fail(error);
    }

    private void open() {
        long gen;
        long startRevision;
        synchronized (lock) {
            if (stopped) {
                return;
            }
            gen = ++generation;
            startRevision = lastRevision + 1;
        }
        WatchOption option =
                WatchOption.builder()
                        .withRange(rangeEnd)
                        .withRevision(startRevision)
                        .withPrevKV(true)
                        .withCreateNotify(true)
                        .build();
        Watch.Watcher w;
        try {
            w =
                    client.watch(
                            key,
                            option,
                            new Watch.Listener() {
                                @Override
                                public void onNext(WatchResponse response) {
                                    EtcdWatch.this.onNext(gen, response);
                                }

                                @Override
                                public void onError(Throwable error) {
                                    EtcdWatch.this.onError(gen, error);
                                }

                                @Override
                                public void onCompleted() {
                                    EtcdWatch.this.onCompleted(gen);
                                }
                            });
        } catch (RuntimeException e) {
            // The jetcd client is closed: the store is closing.
            out.fail(
                    new StoreException(
                            "cannot open etcd watch on " + prefix + ": " + e.getMessage(), e));
            return;
        }
        boolean keep;
        synchronized (lock) {
            keep = !stopped && gen == generation;
            if (keep) {
                current = w;
            }
        }
        if (!keep) {
            closeLater(w);
        }
    }

    private void onNext(long gen, WatchResponse response) {
        synchronized (lock) {
            if (stopped || gen != generation) {
                return;
            }
            retryMillis = retryMinMillis;
            if (response.isCreatedNotify()) {
                long serverRevision = response.getHeader().getRevision();
                if (serverRevision < lastRevision) {
                    failLocked(
                            new StoreException(
                                    "etcd's revision went back from "
                                            + lastRevision
                                            + " to "
                                            + serverRevision
                                            + " (cluster replaced or restored?); re-list and watch again"));
                }
                return;
            }
            List<WatchEvent> events = new ArrayList<>(response.getEvents().size());
            long highest = lastRevision;
            for (io.etcd.jetcd.watch.WatchEvent e : response.getEvents()) {
                long rev = e.getKeyValue().getModRevision();
                if (rev <= lastRevision) {
                    continue; // already delivered by an earlier stream
                }
                WatchEvent converted = convert(e);
                if (converted == null) {
                    failLocked(new CompactedException(rev - 1, rev));
                    return;
                }
                events.add(converted);
                highest = Math.max(highest, rev);
            }
            lastRevision = highest;
            out.offer(events);
        }
    }

    private void onError(long gen, Throwable error) {
        synchronized (lock) {
            if (stopped || gen != generation) {
                return;
            }
            if (error instanceof io.etcd.jetcd.common.exception.CompactedException c) {
                compactionSeen.accept(c.getCompactedRevision());
                failLocked(new CompactedException(lastRevision, c.getCompactedRevision()));
                return;
            }
            if (error instanceof EtcdException e && isPermanent(e.getErrorCode())) {
                failLocked(
                        new StoreException(
                                "etcd watch on " + prefix + " failed: " + e.getMessage(), e));
                return;
            }
            reconnectLocked(error);
        }
    }

    private void onCompleted(long gen) {
        synchronized (lock) {
            if (stopped || gen != generation) {
                return;
            }
            reconnectLocked(null);
        }
    }

    // guarded by lock
    private void reconnectLocked(Throwable cause) {
        generation++;
        Watch.Watcher broken = current;
        current = null;
        long delay = retryMillis;
        retryMillis = Math.min(retryMaxMillis, retryMillis * 2);
        log.atWarn()
                .addKeyValue("prefix", prefix)
                .addKeyValue("resumeAfterRevision", lastRevision)
                .addKeyValue("retryInMillis", delay)
                .addKeyValue("cause", cause == null ? "stream ended" : cause.toString())
                .log("etcd watch stream broke; re-opening it");
        closeLater(broken);
        try {
            scheduler.schedule(this::open, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            failLocked(
                    new StoreException(
                            "cannot re-open etcd watch on " + prefix + ": the store is closing",
                            e));
        }
    }

    // guarded by lock
    private void failLocked(StoreException error) {
        stopped = true;
        generation++;
        Watch.Watcher w = current;
        current = null;
        closeLater(w);
        out.fail(error);
    }

    private void closeLater(Watch.Watcher w) {
        if (w == null) {
            return;
        }
        try {
            scheduler.execute(w::close);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // The store is closing and closes the jetcd client, which closes every watcher.
        }
    }

    /** Converts an etcd event; null when a deletion lost its previous value to compaction. */
    private WatchEvent convert(io.etcd.jetcd.watch.WatchEvent e) {
        io.etcd.jetcd.KeyValue kv = e.getKeyValue();
        String storeKey = keys.toStore(kv.getKey());
        io.etcd.jetcd.KeyValue p = e.getPrevKV();
        KeyValue prev =
                p == null || p.getKey().isEmpty()
                        ? null
                        : new KeyValue(
                                storeKey,
                                p.getValue().getBytes(),
                                p.getCreateRevision(),
                                p.getModRevision());
        return switch (e.getEventType()) {
            case PUT ->
                    new WatchEvent(
                            WatchEvent.Type.PUT,
                            new KeyValue(
                                    storeKey,
                                    kv.getValue().getBytes(),
                                    kv.getCreateRevision(),
                                    kv.getModRevision()),
                            prev);
            case DELETE ->
                    prev == null
                            ? null
                            : new WatchEvent(
                                    WatchEvent.Type.DELETE,
                                    new KeyValue(storeKey, EMPTY, 0, kv.getModRevision()),
                                    prev);
            default -> throw new StoreException("etcd sent an unknown event type for " + storeKey);
        };
    }

    private static boolean isPermanent(ErrorCode code) {
        return code == ErrorCode.INVALID_ARGUMENT
                || code == ErrorCode.PERMISSION_DENIED
                || code == ErrorCode.UNAUTHENTICATED
                || code == ErrorCode.UNIMPLEMENTED;
    }
}
