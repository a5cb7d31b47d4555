package io.j8s.bench.startup;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;
import java.util.List;

/**
 * The comparison of the start-up benchmark: fabric8's {@code KubernetesMockServer} in CRUD mode, in
 * this fresh JVM, up to its first successful list through a fabric8 client. Prints {@code usable}
 * on stdout at that moment (the benchmark measures from its launch of this JVM to that line), then
 * stops the server and exits.
 */
public final class MockServerStart {
    private MockServerStart() {}

    public static void main(String[] args) {
        KubernetesMockServer server =
                new KubernetesMockServer(
                        new Context(),
                        new MockWebServer(),
                        new HashMap<>(),
                        new KubernetesCrudDispatcher(List.of()),
                        false);
        server.init();
        try (KubernetesClient client = server.createClient()) {
            int namespaces = client.namespaces().list().getItems().size();
            System.out.println("usable namespaces=" + namespaces);
            System.out.flush();
        } finally {
            server.destroy();
        }
        System.exit(0);
    }
}
