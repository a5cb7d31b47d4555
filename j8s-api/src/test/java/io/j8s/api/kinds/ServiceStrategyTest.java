package io.j8s.api.kinds;

import static io.j8s.api.TestData.obj;
import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.api.KindStrategy;
import io.j8s.api.TestData;
import io.j8s.api.json.Json;
import io.j8s.api.validation.FieldError;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class ServiceStrategyTest {

    private final KindStrategy strategy = new ServiceStrategy();

    private ObjectNode seedService() {
        return (ObjectNode) TestData.yaml("seed/nginx-deploy.yaml").get(0);
    }

    @Test
    void applyDefaults_seedService() {
        ObjectNode svc = seedService();
        strategy.applyDefaults(svc);
        assertThat(svc.get("spec"))
                .isEqualTo(
                        Json.parse(
                                """
                {"type":"ClusterIP","selector":{"app":"nginx"},
                 "ports":[{"name":"clusterip-nginx","port":80,"targetPort":80,"protocol":"TCP"}],
                 "sessionAffinity":"None","internalTrafficPolicy":"Cluster",
                 "ipFamilyPolicy":"SingleStack","ipFamilies":["IPv4"]}"""));
        assertThat(svc.at("/spec/clusterIP").isMissingNode()).isTrue();
        assertThat(strategy.validate(svc, null)).isEmpty();
    }

    @Test
    void applyDefaults_targetPortClientIpAndSelectorlessService() {
        ObjectNode svc = (ObjectNode) TestData.yaml("seed/ep.yaml").get(1);
        svc.withObjectProperty("metadata").put("namespace", "default");
        ((ObjectNode) svc.at("/spec/ports/0")).remove("targetPort");
        ((ObjectNode) svc.get("spec")).put("sessionAffinity", "ClientIP");
        strategy.applyDefaults(svc);
        assertThat(svc.at("/spec/ports/0/targetPort").asInt()).isEqualTo(80);
        assertThat(svc.at("/spec/sessionAffinityConfig/clientIP/timeoutSeconds").asInt())
                .isEqualTo(10800);
        assertThat(strategy.validate(svc, null)).isEmpty();
    }

    @Test
    void validate_portZeroAndTwoUnnamedPorts_asKubectlSees() {
        ObjectNode svc =
                obj(
                        """
                apiVersion: v1
                kind: Service
                metadata: {name: bad-svc, namespace: default}
                spec:
                  ports:
                  - port: 0
                    targetPort: 80
                  - port: 81
                """);
        strategy.applyDefaults(svc);
        List<FieldError> errs = strategy.validate(svc, null);
        assertThat(errs)
                .extracting(FieldError::toString)
                .containsExactly(
                        "spec.ports[0].name: Required value",
                        "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
                        "spec.ports[1].name: Required value");
        assertThat(errs)
                .extracting(e -> e.type().reason())
                .containsExactly("FieldValueRequired", "FieldValueInvalid", "FieldValueRequired");
    }

    @Test
    void validate_nameAffinityProtocolDuplicatesTimeout() {
        ObjectNode svc =
                obj(
                        """
                metadata: {name: 1bad, namespace: default, labels: {"-x": ok}}
                spec:
                  sessionAffinity: Foo
                  selector: {app: nginx}
                  ports:
                  - {name: http, port: 80}
                  - {name: http, port: 80, targetPort: 0}
                  - {name: Web, port: 70000, targetPort: "8080", protocol: HTTP}
                """);
        strategy.applyDefaults(svc);
        List<String> errs =
                strategy.validate(svc, null).stream().map(FieldError::toString).toList();
        assertThat(errs)
                .contains(
                        "metadata.name: Invalid value: \"1bad\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
                        "spec.ports[2].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
                        "spec.ports[1].name: Duplicate value: \"http\"",
                        "spec.ports[2].name: Invalid value: \"Web\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
                        "spec.ports[2].port: Invalid value: 70000: must be between 1 and 65535, inclusive",
                        "spec.ports[2].targetPort: Invalid value: \"8080\": must contain at least one letter (a-z)",
                        "spec.sessionAffinity: Unsupported value: \"Foo\": supported values: \"ClientIP\", \"None\"",
                        "spec.ports[1]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}");
        assertThat(errs)
                .anySatisfy(
                        e ->
                                assertThat(e)
                                        .startsWith(
                                                "metadata.labels: Invalid value: \"-x\": name part"));

        ObjectNode affinity =
                obj(
                        """
                metadata: {name: a, namespace: default}
                spec:
                  ports: [{port: 80}]
                  sessionAffinity: ClientIP
                  sessionAffinityConfig: {clientIP: {timeoutSeconds: 86401}}
                """);
        strategy.applyDefaults(affinity);
        assertThat(strategy.validate(affinity, null))
                .extracting(FieldError::toString)
                .containsExactly(
                        "spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater than 0 and less than 86400");
    }

    @Test
    void validate_portsRequiredUnlessHeadless() {
        ObjectNode svc = obj("metadata: {name: a, namespace: default}\nspec: {}");
        strategy.applyDefaults(svc);
        assertThat(strategy.validate(svc, null))
                .extracting(FieldError::toString)
                .containsExactly("spec.ports: Required value");
        ObjectNode headless =
                obj("metadata: {name: a, namespace: default}\nspec: {clusterIP: None}");
        strategy.applyDefaults(headless);
        assertThat(strategy.validate(headless, null)).isEmpty();
        assertThat(headless.at("/spec/ipFamilyPolicy").asString()).isEqualTo("PreferDualStack");
    }

    @Test
    void validate_clusterIpMayNotChange() {
        ObjectNode old = seedService();
        old.withObjectProperty("spec").put("clusterIP", "127.96.0.11");
        strategy.applyDefaults(old);
        ObjectNode changed = old.deepCopy();
        changed.withObjectProperty("spec").put("clusterIP", "127.96.0.12");
        assertThat(strategy.validate(changed, old))
                .extracting(FieldError::toString)
                .containsExactly(
                        "spec.clusterIPs[0]: Invalid value: []string{\"127.96.0.12\"}: may not change once set");
        ObjectNode same = old.deepCopy();
        assertThat(strategy.validate(same, old)).isEmpty();

        ObjectNode omitted = seedService();
        ServiceStrategy.carryOverAllocatedValues(omitted, old);
        strategy.applyDefaults(omitted);
        assertThat(omitted.at("/spec/clusterIP").asString()).isEqualTo("127.96.0.11");
        assertThat(strategy.validate(omitted, old)).isEmpty();
    }

    @Test
    void tableCells_likeTheRealPrinter() {
        Instant now = Instant.parse("2026-11-25T16:44:01Z");
        ObjectNode svc =
                obj(
                        """
                metadata: {name: my-nginx-svc, namespace: default, creationTimestamp: "2026-11-25T16:43:54Z"}
                spec: {type: ClusterIP, clusterIP: 10.96.0.11, clusterIPs: [10.96.0.11], selector: {app: nginx},
                       ports: [{port: 80, protocol: TCP, targetPort: 80}]}
                """);
        assertThat(strategy.tableCells(svc, now))
                .containsExactly(
                        "my-nginx-svc",
                        "ClusterIP",
                        "10.96.0.11",
                        "<none>",
                        "80/TCP",
                        "7s",
                        "app=nginx");
        ObjectNode np =
                obj(
                        """
                metadata: {name: np, creationTimestamp: "2026-11-25T16:43:54Z"}
                spec: {type: LoadBalancer, clusterIPs: [10.96.0.12], ports: [{port: 80, nodePort: 30080, protocol: TCP}, {port: 53, protocol: UDP}]}
                """);
        assertThat(strategy.tableCells(np, now))
                .containsExactly(
                        "np",
                        "LoadBalancer",
                        "10.96.0.12",
                        "<pending>",
                        "80:30080/TCP,53/UDP",
                        "7s",
                        "<none>");
    }

    @Test
    void tableColumns_matchTheSample() {
        var sample = TestData.json("samples/services_table.json").get("columnDefinitions");
        var columns = strategy.tableColumns();
        assertThat(columns).hasSize(sample.size());
        for (int i = 0; i < columns.size(); i++) {
            assertThat(columns.get(i).name()).isEqualTo(sample.get(i).get("name").asString());
            assertThat(columns.get(i).priority()).isEqualTo(sample.get(i).get("priority").asInt());
            assertThat(columns.get(i).format()).isEqualTo(sample.get(i).get("format").asString());
        }
    }
}
