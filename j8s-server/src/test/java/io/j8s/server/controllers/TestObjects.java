package io.j8s.server.controllers;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * Objects the controller tests write through the API, and Pod status as a kubelet would post it.
 */
final class TestObjects {
    private TestObjects() {}

    /** A Pod with one container serving port 80 named {@code http}; {@code node} may be null. */
    static Pod pod(String name, Map<String, String> labels, String node) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .addNewContainer()
                .withName("c")
                .withImage("nginx:1.14.1")
                .addNewPort()
                .withName("http")
                .withContainerPort(80)
                .endPort()
                .endContainer()
                .endSpec()
                .build();
    }

    static Pod create(KubernetesClient client, String namespace, Pod pod) {
        return client.pods().inNamespace(namespace).resource(pod).create();
    }

    /**
     * Writes {@code pods/status}: Running with {@code ip}, Ready as given (or Failed when {@code
     * phase} says). Like a kubelet, it reads again and retries when a controller wrote the Pod in
     * between (409).
     */
    static Pod setStatus(
            KubernetesClient client,
            String namespace,
            String name,
            String phase,
            String ip,
            boolean ready) {
        for (int attempt = 1; ; attempt++) {
            try {
                return trySetStatus(client, namespace, name, phase, ip, ready);
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= 5) {
                    throw e;
                }
            }
        }
    }

    private static Pod trySetStatus(
            KubernetesClient client,
            String namespace,
            String name,
            String phase,
            String ip,
            boolean ready) {
        Pod pod = client.pods().inNamespace(namespace).withName(name).get();
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        PodStatus status = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
        status.setPhase(phase);
        status.setPodIP(ip);
        status.setPodIPs(ip == null ? List.of() : List.of(new PodIP(ip)));
        String readyText = ready ? "True" : "False";
        PodCondition old =
                status.getConditions() == null
                        ? null
                        : status.getConditions().stream()
                                .filter(c -> "Ready".equals(c.getType()))
                                .findFirst()
                                .orElse(null);
        String transition =
                old != null && readyText.equals(old.getStatus())
                        ? old.getLastTransitionTime()
                        : now;
        status.setConditions(
                List.of(
                        new PodConditionBuilder()
                                .withType("Ready")
                                .withStatus(readyText)
                                .withLastTransitionTime(transition)
                                .build(),
                        new PodConditionBuilder()
                                .withType("PodScheduled")
                                .withStatus("True")
                                .withLastTransitionTime(now)
                                .build()));
        pod.setStatus(status);
        return client.pods().inNamespace(namespace).resource(pod).updateStatus();
    }

    static Pod running(
            KubernetesClient client, String namespace, String name, String ip, boolean ready) {
        return setStatus(client, namespace, name, "Running", ip, ready);
    }

    /** A Ready Node with these labels. */
    static Node node(String name, Map<String, String> labels) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        return new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .endSpec()
                .withNewStatus()
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .withReason("KubeletReady")
                .withLastHeartbeatTime(now)
                .withLastTransitionTime(now)
                .endCondition()
                .endStatus()
                .build();
    }

    static ServicePort port(String name, int port, Object targetPort) {
        ServicePortBuilder b =
                new ServicePortBuilder().withName(name).withPort(port).withProtocol("TCP");
        if (targetPort instanceof Integer i) {
            b.withTargetPort(new IntOrString(i));
        } else if (targetPort instanceof String s) {
            b.withTargetPort(new IntOrString(s));
        }
        return b.build();
    }

    /** A ClusterIP Service; {@code selector} null makes it selectorless. */
    static Service service(
            String name,
            Map<String, String> labels,
            Map<String, String> selector,
            ServicePort... ports) {
        return new ServiceBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .withSelector(selector)
                .withPorts(ports)
                .endSpec()
                .build();
    }
}
