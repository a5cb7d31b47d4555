package io.j8s.node.agent;

import io.fabric8.kubernetes.api.model.DaemonEndpoint;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeDaemonEndpoints;
import io.fabric8.kubernetes.api.model.NodeSpec;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeSystemInfo;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Quantity;
import io.j8s.node.status.PodStatusGenerator;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Builds the Node object and its status the way the kubelet reports them: labels, conditions
 * (MemoryPressure/DiskPressure/PIDPressure False, Ready with {@code KubeletReady}), addresses,
 * capacity/allocatable, daemon endpoints and node info. Pure apart from reading host facts once.
 */
final class NodeObjects {

    /** The version the node agent reports (Kubernetes API level it mirrors). */
    static final String KUBELET_VERSION = "v1.32.4-j8s";

    static final String RUNTIME_VERSION = "j8s://0.1.0";

    private NodeObjects() {}

    /** The readiness the node reports; {@code message} says why when not ready. */
    record Readiness(boolean ready, String message) {}

    static Node node(NodeAgentSettings s, String podCidr) {
        Node n = new Node();
        n.setApiVersion("v1");
        n.setKind("Node");
        ObjectMeta m = new ObjectMeta();
        m.setName(s.nodeName());
        m.setLabels(labels(s));
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("node.alpha.kubernetes.io/ttl", "0");
        annotations.put("volumes.kubernetes.io/controller-managed-attach-detach", "true");
        annotations.putAll(s.annotations());
        m.setAnnotations(annotations);
        n.setMetadata(m);
        NodeSpec spec = new NodeSpec();
        if (podCidr != null) {
            spec.setPodCIDR(podCidr);
            spec.setPodCIDRs(List.of(podCidr));
        }
        n.setSpec(spec);
        return n;
    }

    static Map<String, String> labels(NodeAgentSettings s) {
        Map<String, String> l = new LinkedHashMap<>();
        l.put("beta.kubernetes.io/arch", arch());
        l.put("beta.kubernetes.io/os", "linux");
        l.put("kubernetes.io/arch", arch());
        l.put("kubernetes.io/hostname", s.hostname());
        l.put("kubernetes.io/os", "linux");
        if (s.runtimeMode() == RuntimeMode.SIMULATED) {
            l.put("node.j8s.io/simulated", "true");
        }
        l.putAll(s.labels());
        return l;
    }

    /**
     * The status to report. Condition transition times are kept from {@code old} while a
     * condition's status is unchanged; heartbeat times are {@code now}.
     */
    static NodeStatus status(
            NodeAgentSettings s, Readiness readiness, NodeStatus old, Instant now) {
        NodeStatus st = new NodeStatus();
        String t = PodStatusGenerator.format(now);
        List<NodeCondition> conditions = new ArrayList<>();
        conditions.add(
                condition(
                        "MemoryPressure",
                        "False",
                        "KubeletHasSufficientMemory",
                        "kubelet has sufficient memory available",
                        t));
        conditions.add(
                condition(
                        "DiskPressure",
                        "False",
                        "KubeletHasNoDiskPressure",
                        "kubelet has no disk pressure",
                        t));
        conditions.add(
                condition(
                        "PIDPressure",
                        "False",
                        "KubeletHasSufficientPID",
                        "kubelet has sufficient PID available",
                        t));
        conditions.add(
                readiness.ready()
                        ? condition(
                                "Ready",
                                "True",
                                "KubeletReady",
                                "kubelet is posting ready status",
                                t)
                        : condition("Ready", "False", "KubeletNotReady", readiness.message(), t));
        for (NodeCondition c : conditions) {
            NodeCondition prev =
                    old == null || old.getConditions() == null
                            ? null
                            : old.getConditions().stream()
                                    .filter(x -> c.getType().equals(x.getType()))
                                    .findFirst()
                                    .orElse(null);
            if (prev != null
                    && c.getStatus().equals(prev.getStatus())
                    && prev.getLastTransitionTime() != null) {
                c.setLastTransitionTime(prev.getLastTransitionTime());
            }
        }
        st.setConditions(conditions);
        st.setAddresses(
                List.of(
                        new NodeAddress(s.internalIp(), "InternalIP"),
                        new NodeAddress(s.hostname(), "Hostname")));
        Map<String, Quantity> capacity = new LinkedHashMap<>();
        capacity.put(
                "cpu", new Quantity(Integer.toString(Runtime.getRuntime().availableProcessors())));
        capacity.put("ephemeral-storage", new Quantity(diskKi() + "Ki"));
        capacity.put("memory", new Quantity(memoryKi() + "Ki"));
        capacity.put("pods", new Quantity(Integer.toString(s.maxPods())));
        st.setCapacity(capacity);
        st.setAllocatable(new LinkedHashMap<>(capacity));
        NodeDaemonEndpoints eps = new NodeDaemonEndpoints();
        eps.setKubeletEndpoint(new DaemonEndpoint(s.kubeletPort()));
        st.setDaemonEndpoints(eps);
        st.setNodeInfo(nodeInfo(s));
        return st;
    }

    /** Whether two statuses differ in anything but heartbeat times. */
    static boolean materiallyDifferent(NodeStatus a, NodeStatus b) {
        if (a == null || b == null) {
            return true;
        }
        NodeStatus x = withoutHeartbeats(a);
        NodeStatus y = withoutHeartbeats(b);
        return !x.equals(y);
    }

    private static NodeStatus withoutHeartbeats(NodeStatus s) {
        NodeStatus c = new io.fabric8.kubernetes.api.model.NodeStatusBuilder(s).build();
        if (c.getConditions() != null) {
            List<NodeCondition> cs = new ArrayList<>();
            for (NodeCondition nc : c.getConditions()) {
                NodeCondition copy =
                        new io.fabric8.kubernetes.api.model.NodeConditionBuilder(nc).build();
                copy.setLastHeartbeatTime(null);
                cs.add(copy);
            }
            c.setConditions(cs);
        }
        return c;
    }

    private static NodeCondition condition(
            String type, String status, String reason, String message, String time) {
        NodeCondition c = new NodeCondition();
        c.setType(type);
        c.setStatus(status);
        c.setReason(reason);
        c.setMessage(message);
        c.setLastHeartbeatTime(time);
        c.setLastTransitionTime(time);
        return c;
    }

    private static NodeSystemInfo nodeInfo(NodeAgentSettings s) {
        NodeSystemInfo i = new NodeSystemInfo();
        i.setArchitecture(arch());
        i.setOperatingSystem("linux");
        i.setKernelVersion(System.getProperty("os.version"));
        i.setOsImage(osImage());
        i.setContainerRuntimeVersion(RUNTIME_VERSION);
        i.setKubeletVersion(KUBELET_VERSION);
        i.setKubeProxyVersion("");
        String id =
                UUID.nameUUIDFromBytes(
                                s.nodeName().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .toString();
        i.setMachineID(id.replace("-", ""));
        i.setSystemUUID(id);
        i.setBootID(BOOT_ID);
        return i;
    }

    private static final String BOOT_ID =
            readTrimmed(Path.of("/proc/sys/kernel/random/boot_id"), UUID.randomUUID().toString());

    private static String osImage() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return line.substring("PRETTY_NAME=".length()).replace("\"", "");
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return System.getProperty("os.name");
    }

    private static String arch() {
        String a = System.getProperty("os.arch");
        return switch (a) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> a;
        };
    }

    private static long memoryKi() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getTotalMemorySize() / 1024;
        }
        return Runtime.getRuntime().maxMemory() / 1024;
    }

    private static long diskKi() {
        try {
            return Files.getFileStore(Path.of("/")).getTotalSpace() / 1024;
        } catch (IOException e) {
            return 0;
        }
    }

    private static String readTrimmed(Path p, String fallback) {
        try {
            return Files.readString(p).trim();
        } catch (IOException e) {
            return fallback;
        }
    }
}
