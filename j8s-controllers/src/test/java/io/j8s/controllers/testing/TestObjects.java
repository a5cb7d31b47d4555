package io.j8s.controllers.testing;

import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.util.Map;

/** Small builders for the objects the controller tests feed in. */
public final class TestObjects {

    public static final String T0 = "2024-05-01T10:00:00Z";

    private TestObjects() {}

    /** A running Pod in {@code default} with label app=web, an IP, on node01, Ready as given. */
    public static PodBuilder pod(String name, String ip, boolean ready) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("default")
                .withUid("uid-" + name)
                .withResourceVersion("1")
                .withCreationTimestamp(T0)
                .withLabels(Map.of("app", "web"))
                .endMetadata()
                .withNewSpec()
                .withNodeName("node01")
                .addNewContainer()
                .withName("web")
                .withImage("nginx")
                .withPorts(
                        new ContainerPortBuilder()
                                .withName("http")
                                .withContainerPort(8080)
                                .withProtocol("TCP")
                                .build())
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .withPodIP(ip)
                .addNewPodIP(ip)
                .addNewCondition()
                .withType("Ready")
                .withStatus(ready ? "True" : "False")
                .withLastTransitionTime(T0)
                .endCondition()
                .endStatus();
    }

    public static Pod readyPod(String name, String ip) {
        return pod(name, ip, true).build();
    }

    public static ServicePort port(String name, int port, Object targetPort) {
        ServicePortBuilder b =
                new ServicePortBuilder().withName(name).withPort(port).withProtocol("TCP");
        if (targetPort instanceof Integer i) {
            b.withTargetPort(new IntOrString(i));
        } else if (targetPort instanceof String s) {
            b.withTargetPort(new IntOrString(s));
        }
        return b.build();
    }

    /** A ClusterIP Service {@code default/web} selecting app=web, labelled app=web. */
    public static ServiceBuilder service(String name, ServicePort... ports) {
        return new ServiceBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("default")
                .withUid("uid-svc-" + name)
                .withResourceVersion("1")
                .withCreationTimestamp(T0)
                .withLabels(Map.of("app", "web"))
                .endMetadata()
                .withNewSpec()
                .withType("ClusterIP")
                .withClusterIP("127.96.0.11")
                .withSelector(Map.of("app", "web"))
                .withPorts(ports)
                .endSpec();
    }
}
