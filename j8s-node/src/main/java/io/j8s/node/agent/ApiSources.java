package io.j8s.node.agent;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.j8s.node.runtime.ContainerConfigException;
import io.j8s.node.runtime.EnvSources;
import io.j8s.node.volume.TokenSource;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The node agent's view of the API for its Pods' environment and volumes: Services from an informer
 * over all namespaces ({@code system:nodes} may list and watch Services), ConfigMaps and Secrets
 * read with a GET each time they are needed (the node authorizer allows reads of those its Pods
 * reference; the kubelet's {@code Get} change-detection strategy), and service account tokens from
 * TokenRequest bound to the Pod. Thread-safe.
 */
final class ApiSources implements EnvSources, TokenSource {

    private final KubernetesClient client;
    private final Supplier<Map<String, Quantity>> allocatable;
    private volatile SharedIndexInformer<Service> services;

    ApiSources(KubernetesClient client, Supplier<Map<String, Quantity>> allocatable) {
        this.client = client;
        this.allocatable = allocatable;
    }

    void services(SharedIndexInformer<Service> informer) {
        this.services = informer;
    }

    @Override
    public Collection<Service> services() {
        SharedIndexInformer<Service> inf = services;
        return inf == null ? List.of() : inf.getStore().list();
    }

    @Override
    public ConfigMap configMap(String namespace, String name) throws ContainerConfigException {
        try {
            return client.configMaps().inNamespace(namespace).withName(name).get();
        } catch (KubernetesClientException e) {
            throw new ContainerConfigException(
                    "couldn't get configMap " + namespace + "/" + name + ": " + message(e));
        }
    }

    @Override
    public Secret secret(String namespace, String name) throws ContainerConfigException {
        try {
            return client.secrets().inNamespace(namespace).withName(name).get();
        } catch (KubernetesClientException e) {
            throw new ContainerConfigException(
                    "couldn't get secret " + namespace + "/" + name + ": " + message(e));
        }
    }

    @Override
    public Map<String, Quantity> allocatable() {
        Map<String, Quantity> m = allocatable.get();
        return m == null ? Map.of() : m;
    }

    @Override
    public Token request(
            String namespace,
            String serviceAccount,
            List<String> audiences,
            long expirationSeconds,
            String podName,
            String podUid)
            throws IOException {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("audiences", audiences);
        spec.put("expirationSeconds", expirationSeconds);
        spec.put(
                "boundObjectRef",
                Map.of("kind", "Pod", "apiVersion", "v1", "name", podName, "uid", podUid));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", "TokenRequest");
        body.put("apiVersion", "authentication.k8s.io/v1");
        body.put("spec", spec);
        String url =
                client.getMasterUrl().toString().replaceAll("/+$", "")
                        + "/api/v1/namespaces/"
                        + URLEncoder.encode(namespace, StandardCharsets.UTF_8)
                        + "/serviceaccounts/"
                        + URLEncoder.encode(serviceAccount, StandardCharsets.UTF_8)
                        + "/token";
        HttpClient http = client.getHttpClient();
        HttpRequest req =
                http.newHttpRequestBuilder()
                        .uri(url)
                        .post("application/json", client.getKubernetesSerialization().asJson(body))
                        .build();
        HttpResponse<String> res;
        try {
            res = http.sendAsync(req, String.class).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (Exception e) {
            throw new IOException(e.toString(), e);
        }
        String text = res.body() == null ? "" : res.body();
        if (!res.isSuccessful()) {
            throw new IOException(statusMessage(text, res.code()));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = client.getKubernetesSerialization().unmarshal(text, Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> status = (Map<String, Object>) parsed.get("status");
        if (status == null || !(status.get("token") instanceof String token)) {
            throw new IOException("the TokenRequest answer has no status.token");
        }
        Object exp = status.get("expirationTimestamp");
        Instant expiration =
                exp instanceof String s
                        ? Instant.parse(s)
                        : Instant.now().plusSeconds(expirationSeconds);
        return new Token(token, expiration);
    }

    private String statusMessage(String body, int code) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = client.getKubernetesSerialization().unmarshal(body, Map.class);
            if (m != null && m.get("message") instanceof String s) {
                return s;
            }
        } catch (RuntimeException e) {
            // not a Status
        }
        return "the API server answered " + code;
    }

    private static String message(KubernetesClientException e) {
        return e.getStatus() != null && e.getStatus().getMessage() != null
                ? e.getStatus().getMessage()
                : e.getMessage();
    }
}
