package io.j8s.dns;

import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the Service {@code kube-system/kube-dns} (labelled as k3s's: {@code k8s-app: kube-dns},
 * {@code kubernetes.io/name: CoreDNS}; ports {@code dns} 53/UDP and {@code dns-tcp} 53/TCP; no
 * selector) with its fixed ClusterIP, and its Endpoints naming the DNS server's listening address
 * (the endpoint port is that server's port: the proxy forwards ClusterIP:53 to it, and the
 * EndpointSlice mirroring controller makes the slices). Checks every {@link #PERIOD}: a deleted or
 * edited object comes back.
 *
 * <p>Servers sharing a store each run a cluster DNS; only the holder of the Lease {@code
 * kube-system/}{@value #LEASE} (fabric8's leader election, as the controller manager's) writes the
 * Endpoints, so that they do not take turns overwriting it. The holder releases the Lease when it
 * stops, and another server takes over; one that died is replaced after the Lease's 30 s.
 */
public final class KubeDnsService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KubeDnsService.class);
    public static final String NAMESPACE = "kube-system";
    public static final String NAME = "kube-dns";
    static final Duration PERIOD = Duration.ofSeconds(5);
    public static final String LEASE = "j8s-cluster-dns";
    private static final Map<String, String> LABELS =
            Map.of(
                    "k8s-app",
                    "kube-dns",
                    "kubernetes.io/name",
                    "CoreDNS",
                    "kubernetes.io/cluster-service",
                    "true");

    private final KubernetesClient client;
    private final String clusterIp;
    private final InetSocketAddress target;
    private final ScheduledExecutorService timer;
    private final String identity;
    private volatile boolean leading;
    private volatile boolean closed;
    private volatile CompletableFuture<?> election;

    /**
     * @param client a client that may write Services and Endpoints in {@code kube-system}
     * @param clusterIp the Service's ClusterIP (the 10th address of the service range by default)
     * @param target where the DNS server listens
     */
    public KubeDnsService(KubernetesClient client, String clusterIp, InetSocketAddress target) {
        this.client = client;
        this.clusterIp = clusterIp;
        this.target = target;
        this.identity =
                hostName() + "_" + target.getAddress().getHostAddress() + "_" + target.getPort();
        this.timer =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "j8s-kube-dns-service");
                            t.setDaemon(true);
                            return t;
                        });
    }

    /** Runs for the Lease; while holding it, reconciles at once and then every {@link #PERIOD}. */
    public KubeDnsService start() {
        runElection();
        timer.scheduleWithFixedDelay(
                this::reconcileQuietly,
                PERIOD.toMillis(),
                PERIOD.toMillis(),
                TimeUnit.MILLISECONDS);
        return this;
    }

    /** Whether this server holds the Lease (and so keeps the objects). */
    public boolean leading() {
        return leading;
    }

    private synchronized void runElection() {
        if (closed) {
            return;
        }
        election =
                client.leaderElector()
                        .withConfig(
                                new LeaderElectionConfig(
                                        new LeaseLock(NAMESPACE, LEASE, identity),
                                        Duration.ofSeconds(30),
                                        Duration.ofSeconds(20),
                                        Duration.ofSeconds(4),
                                        new LeaderCallbacks(
                                                () -> {
                                                    leading = true;
                                                    log.atInfo()
                                                            .addKeyValue(
                                                                    "lease",
                                                                    NAMESPACE + "/" + LEASE)
                                                            .addKeyValue("identity", identity)
                                                            .log("keeping the kube-dns Service");
                                                    timer.execute(this::reconcileQuietly);
                                                },
                                                () -> {
                                                    leading = false;
                                                    log.atInfo()
                                                            .addKeyValue(
                                                                    "lease",
                                                                    NAMESPACE + "/" + LEASE)
                                                            .addKeyValue("identity", identity)
                                                            .log(
                                                                    "no longer keeping the kube-dns Service");
                                                },
                                                leader ->
                                                        log.atDebug()
                                                                .addKeyValue("leader", leader)
                                                                .log("kube-dns Service keeper")),
                                        true,
                                        LEASE))
                        .build()
                        .start();
        election.whenComplete(
                (v, t) -> {
                    leading = false;
                    if (!closed) {
                        try {
                            timer.schedule(this::runElection, 4, TimeUnit.SECONDS);
                        } catch (java.util.concurrent.RejectedExecutionException e) {
                            // closing
                        }
                    }
                });
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    private void reconcileQuietly() {
        if (!leading || closed) {
            return;
        }
        try {
            reconcile();
        } catch (RuntimeException e) {
            log.atWarn()
                    .addKeyValue("service", NAMESPACE + "/" + NAME)
                    .log("cannot keep the kube-dns Service: {}", e.getMessage());
        }
    }

    /** Creates or repairs the Service and its Endpoints. */
    void reconcile() {
        var services = client.services().inNamespace(NAMESPACE);
        Service current = services.withName(NAME).get();
        if (current == null) {
            try {
                services.resource(
                                new ServiceBuilder()
                                        .withNewMetadata()
                                        .withName(NAME)
                                        .withNamespace(NAMESPACE)
                                        .withLabels(LABELS)
                                        .endMetadata()
                                        .withNewSpec()
                                        .withType("ClusterIP")
                                        .withClusterIP(clusterIp)
                                        .withClusterIPs(clusterIp)
                                        .withPorts(ports())
                                        .withSessionAffinity("None")
                                        .endSpec()
                                        .build())
                        .create();
                log.atInfo()
                        .addKeyValue("service", NAMESPACE + "/" + NAME)
                        .addKeyValue("clusterIP", clusterIp)
                        .log("created the cluster DNS Service");
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        } else {
            if (!clusterIp.equals(current.getSpec().getClusterIP())) {
                log.atWarn()
                        .addKeyValue("service", NAMESPACE + "/" + NAME)
                        .addKeyValue("clusterIP", current.getSpec().getClusterIP())
                        .addKeyValue("wanted", clusterIp)
                        .log(
                                "the kube-dns Service has another ClusterIP (delete it to have it recreated)");
            }
            boolean labelsOk =
                    current.getMetadata().getLabels() != null
                            && current.getMetadata()
                                    .getLabels()
                                    .entrySet()
                                    .containsAll(LABELS.entrySet());
            boolean portsOk = samePorts(current.getSpec().getPorts());
            boolean noSelector =
                    current.getSpec().getSelector() == null
                            || current.getSpec().getSelector().isEmpty();
            if (!labelsOk || !portsOk || !noSelector) {
                services.withName(NAME)
                        .edit(
                                s -> {
                                    s.getMetadata()
                                            .setLabels(
                                                    new java.util.HashMap<>(
                                                            s.getMetadata().getLabels() == null
                                                                    ? Map.of()
                                                                    : s.getMetadata().getLabels()));
                                    s.getMetadata().getLabels().putAll(LABELS);
                                    s.getSpec().setPorts(ports());
                                    s.getSpec().setSelector(null);
                                    return s;
                                });
                log.atInfo()
                        .addKeyValue("service", NAMESPACE + "/" + NAME)
                        .log("repaired the cluster DNS Service");
            }
        }
        var endpoints = client.endpoints().inNamespace(NAMESPACE);
        Endpoints ep = endpoints.withName(NAME).get();
        List<EndpointSubset> subsets =
                List.of(
                        new EndpointSubsetBuilder()
                                .withAddresses(
                                        new EndpointAddressBuilder()
                                                .withIp(target.getAddress().getHostAddress())
                                                .build())
                                .withPorts(
                                        new EndpointPortBuilder()
                                                .withName("dns")
                                                .withPort(target.getPort())
                                                .withProtocol("UDP")
                                                .build(),
                                        new EndpointPortBuilder()
                                                .withName("dns-tcp")
                                                .withPort(target.getPort())
                                                .withProtocol("TCP")
                                                .build())
                                .build());
        if (ep == null) {
            try {
                endpoints
                        .resource(
                                new EndpointsBuilder()
                                        .withNewMetadata()
                                        .withName(NAME)
                                        .withNamespace(NAMESPACE)
                                        .withLabels(LABELS)
                                        .endMetadata()
                                        .withSubsets(subsets)
                                        .build())
                        .create();
                log.atInfo()
                        .addKeyValue("endpoints", NAMESPACE + "/" + NAME)
                        .addKeyValue("address", target)
                        .log("created the cluster DNS Endpoints");
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        } else if (!Objects.equals(ep.getSubsets(), subsets)) {
            endpoints
                    .withName(NAME)
                    .edit(
                            e -> {
                                e.setSubsets(subsets);
                                return e;
                            });
            log.atInfo()
                    .addKeyValue("endpoints", NAMESPACE + "/" + NAME)
                    .addKeyValue("address", target)
                    .log("pointed the cluster DNS Endpoints at this server");
        }
    }

    private static List<ServicePort> ports() {
        return List.of(
                new ServicePortBuilder()
                        .withName("dns")
                        .withPort(53)
                        .withProtocol("UDP")
                        .withTargetPort(new IntOrString(53))
                        .build(),
                new ServicePortBuilder()
                        .withName("dns-tcp")
                        .withPort(53)
                        .withProtocol("TCP")
                        .withTargetPort(new IntOrString(53))
                        .build());
    }

    private static boolean samePorts(List<ServicePort> current) {
        if (current == null || current.size() != 2) {
            return false;
        }
        for (ServicePort want : ports()) {
            if (current.stream()
                    .noneMatch(
                            p ->
                                    want.getName().equals(p.getName())
                                            && want.getPort().equals(p.getPort())
                                            && want.getProtocol().equals(p.getProtocol()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (election != null) {
                election.cancel(true); // releases the Lease
            }
        }
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
