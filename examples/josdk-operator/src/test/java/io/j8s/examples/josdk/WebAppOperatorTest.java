package io.j8s.examples.josdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.j8s.junit.J8s;
import io.j8s.junit.J8sCluster;
import io.j8s.junit.J8sTest;
import io.j8s.junit.Kubeconfig;
import io.javaoperatorsdk.operator.Operator;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The WebApp operator (Java Operator SDK 5) on a j8s cluster: its CRD installed, a WebApp
 * reconciled into a Deployment and a Service owned by it, the Pods ready behind the Service, the
 * status the operator applied server-side, a scale followed, and everything garbage-collected when
 * the WebApp is deleted.
 */
@J8sTest(nodes = {"node01", "node02"})
class WebAppOperatorTest {

    private static final String NAMESPACE = "default";
    private static final String NAME = "hello";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @J8s static J8sCluster cluster;

    @Test
    void reconcilesAWebAppIntoADeploymentAndAService(
            KubernetesClient client, @Kubeconfig String kubeconfig) throws Exception {
        // 1. The CRD, installed as a user would, is established.
        CustomResourceDefinition crd;
        try (InputStream in =
                WebAppOperatorTest.class.getResourceAsStream("/webapps.example.j8s.io.yaml")) {
            crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
        }
        client.resource(crd).create();
        client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName("webapps.example.j8s.io")
                .waitUntilCondition(
                        c -> c != null && c.getStatus() != null && c.getStatus().getConditions().stream()
                                .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())),
                        60,
                        TimeUnit.SECONDS);

        // 2. The operator, with a client of its own (Operator.stop() closes it).
        Operator operator =
                WebAppOperator.start(
                        new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build());
        try {
            MixedOperation<WebApp, KubernetesResourceList<WebApp>, Resource<WebApp>> webApps =
                    client.resources(WebApp.class);

            // 3. A WebApp: the server defaults spec.port (8080) from the CRD's schema.
            WebApp webApp = new WebApp();
            webApp.getMetadata().setName(NAME);
            webApp.getMetadata().setNamespace(NAMESPACE);
            webApp.setSpec(new WebAppSpec());
            webApp.getSpec().setReplicas(2);
            webApp.getSpec().setImage("nginx:1.27");
            WebApp created = webApps.inNamespace(NAMESPACE).resource(webApp).create();
            assertThat(created.getSpec().getPort()).isEqualTo(8080);
            String uid = created.getMetadata().getUid();

            // 4. A Deployment and a Service, both owned by the WebApp (JOSDK's owner reference); 2 Pods ready behind
            // the Service.
            cluster.awaitDeploymentAvailable(NAMESPACE, NAME, TIMEOUT);
            Deployment deployment = client.apps().deployments().inNamespace(NAMESPACE).withName(NAME).get();
            assertOwnedBy(deployment, uid);
            assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
            assertThat(managers(deployment)).contains("webapp-operator/Apply");
            Service service = client.services().inNamespace(NAMESPACE).withName(NAME).get();
            assertThat(service).as("the WebApp's Service").isNotNull();
            assertOwnedBy(service, uid);

            List<String> endpointIps = cluster.awaitEndpoints(NAMESPACE, NAME, 2, TIMEOUT);
            assertThat(new TreeSet<>(endpointIps)).isEqualTo(readyPodIps(client));
            assertThat(httpGet(cluster.serviceAddress(NAMESPACE, NAME, 8080))).startsWith("HTTP/1.1 200");

            // 5. The status the operator applied: 2/2 ready, Ready=True, owned by its field
            // manager on the status subresource.
            await().atMost(TIMEOUT).untilAsserted(() -> {
                WebApp current = webApps.inNamespace(NAMESPACE).withName(NAME).get();
                assertThat(current.getStatus()).isNotNull();
                assertThat(current.getStatus().getReadyReplicas()).isEqualTo(2);
                assertThat(current.getStatus().getService()).isEqualTo(NAME);
                assertThat(ready(current)).isNotNull().extracting(Condition::getStatus).isEqualTo("True");
            });
            WebApp reconciled = webApps.inNamespace(NAMESPACE).withName(NAME).get();
            ManagedFieldsEntry statusManager =
                    reconciled.getMetadata().getManagedFields().stream()
                            .filter(m -> "webapp-operator".equals(m.getManager()))
                            .findFirst()
                            .orElseThrow(() -> new AssertionError(
                                    "no managedFields entry of webapp-operator: " + managers(reconciled)));
            assertThat(statusManager.getOperation()).isEqualTo("Apply");
            assertThat(statusManager.getSubresource()).isEqualTo("status");
            assertThat(statusManager.getFieldsType()).isEqualTo("FieldsV1");
            assertThat(statusManager.getFieldsV1().getAdditionalProperties()).containsOnlyKeys("f:status");

            // 6. Scaled to 3: the Deployment follows, and so does the status.
            webApps.inNamespace(NAMESPACE).withName(NAME).edit(w -> {
                w.getSpec().setReplicas(3);
                return w;
            });
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(
                    client.apps().deployments().inNamespace(NAMESPACE).withName(NAME).get().getSpec().getReplicas())
                    .isEqualTo(3));
            cluster.awaitDeploymentAvailable(NAMESPACE, NAME, TIMEOUT);
            assertThat(cluster.awaitEndpoints(NAMESPACE, NAME, 3, TIMEOUT)).hasSize(3);
            await().atMost(TIMEOUT).untilAsserted(() -> {
                WebApp current = webApps.inNamespace(NAMESPACE).withName(NAME).get();
                assertThat(current.getStatus().getReadyReplicas()).isEqualTo(3);
                assertThat(ready(current).getStatus()).isEqualTo("True");
                assertThat(ready(current).getObservedGeneration()).isEqualTo(current.getMetadata().getGeneration());
            });

            // 7. The WebApp deleted: the garbage collector deletes the Deployment, its ReplicaSet,
            // their Pods and the Service.
            webApps.inNamespace(NAMESPACE).withName(NAME).delete();
            await().atMost(TIMEOUT).untilAsserted(() -> {
                assertThat(webApps.inNamespace(NAMESPACE).withName(NAME).get()).isNull();
                assertThat(client.apps().deployments().inNamespace(NAMESPACE).withName(NAME).get()).isNull();
                assertThat(client.services().inNamespace(NAMESPACE).withName(NAME).get()).isNull();
                assertThat(client.apps().replicaSets().inNamespace(NAMESPACE).withLabel("app.kubernetes.io/instance", NAME)
                        .list().getItems()).isEmpty();
                assertThat(client.pods().inNamespace(NAMESPACE).withLabel("app.kubernetes.io/instance", NAME)
                        .list().getItems()).isEmpty();
            });
        } finally {
            operator.stop();
        }
    }

    private static void assertOwnedBy(HasMetadata object, String uid) {
        List<OwnerReference> owners = object.getMetadata().getOwnerReferences();
        assertThat(owners).as("owner references of %s", object.getFullResourceName()).hasSize(1);
        OwnerReference owner = owners.get(0);
        assertThat(owner.getApiVersion()).isEqualTo("example.j8s.io/v1");
        assertThat(owner.getKind()).isEqualTo("WebApp");
        assertThat(owner.getName()).isEqualTo(NAME);
        assertThat(owner.getUid()).isEqualTo(uid);
    }

    /** The managedFields entries as {@code manager/operation}. */
    private static List<String> managers(HasMetadata object) {
        return Objects.requireNonNullElse(object.getMetadata().getManagedFields(), List.<ManagedFieldsEntry>of())
                .stream()
                .map(m -> m.getManager() + "/" + m.getOperation())
                .toList();
    }

    private static Condition ready(WebApp webApp) {
        return webApp.getStatus().getConditions().stream()
                .filter(c -> "Ready".equals(c.getType()))
                .findFirst()
                .orElse(null);
    }

    /** The IPs of the WebApp's ready, not deleted Pods. */
    private static Set<String> readyPodIps(KubernetesClient client) {
        return client.pods().inNamespace(NAMESPACE).withLabel("app.kubernetes.io/instance", NAME).list()
                .getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .filter(p -> p.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
                .map(p -> p.getStatus().getPodIP())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The status line of an HTTP GET / to {@code address}. */
    private static String httpGet(InetSocketAddress address) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(address, 5000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(
                    ("GET / HTTP/1.1\r\nHost: " + NAME + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            StringBuilder line = new StringBuilder();
            InputStreamReader reader = new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII);
            for (int c = reader.read(); c != -1 && c != '\r'; c = reader.read()) {
                line.append((char) c);
            }
            return line.toString();
        }
    }
}
