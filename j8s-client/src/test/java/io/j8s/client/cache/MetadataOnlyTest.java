package io.j8s.client.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.http.HttpRequest;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MetadataOnlyTest {

    private static HttpRequest get(String uri) {
        return new HttpRequest() {
            @Override
            public UUID id() {
                return UUID.randomUUID();
            }

            @Override
            public URI uri() {
                return URI.create(uri);
            }

            @Override
            public String method() {
                return "GET";
            }

            @Override
            public String bodyString() {
                return null;
            }

            @Override
            public List<String> headers(String key) {
                return List.of();
            }

            @Override
            public Map<String, List<String>> headers() {
                return Map.of();
            }
        };
    }

    @Test
    void listsAskForAPartialObjectMetadataList_watchesForPartialObjectMetadata() {
        // what client-go's metadata client sends, JSON only, with plain JSON as the fallback
        assertThat(MetadataOnly.accept(get("https://h/api/v1/pods?limit=500")))
                .isEqualTo(
                        "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,"
                                + "application/json");
        assertThat(
                        MetadataOnly.accept(
                                get(
                                        "https://h/api/v1/pods?allowWatchBookmarks=true"
                                                + "&resourceVersion=7&watch=true")))
                .isEqualTo(
                        "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,"
                                + "application/json");
        assertThat(MetadataOnly.accept(get("https://h/api/v1/pods?watch=1")))
                .isEqualTo(MetadataOnly.WATCH);
        assertThat(MetadataOnly.accept(get("https://h/api/v1/pods?watchx=true")))
                .isEqualTo(MetadataOnly.LIST);
        assertThat(MetadataOnly.accept(get("https://h/api/v1/pods"))).isEqualTo(MetadataOnly.LIST);
    }
}
