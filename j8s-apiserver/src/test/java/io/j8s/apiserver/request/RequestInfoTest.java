package io.j8s.apiserver.request;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestInfoTest {
    @Test
    void namespacedObjectWithSubresource() {
        RequestInfo info =
                RequestInfo.parse("PUT", "/api/v1/namespaces/default/pods/web-1/status", null);
        assertThat(info.resourceRequest()).isTrue();
        assertThat(info.verb()).isEqualTo("update");
        assertThat(info.group()).isEmpty();
        assertThat(info.version()).isEqualTo("v1");
        assertThat(info.namespace()).isEqualTo("default");
        assertThat(info.resource()).isEqualTo("pods");
        assertThat(info.name()).isEqualTo("web-1");
        assertThat(info.subresource()).isEqualTo("status");
    }

    @Test
    void streamingSubresources_areCreateWhateverTheMethod() {
        assertThat(
                        RequestInfo.parse("POST", "/api/v1/namespaces/x/pods/p/portforward", null)
                                .verb())
                .isEqualTo("create");
        assertThat(RequestInfo.parse("GET", "/api/v1/namespaces/x/pods/p/portforward", null).verb())
                .isEqualTo("create");
        assertThat(RequestInfo.parse("GET", "/api/v1/namespaces/x/pods/p/exec", null).verb())
                .isEqualTo("create");
        assertThat(RequestInfo.parse("GET", "/api/v1/namespaces/x/pods/p/attach", null).verb())
                .isEqualTo("create");
        assertThat(RequestInfo.parse("GET", "/api/v1/namespaces/x/pods/p/log", null).verb())
                .isEqualTo("get");
        assertThat(RequestInfo.parse("GET", "/api/v1/namespaces/x/pods/p", null).verb())
                .isEqualTo("get");
    }

    @Test
    void listsWatchesAndCollections() {
        assertThat(RequestInfo.parse("GET", "/apis/apps/v1/deployments", null).verb())
                .isEqualTo("list");
        assertThat(
                        RequestInfo.parse("GET", "/apis/apps/v1/namespaces/x/deployments", "true")
                                .verb())
                .isEqualTo("watch");
        assertThat(RequestInfo.parse("GET", "/api/v1/watch/namespaces/x/pods", null).verb())
                .isEqualTo("watch");
        assertThat(RequestInfo.parse("DELETE", "/api/v1/namespaces/x/pods", null).verb())
                .isEqualTo("deletecollection");
        assertThat(
                        RequestInfo.parse(
                                        "PATCH",
                                        "/apis/apps/v1/namespaces/x/deployments/d/scale",
                                        null)
                                .group())
                .isEqualTo("apps");
    }

    @Test
    void namespacesThemselves_andTheirSubresources() {
        RequestInfo ns = RequestInfo.parse("GET", "/api/v1/namespaces/default", null);
        assertThat(ns.resource()).isEqualTo("namespaces");
        assertThat(ns.name()).isEqualTo("default");
        assertThat(ns.namespace()).isNull();
        RequestInfo finalize = RequestInfo.parse("PUT", "/api/v1/namespaces/gone/finalize", null);
        assertThat(finalize.resource()).isEqualTo("namespaces");
        assertThat(finalize.name()).isEqualTo("gone");
        assertThat(finalize.subresource()).isEqualTo("finalize");
        RequestInfo pods = RequestInfo.parse("GET", "/api/v1/namespaces/status/pods", null);
        assertThat(pods.namespace()).isEqualTo("status");
        assertThat(pods.resource()).isEqualTo("pods");
    }

    @Test
    void nonResourcePaths() {
        assertThat(RequestInfo.parse("GET", "/version", null).resourceRequest()).isFalse();
        RequestInfo discovery = RequestInfo.parse("GET", "/apis/apps/v1", null);
        assertThat(discovery.resourceRequest()).isFalse();
        assertThat(discovery.group()).isEqualTo("apps");
    }
}
