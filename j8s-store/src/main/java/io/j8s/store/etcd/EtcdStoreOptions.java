package io.j8s.store.etcd;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How to connect an {@link EtcdStore}. Immutable; start from {@link #defaults(List)} (or {@link
 * #parse(String)} for an {@code --etcd-endpoints} flag) and change fields with {@code with...}.
 *
 * @param endpoints etcd client URLs, {@code http://host:port}
 * @param keyPrefix where store keys live in etcd: {@code /registry/<rest>} is stored at {@code
 *     <keyPrefix><rest>}; must start and end with {@code /}
 * @param requestTimeout the longest a read or write waits for etcd before failing
 * @param watchBufferEvents events a watcher may fall behind before it is ended with a {@code
 *     WatchOverflowException}
 * @param watchThreads threads that call watch listeners, shared by all watches
 * @param watchRetryMin the first delay before a broken watch stream is re-opened (doubling up to
 *     {@code watchRetryMax} while etcd stays unreachable)
 * @param watchRetryMax the longest delay between attempts to re-open a watch
 * @param maxMessageBytes the largest gRPC message accepted from etcd (a range page or a watch
 *     response with values and previous values)
 */
public record EtcdStoreOptions(
        List<URI> endpoints,
        String keyPrefix,
        Duration requestTimeout,
        int watchBufferEvents,
        int watchThreads,
        Duration watchRetryMin,
        Duration watchRetryMax,
        int maxMessageBytes) {

    /** Kubernetes' own layout: store keys are etcd keys. */
    public static final String DEFAULT_KEY_PREFIX = "/registry/";

    public EtcdStoreOptions {
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("at least one etcd endpoint is needed");
        }
        for (URI uri : endpoints) {
            if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0) {
                throw new IllegalArgumentException(
                        "etcd endpoint must look like http://host:port but was " + uri);
            }
        }
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        if (!keyPrefix.startsWith("/") || !keyPrefix.endsWith("/")) {
            throw new IllegalArgumentException(
                    "keyPrefix must start and end with / but was " + keyPrefix);
        }
        positive("requestTimeout", requestTimeout);
        positive("watchRetryMin", watchRetryMin);
        positive("watchRetryMax", watchRetryMax);
        if (watchBufferEvents < 1) {
            throw new IllegalArgumentException(
                    "watchBufferEvents must be positive but was " + watchBufferEvents);
        }
        if (watchThreads < 1) {
            throw new IllegalArgumentException(
                    "watchThreads must be positive but was " + watchThreads);
        }
        if (maxMessageBytes < 4 * 1024 * 1024) {
            throw new IllegalArgumentException(
                    "maxMessageBytes must be at least 4 MiB but was " + maxMessageBytes);
        }
    }

    /**
     * Prefix {@code /registry/}, 30 s request timeout, 50,000 buffered events per watcher, 2 watch
     * threads, watch retries from 100 ms up to 5 s, 256 MiB messages.
     */
    public static EtcdStoreOptions defaults(List<URI> endpoints) {
        return new EtcdStoreOptions(
                endpoints,
                DEFAULT_KEY_PREFIX,
                Duration.ofSeconds(30),
                50_000,
                2,
                Duration.ofMillis(100),
                Duration.ofSeconds(5),
                256 * 1024 * 1024);
    }

    /**
     * Defaults for a comma-separated endpoint list, e.g. {@code
     * http://127.0.0.1:2379,http://127.0.0.2:2379}.
     */
    public static EtcdStoreOptions parse(String commaSeparatedEndpoints) {
        List<URI> uris = new ArrayList<>();
        for (String s : commaSeparatedEndpoints.split(",")) {
            String trimmed = s.trim();
            if (!trimmed.isEmpty()) {
                uris.add(URI.create(trimmed));
            }
        }
        return defaults(uris);
    }

    public EtcdStoreOptions withKeyPrefix(String value) {
        return new EtcdStoreOptions(
                endpoints,
                value,
                requestTimeout,
                watchBufferEvents,
                watchThreads,
                watchRetryMin,
                watchRetryMax,
                maxMessageBytes);
    }

    public EtcdStoreOptions withRequestTimeout(Duration value) {
        return new EtcdStoreOptions(
                endpoints,
                keyPrefix,
                value,
                watchBufferEvents,
                watchThreads,
                watchRetryMin,
                watchRetryMax,
                maxMessageBytes);
    }

    public EtcdStoreOptions withWatchBufferEvents(int value) {
        return new EtcdStoreOptions(
                endpoints,
                keyPrefix,
                requestTimeout,
                value,
                watchThreads,
                watchRetryMin,
                watchRetryMax,
                maxMessageBytes);
    }

    public EtcdStoreOptions withWatchThreads(int value) {
        return new EtcdStoreOptions(
                endpoints,
                keyPrefix,
                requestTimeout,
                watchBufferEvents,
                value,
                watchRetryMin,
                watchRetryMax,
                maxMessageBytes);
    }

    public EtcdStoreOptions withWatchRetry(Duration min, Duration max) {
        return new EtcdStoreOptions(
                endpoints,
                keyPrefix,
                requestTimeout,
                watchBufferEvents,
                watchThreads,
                min,
                max,
                maxMessageBytes);
    }

    public EtcdStoreOptions withMaxMessageBytes(int value) {
        return new EtcdStoreOptions(
                endpoints,
                keyPrefix,
                requestTimeout,
                watchBufferEvents,
                watchThreads,
                watchRetryMin,
                watchRetryMax,
                value);
    }

    private static void positive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive but was " + d);
        }
    }
}
