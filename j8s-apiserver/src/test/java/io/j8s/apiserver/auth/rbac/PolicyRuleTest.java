package io.j8s.apiserver.auth.rbac;

import static io.j8s.apiserver.auth.rbac.PolicyRule.verbs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.j8s.apiserver.auth.Authorizer.Attributes;
import io.j8s.apiserver.auth.UserInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyRuleTest {
    private static final UserInfo BOB = new UserInfo("bob", List.of());

    private static Attributes get(String group, String resource, String sub, String name) {
        return Attributes.resource(BOB, "get", group, resource, sub, "default", name);
    }

    @Test
    void allows_matchesVerbGroupAndResource() {
        PolicyRule rule = verbs("get", "list").groups("").resources("pods").build();
        assertThat(rule.allows(get("", "pods", null, "a"))).isTrue();
        assertThat(
                        rule.allows(
                                Attributes.resource(
                                        BOB, "delete", "", "pods", null, "default", "a")))
                .isFalse();
        assertThat(rule.allows(get("apps", "pods", null, "a"))).isFalse();
        assertThat(rule.allows(get("", "services", null, "a"))).isFalse();
        assertThat(rule.allows(get("", "pods", "status", "a")))
                .as("a subresource is named on its own")
                .isFalse();
    }

    @Test
    void allows_starsMatchEverythingIncludingSubresources() {
        PolicyRule all = verbs("*").groups("*").resources("*").build();
        assertThat(all.allows(get("apps", "deployments", "scale", "x"))).isTrue();
        assertThat(all.allows(Attributes.nonResource(BOB, "get", "/healthz")))
                .as("resources only")
                .isFalse();
    }

    @Test
    void allows_starSlashSubresource() {
        PolicyRule scale = verbs("get").groups("*").resources("*/scale").build();
        assertThat(scale.allows(get("apps", "deployments", "scale", "x"))).isTrue();
        assertThat(scale.allows(get("apps", "deployments", "status", "x"))).isFalse();
        assertThat(scale.allows(get("apps", "deployments", null, "x"))).isFalse();
        assertThat(
                        verbs("get")
                                .groups("")
                                .resources("pods/status")
                                .build()
                                .allows(get("", "pods", "status", "a")))
                .isTrue();
    }

    @Test
    void allows_resourceNamesRestrictToThoseNames() {
        PolicyRule rule =
                verbs("get", "update")
                        .groups("coordination.k8s.io")
                        .resources("leases")
                        .names("kube-scheduler")
                        .build();
        assertThat(rule.allows(get("coordination.k8s.io", "leases", null, "kube-scheduler")))
                .isTrue();
        assertThat(rule.allows(get("coordination.k8s.io", "leases", null, "other"))).isFalse();
        assertThat(
                        rule.allows(
                                Attributes.resource(
                                        BOB,
                                        "update",
                                        "coordination.k8s.io",
                                        "leases",
                                        null,
                                        "kube-system",
                                        null)))
                .as("no name: not one of the names")
                .isFalse();
    }

    @Test
    void allows_nonResourceUrlsWithTrailingStar() {
        PolicyRule rule = verbs("get").urls("/healthz", "/apis/*").build();
        assertThat(rule.allows(Attributes.nonResource(BOB, "get", "/healthz"))).isTrue();
        assertThat(rule.allows(Attributes.nonResource(BOB, "get", "/healthz/ping"))).isFalse();
        assertThat(rule.allows(Attributes.nonResource(BOB, "get", "/apis/apps/v1"))).isTrue();
        assertThat(rule.allows(Attributes.nonResource(BOB, "post", "/apis/apps/v1"))).isFalse();
        assertThat(rule.allows(get("", "pods", null, "a"))).isFalse();
    }

    @Test
    void json_roundTrips() {
        PolicyRule rule =
                verbs("get").groups("", "apps").resources("pods", "deployments").names("a").build();
        assertThat(PolicyRule.fromJson(rule.toJson())).isEqualTo(rule);
        assertThat(rule.toJson().has("nonResourceURLs")).isFalse();
    }

    @Test
    void build_needsResourcesOrUrls() {
        assertThatThrownBy(() -> verbs("get").build())
                .hasMessageContaining("either resources or non-resource URLs");
    }
}
