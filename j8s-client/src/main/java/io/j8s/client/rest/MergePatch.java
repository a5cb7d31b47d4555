package io.j8s.client.rest;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A JSON merge patch sent as one request. fabric8's {@code patch(PatchContext, String)} reads the
 * object first (a GET before every PATCH) to learn its type; the writers that patch often (the
 * node's Pod status writer, the event recorder's count updates) know what they patch, so they send
 * the PATCH alone and halve their requests (docs/architecture.md, "The client runtime").
 */
public final class MergePatch {

    private static final String CONTENT_TYPE = "application/merge-patch+json";

    private MergePatch() {}

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
     * Sends {@code body} as a JSON merge patch to {@code path} (from {@link #path}) and waits for
     * the answer at most the client's request timeout.
     *
     * @throws KubernetesClientException with the answer's code and Status when it is not a success,
     *     or with code 0 when no answer came (I/O error, timeout, interrupt: the interrupt flag is
     *     kept)
     */
    public static void send(KubernetesClient client, String path, String body) {
        String url = client.getMasterUrl().toString().replaceAll("/+$", "") + path;
        HttpClient http = client.getHttpClient();
        HttpRequest request =
                http.newHttpRequestBuilder().uri(url).method("PATCH", CONTENT_TYPE, body).build();
        long timeoutMillis = client.getConfiguration().getRequestTimeout();
        HttpResponse<String> response;
        try {
            var future = http.sendAsync(request, String.class);
            response =
                    timeoutMillis > 0
                            ? future.get(timeoutMillis, TimeUnit.MILLISECONDS)
                            : future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubernetesClientException("PATCH " + path + " interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KubernetesClientException("PATCH " + path + " failed: " + e.getMessage(), e);
        }
        if (response.isSuccessful()) {
            return;
        }
        String text = response.body();
        Status status = null;
        try {
            status = client.getKubernetesSerialization().unmarshal(text, Status.class);
        } catch (RuntimeException notAStatus) {
            // the answer is not a Status (a proxy's page): the code and text say enough
        }
        String message = status != null && status.getMessage() != null ? status.getMessage() : text;
        throw new KubernetesClientException(
                "PATCH " + path + " answered " + response.code() + ": " + message,
                response.code(),
                status);
    }
}
