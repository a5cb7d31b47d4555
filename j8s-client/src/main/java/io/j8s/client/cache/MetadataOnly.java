package io.j8s.client.cache;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.impl.BaseClient;
import io.fabric8.kubernetes.client.impl.KubernetesClientImpl;
import java.util.concurrent.Executor;

/**
 * A client whose lists and watches return objects' metadata only ({@code PartialObjectMetadata}),
 * what Kubernetes' metadata informers read: client-go's metadata client asks for it with an {@code
 * Accept} header of {@code application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1} on
 * lists and {@code as=PartialObjectMetadata} on watches; fabric8 has no such client, so this one
 * sets that header on every GET of a generic client (docs/architecture.md, "The client runtime").
 * Objects arrive as {@code GenericKubernetesResource}s holding only {@code metadata} (kind {@code
 * PartialObjectMetadata}); use it for informers, never to read an object meant to be written back.
 */
public final class MetadataOnly {
    static final String LIST =
            "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";
    static final String WATCH =
            "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json";

    private MetadataOnly() {}

    /**
     * A client over {@code base}'s HTTP client, configuration, executor and serialization that asks
     * for metadata only. It shares {@code base}'s connections: close {@code base}, not it.
     */
    public static KubernetesClient client(KubernetesClient base) {
        HttpClient http =
                base.getHttpClient()
                        .newBuilder()
                        .addOrReplaceInterceptor("j8s-metadata-only", new AcceptMetadata())
                        .build();
        Executor executor = ((BaseClient) base).getExecutor();
        return new KubernetesClientImpl(
                http, base.getConfiguration(), () -> executor, base.getKubernetesSerialization());
    }

    /** The {@code Accept} header of a GET to {@code request}'s URI: a watch's or a list's. */
    static String accept(HttpRequest request) {
        String query = "&" + request.uri().getRawQuery() + "&";
        boolean watch = query.contains("&watch=true&") || query.contains("&watch=1&");
        return watch ? WATCH : LIST;
    }

    private static final class AcceptMetadata implements Interceptor {
        @Override
        public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            if ("GET".equals(request.method())) {
                builder.setHeader("Accept", accept(request));
            }
        }
    }
}
