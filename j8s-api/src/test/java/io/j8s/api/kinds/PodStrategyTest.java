package io.j8s.api.kinds;

import static io.j8s.api.TestData.obj;
import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.api.json.Json;
import io.j8s.api.validation.FieldError;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class PodStrategyTest {

    private static final Instant NOW = Instant.parse("2026-11-25T17:00:00Z");
    private final PodStrategy pods = new PodStrategy();

    private static ObjectNode pod(String statusAndMore) {
        return obj(
                """
                metadata: {name: p, namespace: default, creationTimestamp: "2026-11-25T16:00:00Z"}
                spec:
                  containers: [{name: a, image: nginx}]
                """
                        + statusAndMore);
    }

    private String status(ObjectNode pod) {
        return (String) pods.tableCells(pod, NOW).get(2);
    }

    @Test
    void applyDefaults_likeTheApiserver() {
        ObjectNode p =
                obj(
                        """
                metadata: {name: p, namespace: default}
                spec:
                  containers:
                  - name: a
                    image: nginx
                    ports: [{containerPort: 80}]
                    readinessProbe: {httpGet: {port: 80}}
                  - {name: b, image: "busybox:1.36", resources: {limits: {cpu: 100m}, requests: {memory: 1Mi}}}
                  - {name: c, image: "busybox:latest"}
                  - {name: d, image: "busybox@sha256:abc"}
                  - {name: e, image: "registry:5000/x"}
                """);
        pods.applyDefaults(p);
        assertThat(p.at("/spec/restartPolicy").asString()).isEqualTo("Always");
        assertThat(p.at("/spec/dnsPolicy").asString()).isEqualTo("ClusterFirst");
        assertThat(p.at("/spec/terminationGracePeriodSeconds").asInt()).isEqualTo(30);
        assertThat(p.at("/spec/schedulerName").asString()).isEqualTo("default-scheduler");
        assertThat(p.at("/spec/enableServiceLinks").asBoolean()).isTrue();
        assertThat(p.at("/spec/securityContext")).isEqualTo(Json.object());
        assertThat(Json.elements(p, "spec.containers"))
                .extracting(c -> c.get("imagePullPolicy").asString())
                .containsExactly("Always", "IfNotPresent", "Always", "IfNotPresent", "Always");
        assertThat(p.at("/spec/containers/0/terminationMessagePath").asString())
                .isEqualTo("/dev/termination-log");
        assertThat(p.at("/spec/containers/0/terminationMessagePolicy").asString())
                .isEqualTo("File");
        assertThat(p.at("/spec/containers/0/ports/0/protocol").asString()).isEqualTo("TCP");
        assertThat(p.at("/spec/containers/0/readinessProbe"))
                .isEqualTo(
                        Json.parse(
                                """
                {"httpGet":{"port":80,"path":"/","scheme":"HTTP"},"timeoutSeconds":1,"periodSeconds":10,"successThreshold":1,"failureThreshold":3}"""));
        assertThat(p.at("/spec/containers/1/resources/requests"))
                .isEqualTo(Json.parse("{\"memory\":\"1Mi\",\"cpu\":\"100m\"}"));
        assertThat(pods.validate(p, null)).isEmpty();
    }

    @Test
    void validate_containers() {
        ObjectNode none = obj("metadata: {name: p, namespace: default}\nspec: {containers: []}");
        pods.applyDefaults(none);
        assertThat(pods.validate(none, null))
                .extracting(FieldError::toString)
                .containsExactly("spec.containers: Required value");

        ObjectNode bad =
                obj(
                        """
                metadata: {name: p, namespace: default}
                spec:
                  containers:
                  - {name: a, image: x, ports: [{containerPort: 0}, {containerPort: 70000, protocol: HTTP}]}
                  - {name: a}
                  - {name: B_, image: y}
                """);
        pods.applyDefaults(bad);
        List<String> errs = pods.validate(bad, null).stream().map(FieldError::toString).toList();
        assertThat(errs)
                .contains(
                        "spec.containers[0].ports[0].containerPort: Required value",
                        "spec.containers[0].ports[1].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
                        "spec.containers[0].ports[1].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
                        "spec.containers[1].name: Duplicate value: \"a\"",
                        "spec.containers[1].image: Required value");
        assertThat(errs)
                .anySatisfy(
                        e ->
                                assertThat(e)
                                        .startsWith(
                                                "spec.containers[2].name: Invalid value: \"B_\": a lowercase RFC 1123 label"));
    }

    @Test
    void validate_updateMayOnlyChangeImagesAndBinding() {
        ObjectNode old = pod("");
        pods.applyDefaults(old);
        ObjectNode image = old.deepCopy();
        ((ObjectNode) image.at("/spec/containers/0")).put("image", "nginx:2");
        ((ObjectNode) image.get("spec")).put("nodeName", "node-1");
        assertThat(pods.validate(image, old)).isEmpty();
        ObjectNode other = old.deepCopy();
        ((ObjectNode) other.get("spec")).put("restartPolicy", "Never");
        assertThat(pods.validate(other, old)).extracting(FieldError::field).containsExactly("spec");
    }

    @Test
    void status_phaseReasonsAndTerminating() {
        assertThat(status(pod("status: {phase: Pending}"))).isEqualTo("Pending");
        assertThat(
                        status(
                                pod(
                                        """
                status:
                  phase: Running
                  containerStatuses: [{name: a, ready: false, restartCount: 4, state: {waiting: {reason: CrashLoopBackOff}},
                    lastState: {terminated: {exitCode: 1, finishedAt: "2026-11-25T16:59:30Z"}}}]
                """)))
                .isEqualTo("CrashLoopBackOff");
        assertThat(
                        status(
                                pod(
                                        """
                status:
                  phase: Succeeded
                  containerStatuses: [{name: a, ready: false, state: {terminated: {exitCode: 0, reason: Completed}}}]
                """)))
                .isEqualTo("Completed");
        assertThat(
                        status(
                                pod(
                                        """
                status:
                  phase: Failed
                  containerStatuses: [{name: a, state: {terminated: {exitCode: 137}}}]
                """)))
                .isEqualTo("ExitCode:137");
        ObjectNode deleting = pod("status: {phase: Running}");
        ((ObjectNode) deleting.get("metadata")).put("deletionTimestamp", "2026-11-25T16:59:00Z");
        assertThat(status(deleting)).isEqualTo("Terminating");
        ObjectNode gated =
                pod(
                        "status: {phase: Pending, conditions: [{type: PodScheduled, status: 'False', reason: SchedulingGated}]}");
        assertThat(status(gated)).isEqualTo("SchedulingGated");
    }

    @Test
    void restarts_withLastRestartAge() {
        ObjectNode crashing =
                pod(
                        """
                status:
                  phase: Running
                  containerStatuses: [{name: a, ready: true, restartCount: 4, state: {running: {startedAt: "2026-11-25T16:59:31Z"}},
                    lastState: {terminated: {exitCode: 1, finishedAt: "2026-11-25T16:59:30Z"}}}]
                """);
        List<Object> cells = pods.tableCells(crashing, NOW);
        assertThat(cells.get(1)).isEqualTo("1/1");
        assertThat(cells.get(3)).isEqualTo("4 (30s ago)");
        assertThat(cells.get(4)).isEqualTo("60m");
    }

    @Test
    void initContainers() {
        ObjectNode p =
                obj(
                        """
                metadata: {name: p}
                spec:
                  initContainers: [{name: init, image: x}, {name: init2, image: x}]
                  containers: [{name: a, image: x}]
                status:
                  phase: Pending
                  initContainerStatuses:
                  - {name: init, state: {terminated: {exitCode: 0}}}
                  - {name: init2, state: {running: {}}}
                  containerStatuses: [{name: a, state: {waiting: {reason: PodInitializing}}}]
                """);
        assertThat(pods.tableCells(p, NOW).get(2)).isEqualTo("Init:1/2");
        ObjectNode sidecar =
                obj(
                        """
                metadata: {name: p}
                spec:
                  initContainers: [{name: proxy, image: x, restartPolicy: Always}]
                  containers: [{name: a, image: x}]
                status:
                  phase: Running
                  conditions: [{type: Initialized, status: 'True'}, {type: Ready, status: 'True'}]
                  initContainerStatuses: [{name: proxy, ready: true, started: true, state: {running: {}}}]
                  containerStatuses: [{name: a, ready: true, state: {running: {}}}]
                """);
        assertThat(pods.tableCells(sidecar, NOW).subList(1, 3)).containsExactly("2/2", "Running");
    }

    @Test
    void selectableFields() {
        ObjectNode p = pod("status: {phase: Running, podIPs: [{ip: 10.0.0.1}]}");
        ((ObjectNode) p.get("spec")).put("nodeName", "node-1");
        assertThat(pods.selectableFields(p))
                .containsEntry("spec.nodeName", "node-1")
                .containsEntry("status.phase", "Running")
                .containsEntry("status.podIP", "10.0.0.1")
                .containsEntry("metadata.namespace", "default")
                .containsEntry("spec.restartPolicy", "")
                .containsKey("status.nominatedNodeName");
    }
}
