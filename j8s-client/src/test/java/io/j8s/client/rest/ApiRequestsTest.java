package io.j8s.client.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ApiRequestsTest {

    @Test
    void path_namespacedAndClusterScoped_withSubresource() {
        assertThat(ApiRequests.path("/api/v1", "ns", "pods", "web-1", "status"))
                .isEqualTo("/api/v1/namespaces/ns/pods/web-1/status");
        assertThat(ApiRequests.path("/api/v1", null, "nodes", "n1", null))
                .isEqualTo("/api/v1/nodes/n1");
    }

    /**
     * A server that accepts the connection and never answers: the future still completes, with a
     * failure of code 0, soon after the client's request timeout (the scheduler holds one of its
     * binding slots until it does).
     */
    @Test
    void sendAsync_failsWhenNoAnswerComesWithinTheRequestTimeout() throws Exception {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor =
                    new Thread(
                            () -> {
                                try {
                                    while (true) {
                                        accepted.add(silent.accept());
                                    }
                                } catch (IOException closed) {
                                    // the test is over
                                }
                            });
            acceptor.setDaemon(true);
            acceptor.start();
            try (KubernetesClient client =
                    new KubernetesClientBuilder()
                            .withConfig(
                                    new ConfigBuilder()
                                            .withMasterUrl(
                                                    "http://127.0.0.1:" + silent.getLocalPort())
                                            .withRequestTimeout(300)
                                            .withRequestRetryBackoffLimit(0)
                                            .build())
                            .build()) {
                CompletableFuture<String> answer =
                        ApiRequests.sendAsync(
                                client,
                                "POST",
                                "/api/v1/namespaces/default/pods/web-1/binding",
                                ApiRequests.JSON,
                                "{}");

                assertThatThrownBy(() -> answer.get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .cause()
                        .isInstanceOf(KubernetesClientException.class)
                        .satisfies(
                                e ->
                                        assertThat(((KubernetesClientException) e).getCode())
                                                .isLessThan(100));
                assertThat(accepted).isNotEmpty();
            } finally {
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }
}
