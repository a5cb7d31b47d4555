package io.j8s.node.testing;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Instant;
import java.util.UUID;

/** Pods and containers for tests. */
public final class TestPods {
    private TestPods() {}

    public static Pod pod(String name, Container... containers) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("default")
                .withUid(UUID.randomUUID().toString())
                .withCreationTimestamp(Instant.now().toString())
                .addToLabels("app", "test")
                .endMetadata()
                .withNewSpec()
                .withNodeName("node01")
                .withRestartPolicy("Always")
                .withTerminationGracePeriodSeconds(30L)
                .withContainers(containers)
                .endSpec()
                .build();
    }

    /** A process container running {@code /bin/sh -c script}. */
    public static Container sh(String name, String script) {
        return new ContainerBuilder()
                .withName(name)
                .withImage("busybox:1.36")
                .withCommand("/bin/sh", "-c", script)
                .build();
    }

    /** A command-less container (builtin responder) on the given ports. */
    public static Container web(String name, int... ports) {
        ContainerBuilder b = new ContainerBuilder().withName(name).withImage("nginx:1.14.1");
        for (int p : ports) {
            b.addNewPort().withContainerPort(p).withProtocol("TCP").endPort();
        }
        return b.build();
    }
}
