package io.j8s.server.e2e;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * A program as one would put in a container image: fabric8's in-cluster configuration (no
 * kubeconfig; {@code KUBERNETES_SERVICE_HOST/PORT}, the service account token, CA and namespace
 * files), then the Endpoints of its own namespace, one line each. {@link InClusterTest} runs it in
 * a process Pod.
 */
public final class InClusterLister {
    private InClusterLister() {}

    public static void main(String[] args) {
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            System.out.println(
                    "master=" + client.getMasterUrl() + " namespace=" + client.getNamespace());
            for (Endpoints ep : client.endpoints().list().getItems()) {
                List<String> addresses = new ArrayList<>();
                for (EndpointSubset subset : ep.getSubsets()) {
                    for (EndpointAddress a : subset.getAddresses()) {
                        for (EndpointPort p : subset.getPorts()) {
                            addresses.add(a.getIp() + ":" + p.getPort());
                        }
                    }
                }
                addresses.sort(null);
                System.out.println(
                        "endpoints "
                                + ep.getMetadata().getName()
                                + " "
                                + String.join(",", addresses));
            }
        }
    }
}
