package io.j8s.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeStatus;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class NodeObjectsTest {

    private final NodeAgentSettings settings =
            NodeAgentSettings.builder("node01")
                    .stateDir(Path.of("/tmp/j8s-test"))
                    .internalIp("127.0.0.1")
                    .kubeletPort(10250)
                    .build();
    private final Instant t0 = Instant.parse("2026-11-25T16:00:00Z");

    private static NodeCondition cond(NodeStatus s, String type) {
        return s.getConditions().stream()
                .filter(c -> c.getType().equals(type))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void node_carriesTheKubeletsLabelsAndOptionalPodCidr() {
        Node n = NodeObjects.node(settings, "127.244.1.0/24");
        assertThat(n.getMetadata().getName()).isEqualTo("node01");
        assertThat(n.getMetadata().getLabels())
                .containsEntry("kubernetes.io/hostname", "node01")
                .containsEntry("kubernetes.io/os", "linux")
                .containsKey("kubernetes.io/arch");
        assertThat(n.getSpec().getPodCIDR()).isEqualTo("127.244.1.0/24");
        assertThat(NodeObjects.node(settings, null).getSpec().getPodCIDR()).isNull();
        NodeAgentSettings sim =
                NodeAgentSettings.builder("sim-1").runtimeMode(RuntimeMode.SIMULATED).build();
        assertThat(NodeObjects.labels(sim)).containsEntry("node.j8s.io/simulated", "true");
    }

    @Test
    void status_reportsReadinessAddressesCapacityAndInfo() {
        NodeStatus ready =
                NodeObjects.status(settings, new NodeObjects.Readiness(true, null), null, t0);
        assertThat(ready.getConditions())
                .extracting(NodeCondition::getType)
                .containsExactly("MemoryPressure", "DiskPressure", "PIDPressure", "Ready");
        assertThat(cond(ready, "Ready").getReason()).isEqualTo("KubeletReady");
        assertThat(cond(ready, "Ready").getMessage()).isEqualTo("kubelet is posting ready status");
        assertThat(cond(ready, "MemoryPressure").getStatus()).isEqualTo("False");
        assertThat(ready.getAddresses())
                .extracting(a -> a.getType() + "=" + a.getAddress())
                .containsExactly("InternalIP=127.0.0.1", "Hostname=node01");
        assertThat(ready.getCapacity().get("pods").getAmount()).isEqualTo("110");
        assertThat(ready.getCapacity().get("cpu").getAmount())
                .isEqualTo(Integer.toString(Runtime.getRuntime().availableProcessors()));
        assertThat(ready.getAllocatable()).isEqualTo(ready.getCapacity());
        assertThat(ready.getNodeInfo().getKubeletVersion()).isEqualTo("v1.32.4-j8s");
        assertThat(ready.getNodeInfo().getContainerRuntimeVersion()).isEqualTo("j8s://0.1.0");
        assertThat(ready.getNodeInfo().getOperatingSystem()).isEqualTo("linux");
        assertThat(ready.getDaemonEndpoints().getKubeletEndpoint().getPort()).isEqualTo(10250);
    }

    @Test
    void status_keepsTransitionTimesUntilAConditionFlips() {
        NodeStatus notReady =
                NodeObjects.status(
                        settings,
                        new NodeObjects.Readiness(false, "pod CIDR not assigned yet"),
                        null,
                        t0);
        assertThat(cond(notReady, "Ready").getReason()).isEqualTo("KubeletNotReady");
        NodeStatus later =
                NodeObjects.status(
                        settings,
                        new NodeObjects.Readiness(false, "pod CIDR not assigned yet"),
                        notReady,
                        t0.plusSeconds(10));
        assertThat(cond(later, "Ready").getLastTransitionTime()).isEqualTo("2026-11-25T16:00:00Z");
        assertThat(cond(later, "Ready").getLastHeartbeatTime()).isEqualTo("2026-11-25T16:00:10Z");
        assertThat(NodeObjects.materiallyDifferent(later, notReady))
                .isFalse(); // only heartbeats moved
        NodeStatus ready =
                NodeObjects.status(
                        settings, new NodeObjects.Readiness(true, null), later, t0.plusSeconds(20));
        assertThat(cond(ready, "Ready").getLastTransitionTime()).isEqualTo("2026-11-25T16:00:20Z");
        assertThat(cond(ready, "MemoryPressure").getLastTransitionTime())
                .isEqualTo("2026-11-25T16:00:00Z");
        assertThat(NodeObjects.materiallyDifferent(ready, later)).isTrue();
    }
}
