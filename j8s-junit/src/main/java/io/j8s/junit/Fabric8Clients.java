package io.j8s.junit;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * The only class that touches fabric8: loaded when a test asks for a {@code KubernetesClient}, so a
 * test without fabric8 on its class path never loads it (fabric8 6, 7 and 8 share these calls).
 */
final class Fabric8Clients {
    private Fabric8Clients() {}

    /** A client of the admin kubeconfig (the caller closes it). */
    static AutoCloseable client(String kubeconfigYaml) {
        return new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(kubeconfigYaml))
                .build();
    }
}
