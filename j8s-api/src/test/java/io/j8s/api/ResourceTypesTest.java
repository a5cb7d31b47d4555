package io.j8s.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResourceTypesTest {

    @Test
    void resolve_shortNamesPluralsSingularsKindsAndGroups() {
        assertThat(ResourceTypes.resolve("po").orElseThrow().plural()).isEqualTo("pods");
        assertThat(ResourceTypes.resolve("svc").orElseThrow().kind()).isEqualTo("Service");
        assertThat(ResourceTypes.resolve("ep").orElseThrow().kind()).isEqualTo("Endpoints");
        assertThat(ResourceTypes.resolve("endpoints").orElseThrow().singular())
                .isEqualTo("endpoints");
        assertThat(ResourceTypes.resolve("deploy").orElseThrow().groupResource())
                .isEqualTo("deployments.apps");
        assertThat(ResourceTypes.resolve("deployments.apps").orElseThrow().kind())
                .isEqualTo("Deployment");
        assertThat(ResourceTypes.resolve("rs").orElseThrow().kind()).isEqualTo("ReplicaSet");
        assertThat(ResourceTypes.resolve("ns").orElseThrow().namespaced()).isFalse();
        assertThat(ResourceTypes.resolve("no").orElseThrow().kind()).isEqualTo("Node");
        assertThat(ResourceTypes.resolve("cm").orElseThrow().kind()).isEqualTo("ConfigMap");
        assertThat(ResourceTypes.resolve("sa").orElseThrow().kind()).isEqualTo("ServiceAccount");
        assertThat(ResourceTypes.resolve("Pod").orElseThrow().plural()).isEqualTo("pods");
        assertThat(ResourceTypes.resolve("ev").orElseThrow().group()).isEmpty();
        assertThat(ResourceTypes.resolve("events.events.k8s.io").orElseThrow().group())
                .isEqualTo("events.k8s.io");
        assertThat(ResourceTypes.resolve("endpointslices").orElseThrow().apiVersion())
                .isEqualTo("discovery.k8s.io/v1");
        assertThat(ResourceTypes.resolve("clusterrolebindings").orElseThrow().namespaced())
                .isFalse();
        assertThat(ResourceTypes.resolve("foos")).isEmpty();
    }

    @Test
    void byResourceAndByKind() {
        ResourceType svc = ResourceTypes.byResource("", "v1", "services").orElseThrow();
        assertThat(svc.hasSubresource("status")).isTrue();
        assertThat(svc.shortNames()).containsExactly("svc");
        assertThat(svc.categories()).containsExactly("all");
        assertThat(ResourceTypes.byKind("apps/v1", "ReplicaSet").orElseThrow().subresources())
                .containsExactlyInAnyOrder("status", "scale");
        assertThat(ResourceTypes.byKind("v1", "Pod").orElseThrow().subresources())
                .contains("status", "binding", "log");
        assertThat(ResourceTypes.byKind("v1", "Node").orElseThrow().subresources())
                .contains("status", "proxy");
        assertThat(ResourceTypes.byKind("events.k8s.io/v1", "Event").orElseThrow().plural())
                .isEqualTo("events");
        assertThat(ResourceTypes.byKind("v1", "Nope")).isEmpty();
    }

    @Test
    void categoryAll_holdsWorkloadsAndServices() {
        assertThat(ResourceTypes.byCategory("all"))
                .extracting(ResourceType::plural)
                .containsExactly("pods", "services", "deployments", "replicasets");
    }

    @Test
    void groups_coreFirst() {
        assertThat(ResourceTypes.groups())
                .containsExactly(
                        "",
                        "apps",
                        "discovery.k8s.io",
                        "coordination.k8s.io",
                        "events.k8s.io",
                        "rbac.authorization.k8s.io");
        assertThat(ResourceTypes.ofGroupVersion("apps", "v1")).hasSize(2);
    }

    @Test
    void everyTypeHasANameColumnWithFormatName() {
        for (ResourceType t : ResourceTypes.all()) {
            assertThat(t.strategy().tableColumns())
                    .as(t.plural())
                    .anySatisfy(
                            c -> {
                                assertThat(c.name()).isEqualTo("Name");
                                assertThat(c.format()).isEqualTo("name");
                            });
        }
    }
}
