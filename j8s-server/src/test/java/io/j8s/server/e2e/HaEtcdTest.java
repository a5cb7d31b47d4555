package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.j8s.server.testing.TestCluster;
import io.j8s.testkit.EtcdCluster;
import io.j8s.testkit.EtcdProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HA control plane on a 3-member etcd (docs/benchmarks.md, "HA on etcd"): two j8s servers, each
 * its own process, the second joined with the first's token; 8 writers create ConfigMaps and patch
 * a counter through either server while the etcd leader and then the first server (the controllers'
 * leader) are killed with SIGKILL. Every acknowledged write must be found at the end, writes must
 * resume within 5 s of each kill, no resourceVersion may go back (a write acknowledged before
 * another started has a lower one), a watch on the surviving server must see every acknowledged
 * create without a gap, and the surviving server must take over the controllers' Lease only after
 * the dead one's expired. A node agent given only server a (and a dead address) must go on through
 * b, which it learns from the kubernetes Endpoints. The figures are printed ("HA figures").
 */
class HaEtcdTest {
    private static final int WRITERS = 8;
    private static final String NS = "default";

    private EtcdCluster etcd;
    private Path dir;
    private static final String AGENT_NODE = "ha-sim-00001";
    private final List<Process> servers = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        EtcdProcess.requireInstalled();
        dir = Files.createTempDirectory("j8s-ha-");
        etcd = EtcdCluster.start(3);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : servers) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        if (etcd != null) {
            etcd.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** One acknowledged write: when it was sent and answered, and the resourceVersion it got. */
    record Ack(int writer, String name, String value, long rv, long startNanos, long ackNanos) {}

    @Test
    void killingTheEtcdLeaderAndOneServer_losesNoAcknowledgedWrite() throws Exception {
        int portA = TestCluster.freePort();
        int portB = TestCluster.freePort();
        Path dataA = dir.resolve("a");
        Path dataB = dir.resolve("b");
        Process a = startServer("a", dataA, portA);
        KubernetesClient viaA = awaitServing(dataA, portA);
        awaitLog("a", "Became leader", Duration.ofSeconds(60));
        Files.writeString(dir.resolve("token"), Files.readString(dataA.resolve("token")));
        startServer("b", dataB, portB, "--token-file", dir.resolve("token").toString());
        KubernetesClient viaB = awaitServing(dataB, portB);
        KubernetesClient[] clients = {viaA, viaB};
        // a node agent given a and an address where nothing listens: it learns b from the
        // kubernetes Endpoints
        startAgent(
                dir.resolve("agent"),
                "https://127.0.0.1:" + portA + ",https://127.0.0.1:" + TestCluster.freePort());
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () ->
                                viaB.leases()
                                                .inNamespace("kube-node-lease")
                                                .withName(AGENT_NODE)
                                                .get()
                                        != null);

        // a watch on the server that survives, from now on
        String watchFrom =
                viaB.configMaps().inNamespace(NS).list().getMetadata().getResourceVersion();
        Map<String, Long> watchedAdds = new ConcurrentHashMap<>();
        List<Long> watchedRvs = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicReference<String> watchError = new AtomicReference<>();
        Watch watch =
                viaB.configMaps()
                        .inNamespace(NS)
                        .withResourceVersion(watchFrom)
                        .watch(
                                new Watcher<>() {
                                    @Override
                                    public void eventReceived(Action action, ConfigMap cm) {
                                        long rv =
                                                Long.parseLong(
                                                        cm.getMetadata().getResourceVersion());
                                        watchedRvs.add(rv);
                                        if (action == Action.ADDED) {
                                            watchedAdds.put(cm.getMetadata().getName(), rv);
                                        }
                                    }

                                    @Override
                                    public void onClose(WatcherException cause) {
                                        watchError.set(String.valueOf(cause));
                                    }
                                });

        ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> writers = new ArrayList<>();
        long[] failures = new long[WRITERS];
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            Thread t =
                    new Thread(
                            () -> write(writer, clients, acks, stop, failures), "ha-writer-" + w);
            writers.add(t);
            t.start();
        }
        Thread.sleep(3000);

        // kill -9 the etcd leader
        Lease leaseBefore =
                viaB.leases().inNamespace("kube-system").withName("j8s-controller-manager").get();
        int etcdLeader = etcd.leader();
        long etcdKill = System.nanoTime();
        etcd.kill(etcdLeader);
        double etcdResume = awaitResume(acks, etcdKill);
        Thread.sleep(3000);

        // kill -9 server a, which holds the controllers' Lease
        long serverKill = System.nanoTime();
        java.time.Instant serverKillAt = java.time.Instant.now();
        a.destroyForcibly();
        assertThat(a.waitFor(10, TimeUnit.SECONDS)).isTrue();
        double serverResume = awaitResume(acks, serverKill);
        // a's last word on the Lease (read after its death: no renewal can follow)
        Lease leaseAtKill =
                viaB.leases().inNamespace("kube-system").withName("j8s-controller-manager").get();
        Thread.sleep(3000);
        stop.set(true);
        for (Thread t : writers) {
            t.join(30_000);
        }

        // every acknowledged write is there, read through the survivor
        Map<String, ConfigMap> found = new HashMap<>();
        for (ConfigMap cm : viaB.configMaps().inNamespace(NS).list().getItems()) {
            found.put(cm.getMetadata().getName(), cm);
        }
        List<Ack> all = new ArrayList<>(acks);
        long lost = 0;
        Map<String, Ack> lastCounterAck = new HashMap<>();
        for (Ack ack : all) {
            if (ack.name().startsWith("counter-")) {
                lastCounterAck.merge(ack.name(), ack, (x, y) -> x.rv() > y.rv() ? x : y);
                continue;
            }
            ConfigMap cm = found.get(ack.name());
            if (cm == null || !ack.value().equals(cm.getData().get("v"))) {
                lost++;
            }
        }
        for (Ack ack : lastCounterAck.values()) {
            ConfigMap cm = found.get(ack.name());
            if (cm == null
                    || Long.parseLong(cm.getData().get("v")) < Long.parseLong(ack.value())
                    || Long.parseLong(cm.getMetadata().getResourceVersion()) < ack.rv()) {
                lost++;
            }
        }

        // resourceVersions never go back: a write acknowledged before another was sent has a lower
        // one
        long backwards = 0;
        List<Ack> byAck = all.stream().sorted(Comparator.comparingLong(Ack::ackNanos)).toList();
        List<Ack> byStart = all.stream().sorted(Comparator.comparingLong(Ack::startNanos)).toList();
        int i = 0;
        long maxRvAcked = 0;
        for (Ack y : byStart) {
            while (i < byAck.size() && byAck.get(i).ackNanos() < y.startNanos()) {
                maxRvAcked = Math.max(maxRvAcked, byAck.get(i).rv());
                i++;
            }
            if (y.rv() <= maxRvAcked) {
                backwards++;
            }
        }

        // the watch on the survivor saw every acknowledged create, in resourceVersion order
        long creates = all.stream().filter(x -> !x.name().startsWith("counter-")).count();
        Awaitility.await()
                .atMost(Duration.ofSeconds(15))
                .until(
                        () ->
                                all.stream()
                                        .filter(x -> !x.name().startsWith("counter-"))
                                        .allMatch(x -> watchedAdds.containsKey(x.name())));
        long watchMissing =
                all.stream()
                        .filter(x -> !x.name().startsWith("counter-"))
                        .filter(x -> !watchedAdds.containsKey(x.name()))
                        .count();
        List<Long> rvs;
        synchronized (watchedRvs) {
            rvs = new ArrayList<>(watchedRvs);
        }
        long watchOutOfOrder = 0;
        for (int k = 1; k < rvs.size(); k++) {
            if (rvs.get(k) < rvs.get(k - 1)) {
                watchOutOfOrder++;
            }
        }
        watch.close();

        // the controllers' Lease passes to the survivor only after the dead holder's expired
        Awaitility.await()
                .atMost(Duration.ofSeconds(45))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () ->
                                !leaseAtKill
                                        .getSpec()
                                        .getHolderIdentity()
                                        .equals(
                                                viaB.leases()
                                                        .inNamespace("kube-system")
                                                        .withName("j8s-controller-manager")
                                                        .get()
                                                        .getSpec()
                                                        .getHolderIdentity()));
        Lease leaseAfter =
                viaB.leases().inNamespace("kube-system").withName("j8s-controller-manager").get();
        double takeover = (System.nanoTime() - serverKill) / 1e9;
        ZonedDateTime lastRenewByA = leaseAtKill.getSpec().getRenewTime();
        ZonedDateTime acquiredByB = leaseAfter.getSpec().getAcquireTime();
        double acquiredAfterRenew = Duration.between(lastRenewByA, acquiredByB).toMillis() / 1000.0;
        assertThat(logOf("a"))
                .as("a held the Lease when it was killed")
                .contains("Became leader (" + leaseAtKill.getSpec().getHolderIdentity() + ")");
        assertThat(logOf("b"))
                .contains("Became leader (" + leaseAfter.getSpec().getHolderIdentity() + ")");
        assertThat(logOf("agent")).contains("server list updated").contains("127.0.0.1:" + portB);
        // the agent renews its node's Lease through b now (it renews every 10 s)
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () ->
                                viaB.leases()
                                        .inNamespace("kube-node-lease")
                                        .withName(AGENT_NODE)
                                        .get()
                                        .getSpec()
                                        .getRenewTime()
                                        .toInstant()
                                        .isAfter(serverKillAt.plusSeconds(1)));
        double agentRenewed =
                Duration.between(
                                        serverKillAt,
                                        viaB.leases()
                                                .inNamespace("kube-node-lease")
                                                .withName(AGENT_NODE)
                                                .get()
                                                .getSpec()
                                                .getRenewTime()
                                                .toInstant())
                                .toMillis()
                        / 1000.0;

        long failed = 0;
        for (long f : failures) {
            failed += f;
        }
        System.out.printf(
                java.util.Locale.ROOT,
                "HA figures: writers=%d acknowledged=%d (creates=%d counter"
                        + " patches=%d) failed-or-unanswered=%d lost=%d%n",
                WRITERS,
                all.size(),
                creates,
                all.size() - creates,
                failed,
                lost);
        System.out.printf(
                java.util.Locale.ROOT,
                "HA figures: etcd leader m%d killed: writes resumed after %.2f s;"
                        + " server a killed: writes resumed after %.2f s%n",
                etcdLeader,
                etcdResume,
                serverResume);
        System.out.printf(
                java.util.Locale.ROOT,
                "HA figures: resourceVersions going back=%d; watch on b: %d events,"
                        + " acknowledged creates missing=%d, out of order=%d, closed=%s%n",
                backwards,
                rvs.size(),
                watchMissing,
                watchOutOfOrder,
                watchError.get());
        System.out.printf(
                java.util.Locale.ROOT,
                "HA figures: controllers' Lease %s -> %s, taken over %.1f s after the"
                        + " kill, acquired %.1f s after the dead holder's last renewal (lease 15 s), transitions %s -> %s%n",
                leaseAtKill.getSpec().getHolderIdentity(),
                leaseAfter.getSpec().getHolderIdentity(),
                takeover,
                acquiredAfterRenew,
                leaseBefore.getSpec().getLeaseTransitions(),
                leaseAfter.getSpec().getLeaseTransitions());
        System.out.printf(
                java.util.Locale.ROOT,
                "HA figures: the agent (--server a,<nothing>) renewed its node"
                        + " Lease through b %.1f s after a's kill%n",
                agentRenewed);

        assertThat(all.size()).as("acknowledged writes").isGreaterThan(50);
        assertThat(lost).as("acknowledged writes lost").isZero();
        assertThat(etcdResume)
                .as("seconds until writes resume after the etcd leader's kill")
                .isLessThan(5);
        assertThat(serverResume)
                .as("seconds until writes resume after server a's kill")
                .isLessThan(5);
        assertThat(backwards).as("writes whose resourceVersion went back").isZero();
        assertThat(watchMissing).as("acknowledged creates the watch on b missed").isZero();
        assertThat(watchOutOfOrder).as("watch events out of resourceVersion order").isZero();
        assertThat(watchError.get()).as("the watch on b ended").isNull();
        // at the stored times' precision (both rounded the same way, so 1 ms either side)
        assertThat(acquiredAfterRenew)
                .as("the survivor took the Lease only after it expired")
                .isGreaterThanOrEqualTo(14.99);
        assertThat(leaseAfter.getSpec().getLeaseTransitions())
                .isEqualTo(leaseAtKill.getSpec().getLeaseTransitions() + 1);
        viaA.close();
        viaB.close();
    }

    /**
     * Writer {@code w}: alternately creates {@code w<w>-<n>} and merge-patches {@code counter-<w>}
     * to {@code n}, through server {@code w % 2} until a request fails, then through the other.
     */
    private static void write(
            int w,
            KubernetesClient[] clients,
            ConcurrentLinkedQueue<Ack> acks,
            AtomicBoolean stop,
            long[] failures) {
        int server = w % 2;
        for (long n = 0; !stop.get(); n++) {
            KubernetesClient client = clients[server];
            long start = System.nanoTime();
            try {
                String name;
                String rv;
                if (n % 2 == 0) {
                    name = "w" + w + "-" + n;
                    rv =
                            client.configMaps()
                                    .inNamespace(NS)
                                    .resource(
                                            new ConfigMapBuilder()
                                                    .withNewMetadata()
                                                    .withName(name)
                                                    .endMetadata()
                                                    .addToData("v", String.valueOf(n))
                                                    .build())
                                    .create()
                                    .getMetadata()
                                    .getResourceVersion();
                } else {
                    name = "counter-" + w;
                    rv =
                            client.configMaps()
                                    .inNamespace(NS)
                                    .withName(name)
                                    .patch(
                                            PatchContext.of(PatchType.JSON_MERGE),
                                            "{\"data\":{\"v\":\"" + n + "\"}}")
                                    .getMetadata()
                                    .getResourceVersion();
                }
                acks.add(
                        new Ack(
                                w,
                                name,
                                String.valueOf(n),
                                Long.parseLong(rv),
                                start,
                                System.nanoTime()));
            } catch (RuntimeException e) {
                if (n == 1) {
                    // the counter does not exist yet: create it
                    try {
                        String rv =
                                client.configMaps()
                                        .inNamespace(NS)
                                        .resource(
                                                new ConfigMapBuilder()
                                                        .withNewMetadata()
                                                        .withName("counter-" + w)
                                                        .endMetadata()
                                                        .addToData("v", String.valueOf(n))
                                                        .build())
                                        .create()
                                        .getMetadata()
                                        .getResourceVersion();
                        acks.add(
                                new Ack(
                                        w,
                                        "counter-" + w,
                                        String.valueOf(n),
                                        Long.parseLong(rv),
                                        start,
                                        System.nanoTime()));
                        continue;
                    } catch (RuntimeException again) {
                        // counted below
                    }
                }
                failures[w]++;
                server = 1 - server;
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Seconds from {@code killNanos} until a write sent after it was acknowledged (waits up to 30
     * s).
     */
    private static double awaitResume(ConcurrentLinkedQueue<Ack> acks, long killNanos) {
        AtomicReference<Double> resumed = new AtomicReference<>();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(
                        () -> {
                            acks.stream()
                                    .filter(x -> x.startNanos() >= killNanos)
                                    .mapToLong(Ack::ackNanos)
                                    .min()
                                    .ifPresent(t -> resumed.set((t - killNanos) / 1e9));
                            return resumed.get() != null;
                        });
        return resumed.get();
    }

    private Process startServer(String name, Path dataDir, int port, String... extra)
            throws IOException {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                ProcessHandle.current().info().command().orElse("java"),
                                "-Xmx384m",
                                "-cp",
                                System.getProperty("java.class.path"),
                                "io.j8s.server.Main",
                                "server",
                                "--store",
                                "etcd",
                                "--etcd-endpoints",
                                etcd.endpointsFlag(),
                                "--data-dir",
                                dataDir.toString(),
                                "--secure-port",
                                String.valueOf(port),
                                "--nodes=",
                                "--no-proxy",
                                "--kubelet-port",
                                "0"));
        command.addAll(List.of(extra));
        Process p =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve(name + ".log").toFile())
                        .start();
        servers.add(p);
        return p;
    }

    private void startAgent(Path dataDir, String serverList) throws IOException {
        String token = Files.readString(dir.resolve("token")).trim();
        List<String> command =
                List.of(
                        ProcessHandle.current().info().command().orElse("java"),
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.j8s.server.Main",
                        "agent",
                        "--server",
                        serverList,
                        "--token",
                        token,
                        "--node-name",
                        "ha",
                        "--simulated-nodes",
                        "1",
                        "--kubelet-port",
                        "0",
                        "--data-dir",
                        dataDir.toString());
        servers.add(
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("agent.log").toFile())
                        .start());
    }

    /**
     * An admin client of the server at {@code port} (no retries: a failed request counts as
     * failed).
     */
    private KubernetesClient awaitServing(Path dataDir, int port) {
        Path kubeconfig = dataDir.resolve("kubeconfig.yaml");
        Awaitility.await()
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> Files.exists(kubeconfig));
        Config config = Config.fromKubeconfig(kubeconfig.toFile());
        config.setMasterUrl("https://127.0.0.1:" + port);
        config.setRequestRetryBackoffLimit(0);
        config.setRequestTimeout(5000);
        config.setConnectionTimeout(2000);
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> client.namespaces().withName("default").get() != null);
        return client;
    }

    private String logOf(String name) throws IOException {
        return Files.readString(dir.resolve(name + ".log"));
    }

    private void awaitLog(String name, String text, Duration timeout) {
        Awaitility.await()
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> logOf(name).contains(text));
    }
}
