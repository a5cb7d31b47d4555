package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.j8s.api.json.Json;
import io.j8s.server.testing.TestCluster;
import io.j8s.testkit.HostTools;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The official Python client (Debian's python3-kubernetes) against j8s: its watch sends {@code
 * ?watch=True}, which Kubernetes reads as true, and its EndpointSlice model requires {@code
 * endpoints}, which j8s serves as {@code []} for a Service without Pods.
 */
class PythonClientTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static TestCluster cluster;
    private static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        HostTools.require(
                Files.isExecutable(PYTHON),
                "/usr/bin/python3",
                "apt-get install -y python3-kubernetes");
        cluster =
                TestCluster.withControllers(
                        c ->
                                c.withEnabled(
                                                Set.of(
                                                        "endpoints",
                                                        "endpointslice",
                                                        "scheduler",
                                                        "nodeipam"))
                                        .withResyncPeriod(Duration.ofSeconds(1)));
        client = cluster.client();
        cluster.startNodes("node-1");
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A Python process whose output lines are collected as they come; killed when closed. */
    private static final class Python implements AutoCloseable {
        final Process process;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final List<String> all = new java.util.concurrent.CopyOnWriteArrayList<>();

        Python(String script, String... args) throws Exception {
            List<String> command =
                    new ArrayList<>(
                            List.of(
                                    PYTHON.toString(),
                                    "-c",
                                    script,
                                    cluster.server().kubeconfig().toString()));
            command.addAll(List.of(args));
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
            Thread reader =
                    new Thread(
                            () -> {
                                try (BufferedReader in =
                                        new BufferedReader(
                                                new InputStreamReader(
                                                        process.getInputStream(),
                                                        StandardCharsets.UTF_8))) {
                                    for (String line = in.readLine();
                                            line != null;
                                            line = in.readLine()) {
                                        all.add(line);
                                        lines.add(line);
                                    }
                                } catch (java.io.IOException e) {
                                    // the process ended
                                }
                            },
                            "python-output");
            reader.setDaemon(true);
            reader.start();
        }

        /**
         * The next line starting with {@code prefix}, failing with all the output so far after 60
         * s.
         */
        String await(String prefix) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                String line = lines.poll(1, TimeUnit.SECONDS);
                if (line != null && line.startsWith(prefix)) {
                    return line;
                }
            }
            throw new AssertionError(
                    "no line starting with \""
                            + prefix
                            + "\" from Python; its output:\n"
                            + String.join("\n", all));
        }

        int exitCode() throws InterruptedException {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(String.join("\n", all)).isTrue();
            return process.exitValue();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static final String WATCH_ENDPOINTS =
            """
            import sys
            from kubernetes import client, config, watch
            config.load_kube_config(config_file=sys.argv[1])
            v1 = client.CoreV1Api()
            w = watch.Watch()
            for event in w.stream(v1.list_namespaced_endpoints, sys.argv[2], timeout_seconds=50):
                ep = event["object"]
                ips = [a.ip for s in (ep.subsets or []) for a in (s.addresses or [])]
                print(event["type"], ep.metadata.name, ",".join(ips) or "-", flush=True)
                if event["type"] == "MODIFIED" and ep.metadata.name == "web" and ips:
                    w.stop()
            print("DONE", flush=True)
            """;

    @Test
    void watchOfTheOfficialPythonClientSeesEndpointsChange() throws Exception {
        String ns = "py-watch";
        client.namespaces()
                .resource(
                        new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .create();
        client.services()
                .inNamespace(ns)
                .resource(
                        new ServiceBuilder()
                                .withNewMetadata()
                                .withName("web")
                                .endMetadata()
                                .withNewSpec()
                                .withSelector(Map.of("app", "web"))
                                .addNewPort()
                                .withPort(80)
                                .endPort()
                                .endSpec()
                                .build())
                .create();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> client.endpoints().inNamespace(ns).withName("web").get() != null);

        try (Python python = new Python(WATCH_ENDPOINTS, ns)) {
            // The Endpoints without addresses, as the watch starts (?watch=True, no
            // resourceVersion).
            assertThat(python.await("ADDED web")).isEqualTo("ADDED web -");
            client.pods()
                    .inNamespace(ns)
                    .resource(
                            new PodBuilder()
                                    .withNewMetadata()
                                    .withName("web-1")
                                    .addToLabels("app", "web")
                                    .endMetadata()
                                    .withNewSpec()
                                    .addNewContainer()
                                    .withName("c")
                                    .withImage("nginx")
                                    .endContainer()
                                    .endSpec()
                                    .build())
                    .create();
            String modified = python.await("MODIFIED web ");
            assertThat(modified).matches("MODIFIED web \\d+\\.\\d+\\.\\d+\\.\\d+");
            python.await("DONE");
            assertThat(python.exitCode()).isZero();
        }
    }

    private static final String LIST_SLICES =
            """
            import sys
            from kubernetes import client, config, watch
            config.load_kube_config(config_file=sys.argv[1])
            api = client.DiscoveryV1Api()
            slices = api.list_namespaced_endpoint_slice(sys.argv[2],
                label_selector="kubernetes.io/service-name=empty").items
            print("LIST", len(slices), [s.endpoints for s in slices], flush=True)
            print("GET", api.read_namespaced_endpoint_slice(slices[0].metadata.name, sys.argv[2]).endpoints,
                flush=True)
            for event in watch.Watch().stream(api.list_namespaced_endpoint_slice, sys.argv[2],
                    label_selector="kubernetes.io/service-name=empty", timeout_seconds=2):
                print("WATCH", event["type"], event["object"].endpoints, flush=True)
            """;

    @Test
    void endpointSliceWithoutEndpointsIsServedWithAnEmptyList() throws Exception {
        String ns = "py-slices";
        client.namespaces()
                .resource(
                        new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .create();
        client.services()
                .inNamespace(ns)
                .resource(
                        new ServiceBuilder()
                                .withNewMetadata()
                                .withName("empty")
                                .endMetadata()
                                .withNewSpec()
                                .withSelector(Map.of("app", "nothing"))
                                .addNewPort()
                                .withPort(80)
                                .endPort()
                                .endSpec()
                                .build())
                .create();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                !client.discovery()
                                        .v1()
                                        .endpointSlices()
                                        .inNamespace(ns)
                                        .withLabel("kubernetes.io/service-name", "empty")
                                        .list()
                                        .getItems()
                                        .isEmpty());

        try (Python python = new Python(LIST_SLICES, ns)) {
            assertThat(python.await("LIST")).isEqualTo("LIST 1 [[]]");
            assertThat(python.await("GET")).isEqualTo("GET []");
            assertThat(python.await("WATCH")).isEqualTo("WATCH ADDED []");
            assertThat(python.exitCode()).as(String.join("\n", python.all)).isZero();
        }

        HttpClient http = HttpClient.newBuilder().sslContext(cluster.adminSslContext()).build();
        String base =
                cluster.server().apiUrl()
                        + "/apis/discovery.k8s.io/v1/namespaces/"
                        + ns
                        + "/endpointslices";
        JsonNode list =
                Json.parse(
                        http.send(
                                        HttpRequest.newBuilder(URI.create(base)).build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body());
        JsonNode slice = list.path("items").get(0);
        assertThat(slice.get("endpoints")).isEqualTo(Json.parse("[]"));
        JsonNode got =
                Json.parse(
                        http.send(
                                        HttpRequest.newBuilder(
                                                        URI.create(
                                                                base
                                                                        + "/"
                                                                        + slice.path("metadata")
                                                                                .path("name")
                                                                                .asString()))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body());
        assertThat(got.get("endpoints")).isEqualTo(Json.parse("[]"));
        JsonNode table =
                Json.parse(
                        http.send(
                                        HttpRequest.newBuilder(
                                                        URI.create(base + "?includeObject=Object"))
                                                .header(
                                                        "Accept",
                                                        "application/json;as=Table;v=v1;g=meta.k8s.io")
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body());
        assertThat(table.path("rows").get(0).path("object").get("endpoints"))
                .isEqualTo(Json.parse("[]"));
    }
}
