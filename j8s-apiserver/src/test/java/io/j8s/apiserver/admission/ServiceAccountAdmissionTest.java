package io.j8s.apiserver.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.j8s.api.ResourceType;
import io.j8s.api.ResourceTypes;
import io.j8s.api.json.Json;
import io.j8s.apiserver.errors.ApiException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class ServiceAccountAdmissionTest {
    private static final ResourceType PODS =
            ResourceTypes.byResource("", "v1", "pods").orElseThrow();
    private static final ResourceType CONFIGMAPS =
            ResourceTypes.byResource("", "v1", "configmaps").orElseThrow();

    private final Map<String, JsonNode> accounts =
            new HashMap<>(
                    Map.of(
                            "team/default",
                                    Json.readYamlObject(
                                            "metadata: {name: default, namespace: team}"),
                            "team/robot",
                                    Json.readYamlObject(
                                            "metadata: {name: robot, namespace: team}")));
    private final ServiceAccountAdmission admission =
            new ServiceAccountAdmission(
                    (ns, name) -> Optional.ofNullable(accounts.get(ns + "/" + name)));

    private static ObjectNode pod(String spec) {
        ObjectNode pod = Json.readYamlObject("metadata: {name: p, namespace: team}\nspec: {}");
        pod.set("spec", Json.readYamlObject(spec));
        return pod;
    }

    @Test
    void defaultsTheServiceAccountAndMountsTheTokenVolumeExactlyAsKubernetes() {
        ObjectNode pod = pod("containers: [{name: c, image: x}]");
        assertThat(admission.admitCreate(PODS, pod)).isEmpty();
        JsonNode spec = pod.get("spec");
        assertThat(Json.str(spec, "serviceAccountName")).isEqualTo("default");
        assertThat(Json.str(spec, "serviceAccount")).isEqualTo("default");
        List<JsonNode> volumes = Json.elements(spec, "volumes");
        assertThat(volumes).hasSize(1);
        String name = Json.str(volumes.get(0), "name");
        assertThat(name).matches("kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}");
        // the volume as a Kubernetes API server writes it (kubectl get pod -o json)
        assertThat(volumes.get(0))
                .isEqualTo(
                        Json.parse(
                                """
                {"name": "%s", "projected": {"sources": [
                  {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                  {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                  {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                                              "path": "namespace"}]}}],
                  "defaultMode": 420}}"""
                                        .formatted(name)));
        assertThat(Json.elements(spec, "containers").get(0).get("volumeMounts"))
                .isEqualTo(
                        Json.parse(
                                """
                [{"name": "%s", "readOnly": true, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}]"""
                                        .formatted(name)));
    }

    @Test
    void mountsInEveryContainerAndInitContainerThatDoesNotMountThePathAlready() {
        ObjectNode pod =
                pod(
                        """
                initContainers: [{name: i, image: x}]
                containers:
                - {name: a, image: x, volumeMounts: [{name: v, mountPath: /data}]}
                - {name: b, image: x, volumeMounts: [{name: mine, mountPath: /var/run/secrets/kubernetes.io/serviceaccount}]}
                volumes: [{name: v, emptyDir: {}}, {name: mine, emptyDir: {}}]
                """);
        admission.admitCreate(PODS, pod);
        JsonNode spec = pod.get("spec");
        String name = Json.str(Json.elements(spec, "volumes").get(2), "name");
        assertThat(name).startsWith("kube-api-access-");
        assertThat(Json.elements(spec, "initContainers").get(0).get("volumeMounts")).hasSize(1);
        assertThat(Json.elements(Json.elements(spec, "containers").get(0), "volumeMounts"))
                .extracting(m -> Json.str(m, "name"))
                .containsExactly("v", name);
        assertThat(Json.elements(Json.elements(spec, "containers").get(1), "volumeMounts"))
                .extracting(m -> Json.str(m, "name"))
                .containsExactly("mine");
        // admitting again (a retried create) changes nothing
        ObjectNode again = pod.deepCopy();
        admission.admitCreate(PODS, again);
        assertThat(again).isEqualTo(pod);
    }

    @Test
    void noVolumeWhenEveryContainerMountsThePathItself() {
        ObjectNode pod =
                pod(
                        """
                containers: [{name: a, image: x, volumeMounts: [{name: m, mountPath: /var/run/secrets/kubernetes.io/serviceaccount}]}]
                volumes: [{name: m, emptyDir: {}}]
                """);
        admission.admitCreate(PODS, pod);
        assertThat(Json.elements(pod, "spec.volumes")).hasSize(1);
    }

    @Test
    void automountFalseOnThePodOrOnTheServiceAccountLeavesThePodAlone() {
        ObjectNode podOff =
                pod("{automountServiceAccountToken: false, containers: [{name: c, image: x}]}");
        admission.admitCreate(PODS, podOff);
        assertThat(Json.elements(podOff, "spec.volumes")).isEmpty();
        assertThat(Json.text(podOff, "spec.serviceAccountName")).isEqualTo("default");

        accounts.put(
                "team/quiet",
                Json.readYamlObject(
                        "{metadata: {name: quiet}, automountServiceAccountToken: false}"));
        ObjectNode saOff = pod("{serviceAccountName: quiet, containers: [{name: c, image: x}]}");
        admission.admitCreate(PODS, saOff);
        assertThat(Json.elements(saOff, "spec.volumes")).isEmpty();

        // the Pod's choice wins over the ServiceAccount's
        ObjectNode podOn =
                pod(
                        "{serviceAccountName: quiet, automountServiceAccountToken: true,"
                                + " containers: [{name: c, image: x}]}");
        admission.admitCreate(PODS, podOn);
        assertThat(Json.elements(podOn, "spec.volumes")).hasSize(1);
    }

    @Test
    void aMissingServiceAccountIsForbiddenAsKubernetesWordsIt() {
        ObjectNode pod = pod("{serviceAccountName: ghost, containers: [{name: c, image: x}]}");
        assertThatThrownBy(() -> admission.admitCreate(PODS, pod))
                .isInstanceOfSatisfying(
                        ApiException.class,
                        e -> {
                            assertThat(e.code()).isEqualTo(403);
                            assertThat(e.reason()).isEqualTo("Forbidden");
                            assertThat(e.getMessage())
                                    .isEqualTo(
                                            "pods \"p\" is forbidden: error looking up service account"
                                                    + " team/ghost: serviceaccount \"ghost\" not found");
                        });
        // a generated name is named by its generateName, as admission runs before generation in
        // Kubernetes
        ObjectNode generated = pod("{serviceAccount: ghost, containers: [{name: c, image: x}]}");
        ((ObjectNode) generated.get("metadata"))
                .put("generateName", "web-")
                .put("name", "web-x7k2p");
        assertThatThrownBy(() -> admission.admitCreate(PODS, generated))
                .hasMessage(
                        "pods \"web-\" is forbidden: error looking up service account team/ghost:"
                                + " serviceaccount \"ghost\" not found");
    }

    @Test
    void theDefaultServiceAccountNotCreatedYetIsAccepted() {
        ObjectNode pod = pod("containers: [{name: c, image: x}]");
        ((ObjectNode) pod.get("metadata")).put("namespace", "fresh");
        admission.admitCreate(PODS, pod);
        assertThat(Json.text(pod, "spec.serviceAccountName")).isEqualTo("default");
        assertThat(Json.elements(pod, "spec.volumes")).hasSize(1);
    }

    @Test
    void theDeprecatedFieldNamesTheAccountWhenTheNewOneIsUnset() {
        ObjectNode pod = pod("{serviceAccount: robot, containers: [{name: c, image: x}]}");
        admission.admitCreate(PODS, pod);
        assertThat(Json.text(pod, "spec.serviceAccountName")).isEqualTo("robot");
        assertThat(Json.text(pod, "spec.serviceAccount")).isEqualTo("robot");
    }

    @Test
    void imagePullSecretsComeFromTheServiceAccountWhenThePodHasNone() {
        accounts.put(
                "team/puller",
                Json.readYamlObject("{metadata: {name: puller}, imagePullSecrets: [{name: reg}]}"));
        ObjectNode pod = pod("{serviceAccountName: puller, containers: [{name: c, image: x}]}");
        admission.admitCreate(PODS, pod);
        assertThat(pod.get("spec").get("imagePullSecrets"))
                .isEqualTo(Json.parse("[{\"name\":\"reg\"}]"));
    }

    @Test
    void mirrorPodsAreNotChangedAndMayNotUseServiceAccounts() {
        ObjectNode mirror = pod("containers: [{name: c, image: x}]");
        ((ObjectNode) mirror.get("metadata"))
                .putObject("annotations")
                .put("kubernetes.io/config.mirror", "abc");
        ObjectNode before = mirror.deepCopy();
        admission.admitCreate(PODS, mirror);
        assertThat(mirror).isEqualTo(before);
        ((ObjectNode) mirror.get("spec")).put("serviceAccountName", "robot");
        assertThatThrownBy(() -> admission.admitCreate(PODS, mirror))
                .hasMessage(
                        "pods \"p\" is forbidden: a mirror pod may not reference service accounts");
    }

    @Test
    void otherKindsAndUpdatesPassUnchanged() {
        ObjectNode cm = Json.readYamlObject("metadata: {name: c, namespace: team}");
        admission.admitCreate(CONFIGMAPS, cm);
        assertThat(cm).isEqualTo(Json.readYamlObject("metadata: {name: c, namespace: team}"));
        ObjectNode pod = pod("{serviceAccountName: ghost, containers: [{name: c, image: x}]}");
        assertThat(admission.admitUpdate(PODS, pod, pod.deepCopy())).isEmpty();
        assertThat(Json.elements(pod, "spec.volumes")).isEmpty();
        // an update leaving the deprecated alias out keeps it, as the v1 conversion does
        assertThat(Json.text(pod, "spec.serviceAccount")).isEqualTo("ghost");
    }
}
