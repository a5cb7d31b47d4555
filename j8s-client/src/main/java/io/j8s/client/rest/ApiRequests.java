package io.j8s.client.rest;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writes sent as exactly one request, synchronously or not. fabric8's {@code patch(PatchContext,
 * String)} reads the object first (a GET before every PATCH), and its typed calls block a thread
 * per request; the frequent writers that know what they send (the node's Pod and Node status
 * writes, the event recorder's count updates, the scheduler's bindings) use these instead
 * (docs/architecture.md, "The client runtime").
 */
public final class ApiRequests {

    /** The content type of a JSON merge patch. */
    public static final String MERGE_PATCH = "application/merge-patch+json";

    /** The content type of a JSON body. */
    public static final String JSON = "application/json";

    private ApiRequests() {}

    /**
     * The path of an object or one of its subresources: {@code
     * /api/v1/namespaces/ns/pods/name/status}, or {@code /api/v1/nodes/name/status} for a
     * cluster-scoped one ({@code namespace} null).
     */
    public static String path(
            String groupVersionPath,
            String namespace,
            String plural,
            String name,
            String subresource) {
        StringBuilder sb = new StringBuilder(groupVersionPath);
        if (namespace != null) {
            sb.append("/namespaces/").append(URLEncoder.encode(namespace, StandardCharsets.UTF_8));
        }
        sb.append('/')
                .append(plural)
                .append('/')
                .append(URLEncoder.encode(name, StandardCharsets.UTF_8));
        if (subresource != null) {
            sb.append('/').append(subresource);
        }
        return sb.toString();
    }

    /**
     * Sends one request without blocking. The future completes with the answer's body on a success,
     * or exceptionally with a {@link KubernetesClientException} that carries the answer's code and
     * Status (a code below 100, fabric8's -1, when no answer came). It always completes: a request
     * that gets no answer within the client's request timeout fails (fabric8 pads that timeout by
     * at most 5 s before it gives up), so a caller that holds a slot per request in flight (the
     * scheduler's bindings) never loses it to a server that does not answer.
     */
    public static CompletableFuture<String> sendAsync(
            KubernetesClient client, String method, String path, String contentType, String body) {
        String url = client.getMasterUrl().toString().replaceAll("/+$", "") + path;
        HttpClient http = client.getHttpClient();
        HttpRequest.Builder builder =
                http.newHttpRequestBuilder().uri(url).method(method, contentType, body);
        long timeoutMillis = client.getConfiguration().getRequestTimeout();
        if (timeoutMillis > 0) {
            builder.timeout(timeoutMillis, TimeUnit.MILLISECONDS);
        }
        HttpRequest request = builder.build();
        CompletableFuture<String> answer = new CompletableFuture<>();
        http.sendAsync(request, String.class)
                .whenComplete(
                        (response, failure) -> {
                            if (failure != null) {
                                Throwable cause =
                                        failure instanceof CompletionException
                                                        && failure.getCause() != null
                                                ? failure.getCause()
                                                : failure;
                                answer.completeExceptionally(
                                        new KubernetesClientException(
                                                method + " " + path + " failed: " + cause, cause));
                            } else if (response.isSuccessful()) {
                                answer.complete(response.body());
                            } else {
                                answer.completeExceptionally(
                                        failure(client, method, path, response));
                            }
                        });
        return answer;
    }

    /**
     * Sends {@code body} as a JSON merge patch to {@code path} (from {@link #path}) and waits for
     * the answer at most the client's request timeout.
     *
     * @throws KubernetesClientException with the answer's code and Status when it is not a success,
     *     or with a code below 100 (fabric8's -1) when no answer came (I/O error, timeout,
     *     interrupt: the interrupt flag is kept)
     */
    public static void mergePatch(KubernetesClient client, String path, String body) {
        CompletableFuture<String> answer = sendAsync(client, "PATCH", path, MERGE_PATCH, body);
        long timeoutMillis = client.getConfiguration().getRequestTimeout();
        try {
            if (timeoutMillis > 0) {
                answer.get(timeoutMillis, TimeUnit.MILLISECONDS);
            } else {
                answer.get();
            }
        } catch (InterruptedException e) {
            answer.cancel(false);
            Thread.currentThread().interrupt();
            throw new KubernetesClientException("PATCH " + path + " interrupted", e);
        } catch (TimeoutException e) {
            answer.cancel(false);
            throw new KubernetesClientException(
                    "PATCH " + path + " got no answer within " + timeoutMillis + " ms", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof KubernetesClientException k) {
                throw k;
            }
            throw new KubernetesClientException("PATCH " + path + " failed: " + e.getCause(), e);
        }
    }

    private static KubernetesClientException failure(
            KubernetesClient client, String method, String path, HttpResponse<String> response) {
        String text = response.body();
        Status status = null;
        try {
            status = client.getKubernetesSerialization().unmarshal(text, Status.class);
        } catch (RuntimeException notAStatus) {
            // the answer is not a Status (a proxy's page): the code and text say enough
        }
        String message = status != null && status.getMessage() != null ? status.getMessage() : text;
        return new KubernetesClientException(
                method + " " + path + " answered " + response.code() + ": " + message,
                response.code(),
                status);
    }
}
