package io.j8s.api.patch;

import static io.j8s.api.TestData.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.j8s.api.ResourceType;
import io.j8s.api.ResourceTypes;
import io.j8s.api.json.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class StrategicMergePatchTest {

    private static final ResourceType SERVICES = ResourceTypes.resolve("svc").orElseThrow();
    private static final ResourceType DEPLOYMENTS = ResourceTypes.resolve("deploy").orElseThrow();

    /** The Service of nginx.yaml as the server stores it after create. */
    private static ObjectNode liveService() {
        ObjectNode svc =
                obj(
                        """
                apiVersion: v1
                kind: Service
                metadata:
                  name: my-nginx-svc
                  namespace: default
                  uid: 894d7e03-69cc-491c-86e4-481fbf9a242f
                  resourceVersion: "120"
                  creationTimestamp: "2026-11-25T16:43:54Z"
                  labels: {app: nginx}
                  annotations:
                    kubectl.kubernetes.io/last-applied-configuration: OLD
                spec:
                  ports: [{port: 80, targetPort: 80}]
                  selector: {app: nginx}
                  type: ClusterIP
                  clusterIP: 10.96.0.11
                """);
        SERVICES.strategy().applyDefaults(svc);
        return svc;
    }

    /** The Deployment of nginx.yaml as the server stores it after create. */
    private static ObjectNode liveDeployment() {
        ObjectNode d =
                obj(
                        """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: my-nginx
                  namespace: default
                  generation: 1
                  labels: {app: nginx}
                  annotations:
                    kubectl.kubernetes.io/last-applied-configuration: OLD
                spec:
                  replicas: 3
                  selector: {matchLabels: {app: nginx}}
                  template:
                    metadata: {labels: {app: nginx}}
                    spec:
                      containers:
                      - name: nginx
                        image: nginx:1.14.1
                        ports: [{containerPort: 80}]
                status: {replicas: 3, readyReplicas: 3}
                """);
        DEPLOYMENTS.strategy().applyDefaults(d);
        return d;
    }

    private static ObjectNode smp(ObjectNode live, String patch, ResourceType type) {
        return PatchType.STRATEGIC.apply(live, Json.parse(patch), type);
    }

    @Test
    void kubectlBody1_serviceTargetPortChange() {
        ObjectNode live = liveService();
        ObjectNode out =
                smp(
                        live,
                        """
                {"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"LA"}},
                 "spec":{"$setElementOrder/ports":[{"port":80}],"ports":[{"port":80,"targetPort":8080}]}}""",
                        SERVICES);
        assertThat(out.at("/spec/ports"))
                .isEqualTo(Json.parse("[{\"port\":80,\"targetPort\":8080,\"protocol\":\"TCP\"}]"));
        assertThat(
                        out.at(
                                        "/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration")
                                .asString())
                .isEqualTo("LA");
        assertThat(out.at("/metadata/labels/app").asString()).isEqualTo("nginx");
        assertThat(out.at("/spec/clusterIP").asString()).isEqualTo("10.96.0.11");
        assertThat(out.toString()).doesNotContain("$setElementOrder");
        assertThat(live.at("/spec/ports/0/targetPort").asInt()).as("input untouched").isEqualTo(80);
    }

    @Test
    void kubectlBody2_deploymentReplicasAndImage() {
        ObjectNode out =
                smp(
                        liveDeployment(),
                        """
                {"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"LA"}},
                 "spec":{"replicas":4,"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"}],
                 "containers":[{"image":"nginx:1.16.1","name":"nginx"}]}}}}""",
                        DEPLOYMENTS);
        assertThat(out.at("/spec/replicas").asInt()).isEqualTo(4);
        JsonNode c = out.at("/spec/template/spec/containers");
        assertThat(c).hasSize(1);
        assertThat(c.at("/0/image").asString()).isEqualTo("nginx:1.16.1");
        assertThat(c.at("/0/ports"))
                .isEqualTo(Json.parse("[{\"containerPort\":80,\"protocol\":\"TCP\"}]"));
        assertThat(c.at("/0/imagePullPolicy").asString()).isEqualTo("IfNotPresent");
        assertThat(out.at("/spec/strategy/rollingUpdate/maxSurge").asString()).isEqualTo("25%");
        assertThat(out.at("/status/readyReplicas").asInt()).isEqualTo(3);
    }

    @Test
    void kubectlBody3_serviceLabelsRemovedAndNamedSecondPort() {
        ObjectNode out =
                smp(
                        liveService(),
                        """
                {"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"LA"},"labels":null},
                 "spec":{"$setElementOrder/ports":[{"port":80},{"port":443}],
                 "ports":[{"name":"http","port":80},{"name":"https","port":443,"targetPort":443}]}}""",
                        SERVICES);
        assertThat(out.at("/metadata/labels").isMissingNode()).isTrue();
        assertThat(out.at("/spec/ports"))
                .isEqualTo(
                        Json.parse(
                                """
                [{"port":80,"targetPort":80,"protocol":"TCP","name":"http"},{"name":"https","port":443,"targetPort":443}]"""));
        SERVICES.strategy().applyDefaults(out);
        assertThat(out.at("/spec/ports/1/protocol").asString()).isEqualTo("TCP");
        assertThat(SERVICES.strategy().validate(out, liveService())).isEmpty();
    }

    @Test
    void kubectlBody4_deploymentEnvAddedContainerPortsRemoved() {
        ObjectNode out =
                smp(
                        liveDeployment(),
                        """
                {"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"LA"}},
                 "spec":{"replicas":2,"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"}],
                 "containers":[{"env":[{"name":"FOO","value":"bar"}],"name":"nginx","ports":null}]}}}}""",
                        DEPLOYMENTS);
        assertThat(out.at("/spec/replicas").asInt()).isEqualTo(2);
        JsonNode c = out.at("/spec/template/spec/containers/0");
        assertThat(c.has("ports")).isFalse();
        assertThat(c.get("env")).isEqualTo(Json.parse("[{\"name\":\"FOO\",\"value\":\"bar\"}]"));
        assertThat(c.get("image").asString()).isEqualTo("nginx:1.14.1");
        assertThat(DEPLOYMENTS.strategy().validate(out, liveDeployment())).isEmpty();
    }

    @Test
    void patchDeleteAndReplaceDirectivesInLists() {
        ObjectNode live = liveService();
        ObjectNode twoPorts =
                smp(live, "{\"spec\":{\"ports\":[{\"name\":\"https\",\"port\":443}]}}", SERVICES);
        assertThat(twoPorts.at("/spec/ports")).hasSize(2);
        assertThat(twoPorts.at("/spec/ports/0/port").asInt())
                .as("patch items first when not ordered")
                .isEqualTo(443);

        ObjectNode deleted =
                smp(
                        twoPorts,
                        "{\"spec\":{\"ports\":[{\"$patch\":\"delete\",\"port\":80}]}}",
                        SERVICES);
        assertThat(deleted.at("/spec/ports"))
                .isEqualTo(Json.parse("[{\"name\":\"https\",\"port\":443}]"));

        ObjectNode replaced =
                smp(
                        twoPorts,
                        "{\"spec\":{\"ports\":[{\"port\":8080},{\"$patch\":\"replace\"}]}}",
                        SERVICES);
        assertThat(replaced.at("/spec/ports")).isEqualTo(Json.parse("[{\"port\":8080}]"));

        assertThatThrownBy(() -> smp(live, "{\"spec\":{\"ports\":[{\"name\":\"x\"}]}}", SERVICES))
                .isInstanceOf(PatchException.class)
                .hasMessage("map: map[name:x] does not contain declared merge key: port")
                .extracting(e -> ((PatchException) e).status())
                .isEqualTo(422);
    }

    @Test
    void patchDirectivesInMaps() {
        ObjectNode replaced =
                smp(
                        liveService(),
                        "{\"spec\":{\"selector\":{\"$patch\":\"replace\",\"tier\":\"web\"}}}",
                        SERVICES);
        assertThat(replaced.at("/spec/selector")).isEqualTo(Json.parse("{\"tier\":\"web\"}"));
        ObjectNode deleted =
                smp(liveService(), "{\"spec\":{\"selector\":{\"$patch\":\"delete\"}}}", SERVICES);
        assertThat(deleted.at("/spec/selector")).isEqualTo(Json.parse("{}"));
        ObjectNode absent =
                smp(
                        liveService(),
                        "{\"spec\":{\"externalIPs\":null,\"extra\":{\"$patch\":\"delete\"}}}",
                        SERVICES);
        assertThat(absent.at("/spec").has("extra"))
                .as("a new map with a directive is dropped, as removeDirectives does")
                .isFalse();
        assertThatThrownBy(() -> smp(liveService(), "{\"spec\":{\"$patch\":\"foo\"}}", SERVICES))
                .hasMessageStartingWith("unknown patch type: foo in map: map[")
                .extracting(e -> ((PatchException) e).status())
                .isEqualTo(400);
    }

    @Test
    void retainKeys_dropsOtherKeys() {
        ObjectNode out =
                smp(
                        liveDeployment(),
                        "{\"spec\":{\"strategy\":{\"$retainKeys\":[\"type\"],\"type\":\"Recreate\"}}}",
                        DEPLOYMENTS);
        assertThat(out.at("/spec/strategy")).isEqualTo(Json.parse("{\"type\":\"Recreate\"}"));
        assertThatThrownBy(
                        () ->
                                smp(
                                        liveDeployment(),
                                        "{\"spec\":{\"strategy\":{\"$retainKeys\":[\"type\"],\"rollingUpdate\":{}}}}",
                                        DEPLOYMENTS))
                .isInstanceOf(PatchException.class);
    }

    @Test
    void primitiveMergeListsAndDeleteFromPrimitiveList() {
        ObjectNode live = liveService();
        live.withObjectProperty("metadata").putArray("finalizers").add("a").add("b");
        ObjectNode merged = smp(live, "{\"metadata\":{\"finalizers\":[\"c\",\"a\"]}}", SERVICES);
        assertThat(merged.at("/metadata/finalizers")).isEqualTo(Json.parse("[\"c\",\"a\",\"b\"]"));
        ObjectNode removed =
                smp(
                        live,
                        "{\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":[\"a\"]}}",
                        SERVICES);
        assertThat(removed.at("/metadata/finalizers")).isEqualTo(Json.parse("[\"b\"]"));
        ObjectNode ordered =
                smp(
                        live,
                        "{\"metadata\":{\"$setElementOrder/finalizers\":[\"b\",\"a\"]}}",
                        SERVICES);
        assertThat(ordered.at("/metadata/finalizers")).isEqualTo(Json.parse("[\"b\",\"a\"]"));
    }

    @Test
    void listsWithoutStrategyAreReplaced_andNewValuesLoseNulls() {
        ObjectNode pod =
                obj(
                        """
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: default}
                spec:
                  containers: [{name: a, image: x}]
                  tolerations: [{key: k1, operator: Exists}]
                """);
        ResourceType pods = ResourceTypes.resolve("po").orElseThrow();
        ObjectNode out =
                PatchType.STRATEGIC.apply(
                        pod,
                        Json.parse(
                                """
                {"spec":{"tolerations":[{"key":"k2","operator":"Exists"}],
                 "containers":[{"name":"b","image":"y","ports":null}],
                 "nodeSelector":{"disk":"ssd","gone":null}}}"""),
                        pods);
        assertThat(out.at("/spec/tolerations"))
                .isEqualTo(Json.parse("[{\"key\":\"k2\",\"operator\":\"Exists\"}]"));
        assertThat(out.at("/spec/containers"))
                .isEqualTo(
                        Json.parse(
                                "[{\"name\":\"b\",\"image\":\"y\"},{\"name\":\"a\",\"image\":\"x\"}]"));
        assertThat(out.at("/spec/nodeSelector")).isEqualTo(Json.parse("{\"disk\":\"ssd\"}"));
    }

    @Test
    void setElementOrder_reordersAndKeepsServerOnlyItems() {
        ObjectNode pod =
                obj(
                        """
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  containers: [{name: a, image: x}, {name: b, image: y}, {name: c, image: z}]
                """);
        ObjectNode out =
                PatchType.STRATEGIC.apply(
                        pod,
                        Json.parse(
                                """
                {"spec":{"$setElementOrder/containers":[{"name":"c"},{"name":"a"}],"containers":[{"name":"c","image":"z2"}]}}"""),
                        ResourceTypes.resolve("po").orElseThrow());
        // Ordered items follow $setElementOrder (c before a); the server-only b keeps its live
        // place relative to them (before c), as apimachinery's mergeSortedSlice does.
        assertThat(out.at("/spec/containers"))
                .extracting(n -> n.get("name").asString())
                .containsExactly("b", "c", "a");
        assertThat(out.at("/spec/containers/1/image").asString()).isEqualTo("z2");
    }

    @Test
    void notAnObject_isBadRequest() {
        assertThatThrownBy(() -> smp(liveService(), "[]", SERVICES))
                .isInstanceOf(PatchException.class)
                .extracting(e -> ((PatchException) e).status())
                .isEqualTo(400);
    }

    /**
     * Long lists merge by key in time linear in their length: 20,000 env entries patched with
     * 20,000 more (half of them the same names), an element order and 5,000 deletions.
     */
    @Test
    void longListsMergeInLinearTime() {
        ObjectNode live =
                obj(
                        "metadata: {name: d}\nspec: {template: {spec: {containers: [{name: c, image: x}]}}}");
        var env = ((ObjectNode) live.at("/spec/template/spec/containers/0")).putArray("env");
        for (int i = 0; i < 20_000; i++) {
            env.addObject().put("name", "E" + i).put("value", "live");
        }
        StringBuilder patch =
                new StringBuilder(
                        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\",\"env\":[");
        StringBuilder order = new StringBuilder();
        for (int i = 10_000; i < 30_000; i++) {
            patch.append(i == 10_000 ? "" : ",")
                    .append("{\"name\":\"E")
                    .append(i)
                    .append("\",\"value\":\"patched\"}");
            order.append(i == 10_000 ? "" : ",").append("{\"name\":\"E").append(i).append("\"}");
        }
        for (int i = 0; i < 5_000; i++) {
            patch.append(",{\"name\":\"E").append(i).append("\",\"$patch\":\"delete\"}");
        }
        patch.append("],\"$setElementOrder/env\":[").append(order).append("]}]}}}}");
        long start = System.nanoTime();
        ObjectNode result = smp(live, patch.toString(), DEPLOYMENTS);
        long ms = (System.nanoTime() - start) / 1_000_000;
        JsonNode merged = result.at("/spec/template/spec/containers/0/env");
        assertThat(merged.size()).isEqualTo(25_000);
        assertThat(merged.get(0).path("name").asString()).isEqualTo("E5000");
        assertThat(merged.get(24_999).path("name").asString()).isEqualTo("E29999");
        assertThat(merged.get(24_999).path("value").asString()).isEqualTo("patched");
        // About 150 ms on an idle machine; the former list scans took minutes for this patch.
        assertThat(ms).as("ms").isLessThan(15_000);
    }

    @Test
    void canonicalValuesAreEqualExactlyWhenTheJsonIs() {
        assertThat(StrategicMergePatch.canonical(Json.parse("1")))
                .isEqualTo(StrategicMergePatch.canonical(Json.parse("1.0")));
        assertThat(StrategicMergePatch.canonical(Json.parse("{\"a\":1,\"b\":[\"x\"]}")))
                .isEqualTo(StrategicMergePatch.canonical(Json.parse("{\"b\":[\"x\"],\"a\":1.00}")));
        assertThat(StrategicMergePatch.canonical(Json.parse("\"1\"")))
                .isNotEqualTo(StrategicMergePatch.canonical(Json.parse("1")));
        assertThat(StrategicMergePatch.canonical(Json.parse("[1,2]")))
                .isNotEqualTo(StrategicMergePatch.canonical(Json.parse("[2,1]")));
    }
}
