package io.j8s.apiserver.auth.rbac;

import static io.j8s.apiserver.auth.rbac.PolicyRule.verbs;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RuleCoverageTest {

    @Test
    void uncovered_breaksWantedRulesDownToSinglePieces() {
        List<PolicyRule> held =
                List.of(verbs("get", "list").groups("").resources("pods", "services").build());
        assertThat(
                        RuleCoverage.uncovered(
                                held, List.of(verbs("get").groups("").resources("pods").build())))
                .isEmpty();
        List<PolicyRule> missing =
                RuleCoverage.uncovered(
                        held, List.of(verbs("get", "delete").groups("").resources("pods").build()));
        assertThat(missing).containsExactly(verbs("delete").groups("").resources("pods").build());
        assertThat(RuleCoverage.describe(missing.get(0)))
                .isEqualTo("{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"delete\"]}");
    }

    @Test
    void garbageCollectorEdits_areNotEscalations() {
        var old =
                io.j8s.api.json.Json.readYamlObject(
                        """
                kind: Role
                metadata: {name: r, namespace: n, resourceVersion: "5", ownerReferences: [{kind: X, name: x}]}
                rules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]
                """);
        var owned = old.deepCopy();
        ((tools.jackson.databind.node.ObjectNode) owned.get("metadata")).remove("ownerReferences");
        assertThat(EscalationCheck.onlyGarbageCollectionFieldsChange(owned, old)).isTrue();
        var widened = owned.deepCopy();
        widened.putArray("rules");
        assertThat(EscalationCheck.onlyGarbageCollectionFieldsChange(widened, old)).isFalse();
    }

    @Test
    void stars_subresourcesNamesAndUrls() {
        List<PolicyRule> held =
                List.of(
                        verbs("*").groups("apps").resources("*").build(),
                        verbs("get").groups("").resources("*/status").build(),
                        verbs("update").groups("").resources("configmaps").names("a").build(),
                        verbs("get").urls("/healthz/*").build());
        assertThat(
                        RuleCoverage.uncovered(
                                held,
                                List.of(
                                        verbs("delete")
                                                .groups("apps")
                                                .resources("deployments/scale")
                                                .build(),
                                        verbs("get").groups("").resources("pods/status").build(),
                                        verbs("update")
                                                .groups("")
                                                .resources("configmaps")
                                                .names("a")
                                                .build(),
                                        verbs("get").urls("/healthz/ping").build())))
                .isEmpty();
        assertThat(
                        RuleCoverage.uncovered(
                                held,
                                List.of(
                                        verbs("update")
                                                .groups("")
                                                .resources("configmaps")
                                                .build())))
                .hasSize(1);
        assertThat(
                        RuleCoverage.uncovered(
                                held, List.of(verbs("get").groups("").resources("pods").build())))
                .hasSize(1);
        assertThat(
                        RuleCoverage.uncovered(
                                held, List.of(verbs("*").groups("*").resources("*").build())))
                .hasSize(1);
    }
}
