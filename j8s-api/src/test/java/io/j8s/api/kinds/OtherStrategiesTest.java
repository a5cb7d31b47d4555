package io.j8s.api.kinds;

import static io.j8s.api.TestData.obj;
import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.api.KindStrategy;
import io.j8s.api.ResourceTypes;
import io.j8s.api.validation.FieldError;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class OtherStrategiesTest {

    private static final Instant NOW = Instant.parse("2026-11-25T17:00:00Z");

    private static KindStrategy s(String resource) {
        return ResourceTypes.resolve(resource).orElseThrow().strategy();
    }

    @Test
    void namespace() {
        ObjectNode ns = obj("metadata: {name: dev, creationTimestamp: '2026-11-25T16:00:00Z'}");
        s("ns").applyDefaults(ns);
        assertThat(ns.at("/spec/finalizers").isMissingNode())
                .as("added on create by the API server, not defaulted")
                .isTrue();
        assertThat(ns.at("/status/phase").asString()).isEqualTo("Active");
        assertThat(s("ns").validate(ns, null)).isEmpty();
        assertThat(s("ns").tableCells(ns, NOW)).containsExactly("dev", "Active", "60m");
        assertThat(s("ns").selectableFields(ns)).containsOnlyKeys("metadata.name", "status.phase");
        ObjectNode bad = obj("metadata: {name: Dev.x, namespace: x}");
        assertThat(s("ns").validate(bad, null))
                .extracting(FieldError::field)
                .containsExactly("metadata.name", "metadata.namespace");
    }

    @Test
    void node() {
        ObjectNode node =
                obj(
                        """
                metadata: {name: node-1, creationTimestamp: '2026-11-20T17:00:00Z', labels: {node-role.kubernetes.io/control-plane: ''}}
                spec: {unschedulable: true, podCIDRs: [127.244.1.0/24]}
                status:
                  conditions: [{type: Ready, status: 'True'}]
                  addresses: [{type: InternalIP, address: 127.0.0.1}, {type: Hostname, address: node-1}]
                  nodeInfo: {kubeletVersion: v1.32.4, osImage: Debian, kernelVersion: 6.1.0, containerRuntimeVersion: j8s://0.1}
                """);
        assertThat(s("no").validate(node, null)).isEmpty();
        assertThat(s("no").tableCells(node, NOW))
                .containsExactly(
                        "node-1",
                        "Ready,SchedulingDisabled",
                        "control-plane",
                        "5d",
                        "v1.32.4",
                        "127.0.0.1",
                        "<none>",
                        "Debian",
                        "6.1.0",
                        "j8s://0.1");
        assertThat(s("no").selectableFields(node))
                .containsEntry("spec.unschedulable", "true")
                .doesNotContainKey("metadata.namespace");
        ObjectNode bare = obj("metadata: {name: n2}");
        assertThat(s("no").tableCells(bare, NOW))
                .containsExactly(
                        "n2",
                        "Unknown",
                        "<none>",
                        "<unknown>",
                        "",
                        "<none>",
                        "<none>",
                        "<unknown>",
                        "<unknown>",
                        "<unknown>");
    }

    @Test
    void coreEvent() {
        ObjectNode ev =
                obj(
                        """
                apiVersion: v1
                kind: Event
                metadata: {name: p.17a, namespace: default}
                involvedObject: {kind: Pod, namespace: default, name: p, uid: u1, apiVersion: v1, fieldPath: "spec.containers{nginx}"}
                reason: Pulled
                message: "Container image \\"nginx:1.14.1\\" already present on machine "
                source: {component: kubelet, host: node-1}
                firstTimestamp: '2026-11-25T16:58:00Z'
                lastTimestamp: '2026-11-25T16:59:00Z'
                count: 2
                type: Normal
                reportingComponent: kubelet
                """);
        assertThat(s("ev").validate(ev, null)).isEmpty();
        assertThat(s("ev").tableCells(ev, NOW))
                .containsExactly(
                        "60s",
                        "Normal",
                        "Pulled",
                        "pod/p",
                        "spec.containers{nginx}",
                        "kubelet, node-1",
                        "Container image \"nginx:1.14.1\" already present on machine",
                        "2m",
                        2L,
                        "p.17a");
        assertThat(s("ev").selectableFields(ev))
                .containsEntry("involvedObject.kind", "Pod")
                .containsEntry("involvedObject.uid", "u1")
                .containsEntry("source", "kubelet")
                .containsEntry("type", "Normal")
                .containsEntry("reason", "Pulled");
        assertThat(s("ev").checkFieldLabel("involvedObject.fieldPath")).isNull();
        assertThat(s("ev").checkFieldLabel("message"))
                .isEqualTo("field label not supported: message");
        ObjectNode wrongNs = ev.deepCopy();
        ((ObjectNode) wrongNs.get("involvedObject")).put("namespace", "other");
        assertThat(s("ev").validate(wrongNs, null))
                .extracting(FieldError::toString)
                .containsExactly(
                        "involvedObject.namespace: Invalid value: \"other\": does not match event.namespace");
    }

    @Test
    void eventsV1Event() {
        KindStrategy s = ResourceTypes.byKind("events.k8s.io/v1", "Event").orElseThrow().strategy();
        ObjectNode ev =
                obj(
                        """
                metadata: {name: e1, namespace: default}
                eventTime: '2026-11-25T16:59:00.000000Z'
                regarding: {kind: Deployment, name: d, namespace: default}
                reason: ScalingReplicaSet
                note: Scaled up
                action: Scale
                type: Normal
                reportingController: deployment-controller
                reportingInstance: j8s
                """);
        assertThat(s.validate(ev, null)).isEmpty();
        assertThat(s.tableCells(ev, NOW))
                .containsExactly(
                        "60s",
                        "Normal",
                        "ScalingReplicaSet",
                        "deployment/d",
                        "",
                        "deployment-controller, j8s",
                        "Scaled up",
                        "60s",
                        1L,
                        "e1");
        ObjectNode core = EventStrategy.toCoreV1(ev);
        assertThat(core.at("/involvedObject/kind").asString()).isEqualTo("Deployment");
        assertThat(core.get("message").asString()).isEqualTo("Scaled up");
        assertThat(core.get("reportingComponent").asString()).isEqualTo("deployment-controller");
        assertThat(core.get("apiVersion").asString()).isEqualTo("v1");
        assertThat(s("ev").validate(core, null)).isEmpty();
        ObjectNode back = EventStrategy.toEventsV1(core);
        assertThat(back.get("note")).isEqualTo(ev.get("note"));
        assertThat(back.has("message")).isFalse();
    }

    @Test
    void configMapsSecretsServiceAccountsLeases() {
        ObjectNode cm =
                obj(
                        "metadata: {name: c, namespace: default}\ndata: {a: '1', b: '2'}\nbinaryData: {c: AA==}");
        assertThat(s("cm").validate(cm, null)).isEmpty();
        assertThat(s("cm").tableCells(cm, NOW)).containsExactly("c", 3L, "<unknown>");
        ObjectNode badKey = obj("metadata: {name: c, namespace: default}\ndata: {'a b': '1'}");
        assertThat(s("cm").validate(badKey, null))
                .extracting(FieldError::toString)
                .containsExactly(
                        "data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");

        ObjectNode secret = obj("metadata: {name: s, namespace: default}\ndata: {k: dg==}");
        s("secrets").applyDefaults(secret);
        assertThat(secret.get("type").asString()).isEqualTo("Opaque");
        assertThat(s("secrets").tableCells(secret, NOW))
                .containsExactly("s", "Opaque", 1L, "<unknown>");
        assertThat(s("secrets").selectableFields(secret)).containsEntry("type", "Opaque");
        // stringData is merged into data (replacing its keys) and not kept, as Kubernetes converts
        // it.
        ObjectNode withStrings =
                obj(
                        "metadata: {name: s, namespace: default}\ndata: {k: dg==, p: eA==}\n"
                                + "stringData: {p: s3cret, q: ''}");
        s("secrets").applyDefaults(withStrings);
        assertThat(withStrings.has("stringData")).isFalse();
        assertThat(withStrings.get("data").toString())
                .isEqualTo("{\"k\":\"dg==\",\"p\":\"czNjcmV0\",\"q\":\"\"}");
        ObjectNode retyped = secret.deepCopy().put("type", "kubernetes.io/tls");
        assertThat(s("secrets").validate(retyped, secret))
                .extracting(FieldError::toString)
                .contains("type: Invalid value: \"kubernetes.io/tls\": field is immutable");

        ObjectNode sa = obj("metadata: {name: default, namespace: default}\nsecrets: [{name: t}]");
        assertThat(s("sa").tableCells(sa, NOW)).containsExactly("default", 1L, "<unknown>");

        ObjectNode lease =
                obj(
                        "metadata: {name: node-1, namespace: kube-node-lease}\nspec: {holderIdentity: node-1, leaseDurationSeconds: 0}");
        assertThat(s("leases").validate(lease, null))
                .extracting(FieldError::toString)
                .containsExactly(
                        "spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0");
        assertThat(s("leases").tableCells(lease, NOW))
                .containsExactly("node-1", "node-1", "<unknown>");
    }

    /**
     * ValidateConfigMap and ValidateSecret: at most 1 MiB of data, counted after base64 decoding.
     */
    @Test
    void configMapAndSecretDataAtMostOneMebibyte() {
        ObjectNode cm = obj("metadata: {name: c, namespace: default}");
        cm.putObject("data").put("a", "x".repeat(512 * 1024)).put("b", "y".repeat(512 * 1024));
        assertThat(s("cm").validate(cm, null)).isEmpty();
        ((ObjectNode) cm.get("data")).put("b", "y".repeat(512 * 1024) + "\u00e9");
        assertThat(s("cm").validate(cm, null))
                .extracting(FieldError::toString)
                .containsExactly("[]: Too long: may not be more than 1048576 bytes");
        ObjectNode binary = obj("metadata: {name: c, namespace: default}\ndata: {a: x}");
        binary.putObject("binaryData")
                .put("b", java.util.Base64.getEncoder().encodeToString(new byte[1024 * 1024]));
        assertThat(s("cm").validate(binary, null))
                .extracting(FieldError::toString)
                .containsExactly("[]: Too long: may not be more than 1048576 bytes");

        ObjectNode secret = obj("metadata: {name: s, namespace: default}\ntype: Opaque");
        secret.putObject("data")
                .put("k", java.util.Base64.getEncoder().encodeToString(new byte[1024 * 1024]));
        assertThat(s("secrets").validate(secret, null)).isEmpty();
        secret.putObject("stringData").put("other", "z");
        assertThat(s("secrets").validate(secret, null))
                .extracting(FieldError::toString)
                .containsExactly("data: Too long: may not be more than 1048576 bytes");
        ((ObjectNode) secret.get("stringData")).removeAll().put("k", "replaces the data value");
        assertThat(s("secrets").validate(secret, null)).isEmpty();
    }

    @Test
    void rbac() {
        ObjectNode role =
                obj(
                        """
                metadata: {name: "system:reader", namespace: default, creationTimestamp: '2026-11-25T16:00:00Z'}
                rules: [{apiGroups: [''], resources: [pods], verbs: [get]}, {resources: [x]}]
                """);
        KindStrategy roles = s("roles");
        assertThat(roles.validate(role, null))
                .extracting(FieldError::toString)
                .containsExactly(
                        "rules[1].verbs: Required value: verbs must contain at least one value",
                        "rules[1].apiGroups: Required value: resource rules must supply at least one api group");
        assertThat(roles.tableColumns())
                .extracting(c -> c.name() + ":" + c.type())
                .containsExactly("Name:string", "Created At:date");
        assertThat(roles.tableCells(role, NOW))
                .containsExactly("system:reader", "2026-11-25T16:00:00Z");

        ObjectNode binding =
                obj(
                        """
                metadata: {name: b, creationTimestamp: '2026-11-25T16:00:00Z'}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
                subjects:
                - {kind: ServiceAccount, name: default, namespace: kube-system}
                - {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}
                - {kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}
                """);
        KindStrategy crb = s("clusterrolebindings");
        assertThat(crb.validate(binding, null))
                .extracting(FieldError::toString)
                .containsExactly(
                        "roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\"");
        assertThat(crb.tableCells(binding, NOW))
                .containsExactly("b", "Role/r", "60m", "alice", "devs", "kube-system/default");
        ObjectNode changed = binding.deepCopy();
        ((ObjectNode) changed.get("roleRef")).put("name", "other");
        assertThat(crb.validate(changed, binding))
                .extracting(FieldError::message)
                .contains(
                        "Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"Role\", Name:\"other\"}: cannot change roleRef");
        ObjectNode nsBinding = binding.deepCopy();
        ((ObjectNode) nsBinding.get("metadata")).put("namespace", "default");
        assertThat(s("rolebindings").validate(nsBinding, null)).isEmpty();
    }

    @Test
    void metadata_generateNameAndLabels() {
        ObjectNode pod =
                obj(
                        """
                metadata: {generateName: my-nginx-, namespace: default, labels: {app: nginx}, annotations: {'a/b/c': x}}
                spec: {containers: [{name: a, image: x}]}
                """);
        s("po").applyDefaults(pod);
        assertThat(s("po").validate(pod, null))
                .extracting(FieldError::toString)
                .containsExactly(
                        "metadata.name: Required value: name or generateName is required",
                        "metadata.annotations: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
        ObjectNode renamed =
                obj(
                        "metadata: {name: x, namespace: default}\nspec: {containers: [{name: a, image: x}]}");
        s("po").applyDefaults(renamed);
        ObjectNode other = renamed.deepCopy();
        ((ObjectNode) other.get("metadata")).put("name", "y");
        assertThat(s("po").validate(other, renamed))
                .extracting(FieldError::toString)
                .containsExactly("metadata.name: Invalid value: \"y\": field is immutable");
    }
}
