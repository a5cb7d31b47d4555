package io.j8s.node.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.j8s.node.testing.TestPods;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QosClassesTest {

    private static Container c(Map<String, String> requests, Map<String, String> limits) {
        ContainerBuilder b =
                new ContainerBuilder().withName("c" + System.nanoTime()).withImage("x");
        b.withNewResources().endResources();
        Container c = b.build();
        requests.forEach((k, v) -> c.getResources().getRequests().put(k, new Quantity(v)));
        limits.forEach((k, v) -> c.getResources().getLimits().put(k, new Quantity(v)));
        return c;
    }

    private static String qos(Container... cs) {
        return QosClasses.of(TestPods.pod("p", cs).getSpec());
    }

    @Test
    void bestEffort_whenNothingIsRequested() {
        assertThat(qos(c(Map.of(), Map.of()))).isEqualTo("BestEffort");
        assertThat(qos(c(Map.of("cpu", "0"), Map.of()))).isEqualTo("BestEffort"); // zero is ignored
        assertThat(qos(c(Map.of("nvidia.com/gpu", "1"), Map.of()))).isEqualTo("BestEffort");
    }

    @Test
    void guaranteed_whenEveryContainerLimitsCpuAndMemoryEqualToRequests() {
        assertThat(
                        qos(
                                c(
                                        Map.of("cpu", "500m", "memory", "128Mi"),
                                        Map.of("cpu", "0.5", "memory", "134217728"))))
                .isEqualTo("Guaranteed");
        assertThat(qos(c(Map.of(), Map.of("cpu", "1", "memory", "1Gi"))))
                .isEqualTo("Guaranteed"); // requests default to limits
    }

    @Test
    void burstable_otherwise() {
        assertThat(qos(c(Map.of("cpu", "100m"), Map.of()))).isEqualTo("Burstable");
        assertThat(
                        qos(
                                c(
                                        Map.of("cpu", "100m", "memory", "1Gi"),
                                        Map.of("cpu", "200m", "memory", "1Gi"))))
                .isEqualTo("Burstable");
        assertThat(qos(c(Map.of(), Map.of("cpu", "1", "memory", "1Gi")), c(Map.of(), Map.of())))
                .isEqualTo("Burstable");
        assertThat(qos(c(Map.of(), Map.of("memory", "1Gi")))).isEqualTo("Burstable");
    }
}
