package io.j8s.server.testing;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays the kubelet of a few Nodes for tests, through the API only (there is no node agent in these
 * tests): registers each Node with {@code Ready=True} and its Lease in {@code kube-node-lease},
 * renews the Leases every second, and "runs" every Pod bound to its Nodes at once — status {@code
 * Running}, {@code Ready=True}, a Pod IP from the Node's {@code spec.podCIDR} (so it waits for node
 * IPAM) — and finishes graceful deletions with a {@code gracePeriodSeconds=0} delete, as a kubelet
 * does once the containers stopped.
 *
 * <p>Like a kubelet's status manager, it puts back the status it wants whenever the API shows
 * another (after the node lifecycle controller marked the Pods not ready, say). A test can fail a
 * Pod's readiness ({@link #setReady}) or silence a Node's kubelet altogether ({@link #stop}).
 *
 * <p>All API work happens on one thread ({@code fake-kubelet}); the public methods are thread-safe
 * and return at once.
 */
public final class FakeKubelet implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FakeKubelet.class);
    private static final Duration HEARTBEAT = Duration.ofSeconds(1);
    private static final String LEASE_NAMESPACE = "kube-node-lease";
    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private final KubernetesClient client;
    private final List<String> nodes;
    private final Set<String> silent = ConcurrentHashMap.newKeySet();

    /** Pod keys whose readiness probe "fails". */
    private final Set<String> failingReadiness = ConcurrentHashMap.newKeySet();

    /** Node name → its pod CIDR's first three octets, once IPAM gave it one. */
    private final Map<String, String> prefixes = new ConcurrentHashMap<>();

    /** Pod UID → IP handed out; node → next host number. Touched by the worker thread only. */
    private final Map<String, String> ips = new ConcurrentHashMap<>();

    private final Map<String, Integer> nextHost = new ConcurrentHashMap<>();
    private final ScheduledExecutorService worker;
    private final SharedIndexInformer<Pod> pods;

    private FakeKubelet(KubernetesClient client, List<String> nodes) {
        this.client = client;
        this.nodes = List.copyOf(nodes);
        this.worker =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "fake-kubelet");
                            t.setDaemon(true);
                            return t;
                        });
        this.pods =
                client.pods()
                        .inAnyNamespace()
                        .inform(
                                new ResourceEventHandler<>() {
                                    @Override
                                    public void onAdd(Pod pod) {
                                        submitSync(pod);
                                    }

                                    @Override
                                    public void onUpdate(Pod oldPod, Pod newPod) {
                                        submitSync(newPod);
                                    }

                                    @Override
                                    public void onDelete(
                                            Pod pod, boolean deletedFinalStateUnknown) {
                                        // nothing left to run
                                    }
                                },
                                0);
    }

    /**
     * Registers the Nodes and starts heart-beating (the caller closes the client with {@link
     * #close()}).
     */
    public static FakeKubelet start(KubernetesClient client, List<String> nodes) {
        FakeKubelet kubelet = new FakeKubelet(client, nodes);
        for (String node : nodes) {
            kubelet.register(node);
        }
        kubelet.worker.scheduleWithFixedDelay(
                kubelet::heartbeat, 0, HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        return kubelet;
    }

    public List<String> nodes() {
        return nodes;
    }

    /** Makes the Pod's readiness probe fail ({@code false}) or pass again ({@code true}). */
    public void setReady(String namespace, String name, boolean ready) {
        String key = namespace + "/" + name;
        if (ready) {
            failingReadiness.remove(key);
        } else {
            failingReadiness.add(key);
        }
        worker.execute(() -> syncPod(key));
    }

    /** The kubelet of {@code node} stops: no more Lease renewals, no status, no Pod work. */
    public void stop(String node) {
        silent.add(node);
    }

    /** The kubelet of {@code node} is back: renews the Lease and reports what it wants at once. */
    public void resume(String node) {
        silent.remove(node);
        worker.execute(this::heartbeat);
    }

    private void submitSync(Pod pod) {
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        if (node != null && nodes.contains(node)) {
            String key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
            worker.execute(() -> syncPod(key));
        }
    }

    // ---- nodes
    // ---------------------------------------------------------------------------------------

    private void register(String name) {
        String now = now();
        Node node =
                new NodeBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .addToLabels("kubernetes.io/hostname", name)
                        .addToLabels("kubernetes.io/os", "linux")
                        .endMetadata()
                        .withNewSpec()
                        .endSpec()
                        .withNewStatus()
                        .withConditions(readyCondition(now, now))
                        .addNewAddress()
                        .withType("InternalIP")
                        .withAddress("127.0.0.1")
                        .endAddress()
                        .addNewAddress()
                        .withType("Hostname")
                        .withAddress(name)
                        .endAddress()
                        .addToCapacity("pods", new Quantity("110"))
                        .addToAllocatable("pods", new Quantity("110"))
                        .withNewNodeInfo()
                        .withKubeletVersion("v1.32.4")
                        .withOperatingSystem("linux")
                        .withArchitecture("amd64")
                        .endNodeInfo()
                        .endStatus()
                        .build();
        Node created = client.nodes().resource(node).create();
        client.leases()
                .inNamespace(LEASE_NAMESPACE)
                .resource(
                        new LeaseBuilder()
                                .withNewMetadata()
                                .withName(name)
                                .withNamespace(LEASE_NAMESPACE)
                                .addNewOwnerReference()
                                .withApiVersion("v1")
                                .withKind("Node")
                                .withName(name)
                                .withUid(created.getMetadata().getUid())
                                .endOwnerReference()
                                .endMetadata()
                                .withNewSpec()
                                .withHolderIdentity(name)
                                .withLeaseDurationSeconds(40)
                                .withRenewTime(ZonedDateTime.now(ZoneOffset.UTC))
                                .endSpec()
                                .build())
                .create();
    }

    private static NodeCondition readyCondition(String heartbeat, String transition) {
        return new NodeConditionBuilder()
                .withType("Ready")
                .withStatus("True")
                .withReason("KubeletReady")
                .withMessage("kubelet is posting ready status")
                .withLastHeartbeatTime(heartbeat)
                .withLastTransitionTime(transition)
                .build();
    }

    private void heartbeat() {
        try {
            for (String node : nodes) {
                if (!silent.contains(node)) {
                    renewLease(node);
                    reportReady(node);
                }
            }
            for (Pod pod : pods.getStore().list()) {
                String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
                if (node != null && nodes.contains(node)) {
                    syncPod(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName());
                }
            }
        } catch (RuntimeException e) {
            log.warn("fake kubelet heartbeat failed: {}", e.toString());
        }
    }

    private void renewLease(String node) {
        Lease lease = client.leases().inNamespace(LEASE_NAMESPACE).withName(node).get();
        if (lease == null) {
            return;
        }
        lease.getSpec().setRenewTime(ZonedDateTime.now(ZoneOffset.UTC));
        try {
            client.leases().inNamespace(LEASE_NAMESPACE).resource(lease).update();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    /**
     * Posts Ready=True when the API shows something else (the node lifecycle controller's Unknown).
     */
    private void reportReady(String name) {
        Node node = client.nodes().withName(name).get();
        if (node == null) {
            return;
        }
        if (node.getSpec() != null && node.getSpec().getPodCIDR() != null) {
            String cidr = node.getSpec().getPodCIDR();
            prefixes.putIfAbsent(name, cidr.substring(0, cidr.lastIndexOf('.')));
        }
        List<NodeCondition> conditions = new ArrayList<>(node.getStatus().getConditions());
        NodeCondition ready =
                conditions.stream()
                        .filter(c -> "Ready".equals(c.getType()))
                        .findFirst()
                        .orElse(null);
        if (ready != null && "True".equals(ready.getStatus())) {
            return;
        }
        String now = now();
        conditions.removeIf(c -> "Ready".equals(c.getType()));
        conditions.add(readyCondition(now, now));
        node.getStatus().setConditions(conditions);
        try {
            client.nodes().resource(node).updateStatus();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    // ---- pods
    // ----------------------------------------------------------------------------------------

    private void syncPod(String key) {
        try {
            Pod pod = pods.getStore().getByKey(key);
            if (pod == null) {
                return;
            }
            String node = pod.getSpec().getNodeName();
            if (node == null || !nodes.contains(node) || silent.contains(node)) {
                return;
            }
            if (pod.getMetadata().getDeletionTimestamp() != null) {
                // the containers "stopped": finish the deletion, as the kubelet does
                client.pods()
                        .inNamespace(pod.getMetadata().getNamespace())
                        .withName(pod.getMetadata().getName())
                        .withGracePeriod(0)
                        .delete();
                return;
            }
            String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
            if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
                return;
            }
            String ip = ipFor(pod, node);
            if (ip == null) {
                return; // no pod CIDR yet: the next heartbeat retries
            }
            boolean ready = !failingReadiness.contains(key);
            PodStatus wanted = desiredStatus(pod, node, ip, ready);
            if (sameStatus(pod.getStatus(), wanted)) {
                return;
            }
            Pod copy =
                    new io.fabric8.kubernetes.api.model.PodBuilder(pod).withStatus(wanted).build();
            client.pods()
                    .inNamespace(pod.getMetadata().getNamespace())
                    .resource(copy)
                    .updateStatus();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404 && e.getCode() != 409) {
                log.warn("fake kubelet could not sync pod {}: {}", key, e.toString());
            }
        }
    }

    private String ipFor(Pod pod, String node) {
        if (pod.getStatus() != null
                && pod.getStatus().getPodIP() != null
                && !pod.getStatus().getPodIP().isEmpty()) {
            return pod.getStatus().getPodIP();
        }
        String prefix = prefixes.get(node);
        if (prefix == null) {
            return null;
        }
        return ips.computeIfAbsent(
                pod.getMetadata().getUid(),
                uid ->
                        prefix
                                + "."
                                + nextHost.merge(
                                        node, 2, (a, b) -> a + 1)); // .1 is the node's bridge
    }

    private static PodStatus desiredStatus(Pod pod, String node, String ip, boolean ready) {
        PodStatus current = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
        String now = now();
        String started = current.getStartTime() != null ? current.getStartTime() : now;
        List<PodCondition> conditions = new ArrayList<>();
        conditions.add(condition(current, "PodReadyToStartContainers", true, now));
        conditions.add(condition(current, "Initialized", true, now));
        conditions.add(condition(current, "Ready", ready, now));
        conditions.add(condition(current, "ContainersReady", ready, now));
        conditions.add(condition(current, "PodScheduled", true, now));
        List<ContainerStatus> containers = new ArrayList<>();
        pod.getSpec()
                .getContainers()
                .forEach(
                        c ->
                                containers.add(
                                        new ContainerStatusBuilder()
                                                .withName(c.getName())
                                                .withImage(c.getImage())
                                                .withImageID(c.getImage())
                                                .withContainerID(
                                                        "fake://"
                                                                + pod.getMetadata().getUid()
                                                                + "/"
                                                                + c.getName())
                                                .withReady(ready)
                                                .withStarted(true)
                                                .withRestartCount(0)
                                                .withNewState()
                                                .withNewRunning()
                                                .withStartedAt(started)
                                                .endRunning()
                                                .endState()
                                                .build()));
        PodStatus status = new PodStatus();
        status.setPhase("Running");
        status.setHostIP("127.0.0.1");
        status.setHostIPs(List.of(new io.fabric8.kubernetes.api.model.HostIP("127.0.0.1")));
        status.setPodIP(ip);
        status.setPodIPs(List.of(new PodIP(ip)));
        status.setStartTime(started);
        status.setQosClass(current.getQosClass() != null ? current.getQosClass() : "BestEffort");
        status.setConditions(conditions);
        status.setContainerStatuses(containers);
        return status;
    }

    /** The condition as wanted, keeping its transition time while its status stays. */
    private static PodCondition condition(
            PodStatus current, String type, boolean value, String now) {
        String status = value ? "True" : "False";
        String transition = now;
        if (current.getConditions() != null) {
            for (PodCondition c : current.getConditions()) {
                if (type.equals(c.getType())
                        && status.equals(c.getStatus())
                        && c.getLastTransitionTime() != null) {
                    transition = c.getLastTransitionTime();
                }
            }
        }
        return new PodConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withLastTransitionTime(transition)
                .build();
    }

    /** What a kubelet's status manager compares: phase, IP, and the status of every condition. */
    private static boolean sameStatus(PodStatus current, PodStatus wanted) {
        if (current == null
                || !Objects.equals(current.getPhase(), wanted.getPhase())
                || !Objects.equals(current.getPodIP(), wanted.getPodIP())
                || current.getConditions() == null) {
            return false;
        }
        for (PodCondition w : wanted.getConditions()) {
            boolean found =
                    current.getConditions().stream()
                            .anyMatch(
                                    c ->
                                            w.getType().equals(c.getType())
                                                    && w.getStatus().equals(c.getStatus()));
            if (!found) {
                return false;
            }
        }
        return true;
    }

    private static String now() {
        return SECONDS.format(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    }

    /** Stops heart-beating and watching (the Nodes stay registered) and closes the client. */
    @Override
    public void close() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pods.stop();
        client.close();
    }
}
