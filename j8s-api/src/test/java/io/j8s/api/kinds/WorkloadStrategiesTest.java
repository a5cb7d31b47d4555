package io.j8s.api.kinds;

import static io.j8s.api.TestData.obj;
import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.api.TestData;
import io.j8s.api.json.Json;
import io.j8s.api.validation.FieldError;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class WorkloadStrategiesTest {

    private final DeploymentStrategy deployments = new DeploymentStrategy();
    private final ReplicaSetStrategy replicaSets = new ReplicaSetStrategy();

    private static ObjectNode seedDeployment() {
        return (ObjectNode) TestData.yaml("seed/nginx-deploy.yaml").get(1);
    }

    @Test
    void applyDefaults_seedDeployment() {
        ObjectNode d = seedDeployment();
        deployments.applyDefaults(d);
        assertThat(d.get("spec"))
                .isEqualTo(
                        Json.parse(
                                """
                {"replicas":3,"selector":{"matchLabels":{"app":"nginx"}},
                 "template":{"metadata":{"name":"pod-nginx","labels":{"app":"nginx"}},
                  "spec":{"containers":[{"name":"container-nginx","image":"nginx:1.14.1",
                     "terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File",
                     "imagePullPolicy":"IfNotPresent","resources":{}}],
                   "restartPolicy":"Always","dnsPolicy":"ClusterFirst","securityContext":{},
                   "terminationGracePeriodSeconds":30,"schedulerName":"default-scheduler"}},
                 "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}},
                 "revisionHistoryLimit":10,"progressDeadlineSeconds":600}"""));
        assertThat(d.at("/spec/template/spec/enableServiceLinks").isMissingNode())
                .as("only Pods get enableServiceLinks")
                .isTrue();
        assertThat(deployments.validate(d, null)).isEmpty();
    }

    @Test
    void validate_selectorRequiredNonEmptyAndMatching() {
        ObjectNode noSelector = seedDeployment();
        ((ObjectNode) noSelector.get("spec")).remove("selector");
        deployments.applyDefaults(noSelector);
        assertThat(deployments.validate(noSelector, null))
                .extracting(FieldError::toString)
                .containsExactly(
                        "spec.selector: Required value",
                        "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"nginx\"}: `selector` does not match template `labels`");

        ObjectNode empty = seedDeployment();
        ((ObjectNode) empty.get("spec")).putObject("selector");
        deployments.applyDefaults(empty);
        assertThat(deployments.validate(empty, null))
                .extracting(FieldError::toString)
                .containsExactly(
                        "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment");

        ObjectNode mismatch = seedDeployment();
        ((ObjectNode) mismatch.at("/spec/selector/matchLabels")).put("app", "web");
        ((ObjectNode) mismatch.get("spec")).put("replicas", -1);
        deployments.applyDefaults(mismatch);
        assertThat(deployments.validate(mismatch, null))
                .extracting(FieldError::toString)
                .containsExactly(
                        "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
                        "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"nginx\"}: `selector` does not match template `labels`");
    }

    @Test
    void validate_selectorImmutableAndTemplateRestartPolicy() {
        ObjectNode old = seedDeployment();
        deployments.applyDefaults(old);
        ObjectNode changed = old.deepCopy();
        ((ObjectNode) changed.at("/spec/selector/matchLabels")).put("tier", "web");
        ((ObjectNode) changed.at("/spec/template/metadata/labels")).put("tier", "web");
        assertThat(deployments.validate(changed, old))
                .extracting(FieldError::toString)
                .containsExactly(
                        "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"nginx\", \"tier\":\"web\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable");

        ObjectNode never = seedDeployment();
        ((ObjectNode) never.at("/spec/template/spec")).put("restartPolicy", "Never");
        deployments.applyDefaults(never);
        assertThat(deployments.validate(never, null))
                .extracting(FieldError::toString)
                .containsExactly(
                        "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"");
    }

    @Test
    void replicaSet_defaultsValidationTable() {
        ObjectNode rs =
                obj(
                        """
                apiVersion: apps/v1
                kind: ReplicaSet
                metadata: {name: my-nginx-2hx6f74kb9, namespace: default, creationTimestamp: "2026-11-25T16:43:54Z"}
                spec:
                  selector: {matchLabels: {app: nginx, pod-template-hash: 2hx6f74kb9}}
                  template:
                    metadata: {labels: {app: nginx, pod-template-hash: 2hx6f74kb9}}
                    spec: {containers: [{name: nginx, image: "nginx:1.14.1"}, {name: side, image: busybox}]}
                status: {replicas: 3, readyReplicas: 2}
                """);
        replicaSets.applyDefaults(rs);
        assertThat(rs.at("/spec/replicas").asInt()).isEqualTo(1);
        assertThat(replicaSets.validate(rs, null)).isEmpty();
        assertThat(replicaSets.tableCells(rs, Instant.parse("2026-11-25T16:48:54Z")))
                .containsExactly(
                        "my-nginx-2hx6f74kb9",
                        1L,
                        3L,
                        2L,
                        "5m",
                        "nginx,side",
                        "nginx:1.14.1,busybox",
                        "app=nginx,pod-template-hash=2hx6f74kb9");
        assertThat(replicaSets.selectableFields(rs)).containsEntry("status.replicas", "3");
        assertThat(replicaSets.checkFieldLabel("spec.replicas"))
                .isEqualTo("field label not supported: spec.replicas");
    }

    @Test
    void deployment_table() {
        ObjectNode d = seedDeployment();
        deployments.applyDefaults(d);
        ((ObjectNode) d.get("metadata")).put("creationTimestamp", "2026-11-25T16:43:54Z");
        d.putObject("status")
                .put("readyReplicas", 2)
                .put("updatedReplicas", 3)
                .put("availableReplicas", 2);
        List<Object> cells = deployments.tableCells(d, Instant.parse("2026-11-25T16:44:04Z"));
        assertThat(cells)
                .containsExactly(
                        "deployment-nginx",
                        "2/3",
                        3L,
                        2L,
                        "10s",
                        "container-nginx",
                        "nginx:1.14.1",
                        "app=nginx");
        assertThat(deployments.tableColumns())
                .extracting(c -> c.name() + "/" + c.priority())
                .containsExactly(
                        "Name/0",
                        "Ready/0",
                        "Up-to-date/0",
                        "Available/0",
                        "Age/0",
                        "Containers/1",
                        "Images/1",
                        "Selector/1");
    }
}
