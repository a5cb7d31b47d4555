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

    /**
     * Starts fabric8's mock API server in CRUD mode on a free port, as
     * {@code @EnableKubernetesMockClient(crud = true)} does in fabric8's own tests.
     *
     * @param https serve HTTPS with the mock's self-signed certificate (that annotation's default)
     *     rather than plain HTTP
     */
    public static KubernetesMockServer startCrud(boolean https) {
        KubernetesMockServer server =
                new KubernetesMockServer(
                        new Context(),
                        new MockWebServer(),
                        new HashMap<>(),
                        new KubernetesCrudDispatcher(List.of()),
                        https);
        server.init();
        return server;
    }

    public static void main(String[] args) {
        KubernetesMockServer server = startCrud(false);
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
