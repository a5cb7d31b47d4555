package io.j8s.bench.peer;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.j8s.bench.support.Latencies;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer benchmark's workload against one API server, given as the fabric8 {@link Config} a user
 * would build (from a kubeconfig, or the mock server's): {@code clients} fabric8 clients built from
 * it, one thread each, create their share of bare Pods in one namespace, then each lists them all
 * (paged), gets its own, and deletes them. Every call is timed; a call that throws, a get that
 * finds nothing, a delete that deletes nothing and a list that does not see every Pod count as
 * errors. Optionally one more client watches the namespace and times create answered to ADDED seen.
 *
 * <p>One instance per target and round; {@link #run} once.
 */
final class PeerWorkload {
    static final String NAMESPACE = "peer";
    static final String WARMUP_NAMESPACE = "peer-warmup";
    private static final Logger log = LoggerFactory.getLogger(PeerWorkload.class);

    private final PeerConfig config;
    private final Config clientConfig;
    private final String target;
    private final int round;
    private final Runnable beforeCreate;
    private final Runnable afterCreate;

    /**
     * @param beforeCreate runs just before the timed creates start (e.g. starts a profile)
     * @param afterCreate runs just after the last create is answered
     */
    PeerWorkload(
            PeerConfig config,
            Config clientConfig,
            String target,
            int round,
            Runnable beforeCreate,
            Runnable afterCreate) {
        this.config = config;
        this.clientConfig = clientConfig;
        this.target = target;
        this.round = round;
        this.beforeCreate = beforeCreate;
        this.afterCreate = afterCreate;
    }

    /** The figures of one phase: calls, wall time, objects handled, latencies, errors. */
    record Phase(
            String name,
            int calls,
            double seconds,
            long objects,
            Latencies latencies,
            int errors) {}

    /** What the watcher saw: create answered to ADDED delivered, and Pods never seen. */
    record WatchDelivery(Latencies latencies, int missing) {}

    /** Everything one run measured. */
    record Outcome(List<Phase> phases, WatchDelivery watch) {}

    Outcome run() throws Exception {
        List<KubernetesClient> clients = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(config.clients());
        try {
            for (int i = 0; i < config.clients(); i++) {
                clients.add(new KubernetesClientBuilder().withConfig(clientConfig).build());
            }
            KubernetesClient admin = clients.get(0);
            for (String ns : List.of(NAMESPACE, WARMUP_NAMESPACE)) {
                admin.namespaces()
                        .resource(
                                new NamespaceBuilder()
                                        .withNewMetadata()
                                        .withName(ns)
                                        .endMetadata()
                                        .build())
                        .create();
            }
            warmUp(clients, pool);
            List<Phase> phases = new ArrayList<>();
            Map<String, Long> answered = new ConcurrentHashMap<>();
            Map<String, Long> added = new ConcurrentHashMap<>();
            Watch watch = config.watch() ? watch(admin, added) : null;
            try {
                beforeCreate.run();
                phases.add(
                        phase(
                                "create",
                                clients,
                                pool,
                                (client, name) -> {
                                    client.pods()
                                            .inNamespace(NAMESPACE)
                                            .resource(pod(name))
                                            .create();
                                    answered.put(name, System.nanoTime());
                                    return 1;
                                }));
                afterCreate.run();
                phases.add(list(clients, pool));
                phases.add(
                        phase(
                                "get",
                                clients,
                                pool,
                                (client, name) ->
                                        client.pods().inNamespace(NAMESPACE).withName(name).get()
                                                        == null
                                                ? -1
                                                : 1));
                WatchDelivery delivery = watch == null ? null : delivery(answered, added);
                // Closed before the deletes: the mock's watch, closed while its DELETED events are
                // still being written, blocks its event loop on its own writes for 30 s.
                if (watch != null) {
                    watch.close();
                    watch = null;
                }
                phases.add(
                        phase(
                                "delete",
                                clients,
                                pool,
                                (client, name) ->
                                        client.pods()
                                                        .inNamespace(NAMESPACE)
                                                        .withName(name)
                                                        .delete()
                                                        .isEmpty()
                                                ? -1
                                                : 1));
                return new Outcome(phases, delivery);
            } finally {
                if (watch != null) {
                    watch.close();
                }
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
            clients.forEach(KubernetesClient::close);
        }
    }

    /** A bare Pod as a small application would have it: labels, one container with resources. */
    static Pod pod(String name) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels("app", "peer")
                .addToLabels("tier", "web")
                .addToLabels("bench", "peer")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("web")
                .withImage("nginx:1.27")
                .addNewPort()
                .withName("http")
                .withContainerPort(8080)
                .endPort()
                .addNewEnv()
                .withName("MODE")
                .withValue("peer")
                .endEnv()
                .withNewResources()
                .addToRequests("cpu", new Quantity("10m"))
                .addToRequests("memory", new Quantity("16Mi"))
                .endResources()
                .endContainer()
                .endSpec()
                .build();
    }

    private static String name(int i) {
        return String.format(Locale.ROOT, "peer-%05d", i);
    }

    /** One call of a phase for Pod {@code name}; returns the objects handled, -1 for an error. */
    @FunctionalInterface
    private interface Call {
        long apply(KubernetesClient client, String name) throws Exception;
    }

    /** What one client does in a phase; {@code index} is its place among the clients. */
    @FunctionalInterface
    private interface ClientTask {
        void run(KubernetesClient client, int index) throws Exception;
    }

    /**
     * Runs {@code task} for every client in the pool, all released at once; returns the wall time
     * from the release to the last one's end, in seconds.
     */
    private static double timed(
            List<KubernetesClient> clients, ExecutorService pool, ClientTask task)
            throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < clients.size(); c++) {
            KubernetesClient client = clients.get(c);
            int index = c;
            done.add(
                    pool.submit(
                            () -> {
                                go.await();
                                task.run(client, index);
                                return null;
                            }));
        }
        long start = System.nanoTime();
        go.countDown();
        for (Future<?> f : done) {
            f.get();
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Untimed: each client creates, gets and deletes its share of the warm-up Pods. */
    private void warmUp(List<KubernetesClient> clients, ExecutorService pool) throws Exception {
        timed(
                clients,
                pool,
                (client, first) -> {
                    var pods = client.pods().inNamespace(WARMUP_NAMESPACE);
                    for (int i = first; i < config.warmup(); i += clients.size()) {
                        pods.resource(pod(name(i))).create();
                        pods.withName(name(i)).get();
                        pods.withName(name(i)).delete();
                    }
                });
    }

    /** A phase's counters, filled by every client at once. */
    private static final class Tally {
        final Latencies latencies = new Latencies();
        final AtomicInteger errors = new AtomicInteger();
        final AtomicLong objects = new AtomicLong();

        Phase phase(String name, double seconds) {
            return new Phase(
                    name, latencies.count(), seconds, objects.get(), latencies, errors.get());
        }
    }

    /** Each client calls {@code call} for its share of the Pods; returns the phase's figures. */
    private Phase phase(
            String phase, List<KubernetesClient> clients, ExecutorService pool, Call call)
            throws Exception {
        Tally t = new Tally();
        double seconds =
                timed(
                        clients,
                        pool,
                        (client, first) -> {
                            for (int i = first; i < config.pods(); i += clients.size()) {
                                String name = name(i);
                                long start = System.nanoTime();
                                long n;
                                try {
                                    n = call.apply(client, name);
                                } catch (Exception e) {
                                    n = -1;
                                    logError(phase, name, e);
                                }
                                t.latencies.record(System.nanoTime() - start);
                                if (n < 0) {
                                    t.errors.incrementAndGet();
                                } else {
                                    t.objects.addAndGet(n);
                                }
                            }
                        });
        return t.phase(phase, seconds);
    }

    /** Each client lists every Pod of the namespace, page by page; each page is one call. */
    private Phase list(List<KubernetesClient> clients, ExecutorService pool) throws Exception {
        Tally t = new Tally();
        double seconds =
                timed(
                        clients,
                        pool,
                        (client, index) -> {
                            int seen = listAll(client, t.latencies, t.errors);
                            t.objects.addAndGet(seen);
                            if (seen != config.pods()) {
                                t.errors.incrementAndGet();
                                log.atWarn()
                                        .addKeyValue("target", target)
                                        .addKeyValue("seen", seen)
                                        .addKeyValue("expected", config.pods())
                                        .log("a paged list did not see every Pod");
                            }
                        });
        return t.phase("list", seconds);
    }

    /** One paged list of the namespace's Pods, each page timed; returns the Pods seen. */
    private int listAll(KubernetesClient client, Latencies latencies, AtomicInteger errors) {
        String token = null;
        int seen = 0;
        do {
            long start = System.nanoTime();
            try {
                PodList page =
                        client.pods()
                                .inNamespace(NAMESPACE)
                                .list(
                                        new ListOptionsBuilder()
                                                .withLimit((long) config.pageSize())
                                                .withContinue(token)
                                                .build());
                latencies.record(System.nanoTime() - start);
                seen += page.getItems().size();
                token = page.getMetadata().getContinue();
                token = token == null || token.isEmpty() ? null : token;
            } catch (RuntimeException e) {
                latencies.record(System.nanoTime() - start);
                errors.incrementAndGet();
                logError("list", NAMESPACE, e);
                token = null;
            }
        } while (token != null);
        return seen;
    }

    private Watch watch(KubernetesClient client, Map<String, Long> added) {
        return client.pods()
                .inNamespace(NAMESPACE)
                .watch(
                        new Watcher<>() {
                            @Override
                            public void eventReceived(Action action, Pod pod) {
                                if (action == Action.ADDED) {
                                    added.putIfAbsent(
                                            pod.getMetadata().getName(), System.nanoTime());
                                }
                            }

                            @Override
                            public void onClose(WatcherException cause) {
                                log.atWarn()
                                        .addKeyValue("target", target)
                                        .setCause(cause)
                                        .log("the watch closed");
                            }
                        });
    }

    /**
     * Waits up to 10 s for the ADDED of every Pod created, then times each from its create's answer
     * (0 when the event came first).
     */
    private WatchDelivery delivery(Map<String, Long> answered, Map<String, Long> added)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (added.size() < answered.size() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Latencies latencies = new Latencies();
        int missing = 0;
        for (Map.Entry<String, Long> e : answered.entrySet()) {
            Long seen = added.get(e.getKey());
            if (seen == null) {
                missing++;
            } else {
                latencies.record(Math.max(0, seen - e.getValue()));
            }
        }
        return new WatchDelivery(latencies, missing);
    }

    private final AtomicReference<String> firstError = new AtomicReference<>();

    private void logError(String phase, String name, Exception e) {
        if (firstError.compareAndSet(null, phase + " " + name + ": " + e)) {
            log.atWarn()
                    .addKeyValue("target", target)
                    .addKeyValue("round", round)
                    .addKeyValue("phase", phase)
                    .addKeyValue("pod", name)
                    .setCause(e)
                    .log("a call failed (only the first is logged)");
        }
    }

    /** The first failed call, for the report; null when none failed. */
    String firstError() {
        return firstError.get();
    }
}
