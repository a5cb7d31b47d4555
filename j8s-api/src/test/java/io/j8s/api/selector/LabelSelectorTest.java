package io.j8s.api.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.j8s.api.TestData;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorTest {

    private static final Map<String, String> NGINX =
            Map.of("app", "nginx", "tier", "web", "version", "3");

    @Test
    void parse_equalityOperators() {
        assertThat(LabelSelector.parse("app=nginx").matches(NGINX)).isTrue();
        assertThat(LabelSelector.parse("app==nginx").matches(NGINX)).isTrue();
        assertThat(LabelSelector.parse("app!=nginx").matches(NGINX)).isFalse();
        assertThat(LabelSelector.parse("app!=db").matches(NGINX)).isTrue();
        assertThat(LabelSelector.parse("missing!=x").matches(NGINX)).isTrue();
        assertThat(LabelSelector.parse("app=").matches(NGINX)).isFalse();
        assertThat(LabelSelector.parse("app=").matches(Map.of("app", ""))).isTrue();
    }

    @Test
    void parse_setOperatorsExistenceAndWhitespace() {
        assertThat(LabelSelector.parse("app in (nginx, db)").matches(NGINX)).isTrue();
        assertThat(LabelSelector.parse("app notin (nginx,db)").matches(NGINX)).isFalse();
        assertThat(LabelSelector.parse("app notin (db)").matches(NGINX)).isTrue();
        assertThat(LabelSelector.parse("tier").matches(NGINX)).isTrue();
        assertThat(LabelSelector.parse("!tier").matches(NGINX)).isFalse();
        assertThat(LabelSelector.parse("!canary").matches(NGINX)).isTrue();
        assertThat(
                        LabelSelector.parse("  app = nginx ,  tier ,!canary, version in (1,2,3)")
                                .matches(NGINX))
                .isTrue();
        assertThat(LabelSelector.parse("app=nginx,tier=db").matches(NGINX)).isFalse();
        assertThat(LabelSelector.parse("version>2").matches(NGINX)).isTrue();
        assertThat(LabelSelector.parse("version<2").matches(NGINX)).isFalse();
        assertThat(LabelSelector.parse("").isEverything()).isTrue();
        assertThat(
                        LabelSelector.parse("kubernetes.io/service-name=my-nginx-svc")
                                .matches(Map.of("kubernetes.io/service-name", "my-nginx-svc")))
                .isTrue();
    }

    @Test
    void parse_keywordsAreValuesInsideSets() {
        assertThat(LabelSelector.parse("x in (in,notin)").matches(Map.of("x", "in"))).isTrue();
        assertThat(LabelSelector.parse("x=in").matches(Map.of("x", "in"))).isTrue();
    }

    @Test
    void toString_sortedByKeyLikeKubernetes() {
        assertThat(LabelSelector.parse("tier=web, app in (b,a), !canary").toString())
                .isEqualTo("app in (a,b),!canary,tier=web");
    }

    @Test
    void parse_errorsWordedLikeKubernetes() {
        assertThatThrownBy(() -> LabelSelector.parse("app in nginx"))
                .hasMessage("unable to parse requirement: found 'nginx' expected: '('");
        assertThatThrownBy(() -> LabelSelector.parse("app in (a"))
                .hasMessage("unable to parse requirement: found '', expected: ',' or ')'");
        assertThatThrownBy(() -> LabelSelector.parse("app=a,"))
                .hasMessage("found '', expected: identifier after ','");
        assertThatThrownBy(() -> LabelSelector.parse("app=a b"))
                .hasMessage("found 'b', expected: ',' or 'end of string'");
        assertThatThrownBy(() -> LabelSelector.parse("=a"))
                .hasMessage("found '=', expected: !, identifier, or 'end of string'");
        assertThatThrownBy(() -> LabelSelector.parse("app x"))
                .hasMessage(
                        "unable to parse requirement: found 'x', expected: in, notin, =, ==, !=, gt, lt");
        assertThatThrownBy(() -> LabelSelector.parse("a/b/c=x"))
                .isInstanceOf(SelectorException.class)
                .hasMessageStartingWith(
                        "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a qualified name must consist of");
        assertThatThrownBy(() -> LabelSelector.parse("app=-x"))
                .hasMessageStartingWith(
                        "unable to parse requirement: values[0]: Invalid value: \"-x\": a valid label must be an empty string");
        assertThatThrownBy(() -> LabelSelector.parse("version>x"))
                .hasMessage(
                        "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer");
    }

    @Test
    void fromMatchLabelsAndExpressions() {
        LabelSelector s =
                LabelSelector.fromMatchLabelsAndExpressions(
                        TestData.obj(
                                """
                matchLabels: {app: nginx}
                matchExpressions:
                - {key: tier, operator: In, values: [web, api]}
                - {key: canary, operator: DoesNotExist}
                - {key: version, operator: Exists}
                - {key: env, operator: NotIn, values: [prod]}
                """));
        assertThat(s.matches(NGINX)).isTrue();
        assertThat(s.matches(Map.of("app", "nginx", "tier", "db", "version", "1"))).isFalse();
        assertThat(s.toString())
                .isEqualTo("app=nginx,!canary,env notin (prod),tier in (api,web),version");
        assertThat(LabelSelector.fromMatchLabelsAndExpressions(TestData.obj("{}")).isEverything())
                .isTrue();
        assertThat(
                        LabelSelector.fromMatchLabelsAndExpressions(
                                        (tools.jackson.databind.JsonNode) null)
                                .matches(NGINX))
                .isFalse();
        assertThatThrownBy(
                        () ->
                                LabelSelector.fromMatchLabelsAndExpressions(
                                        TestData.obj(
                                                "matchExpressions: [{key: a, operator: Foo}]")))
                .hasMessage("\"Foo\" is not a valid label selector operator");
        assertThatThrownBy(
                        () ->
                                LabelSelector.fromMatchLabelsAndExpressions(
                                        TestData.obj("matchExpressions: [{key: a, operator: In}]")))
                .hasMessage(
                        "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty");
    }

    @Test
    void fromFabric8Selector() {
        var sel =
                new io.fabric8.kubernetes.api.model.LabelSelectorBuilder()
                        .addToMatchLabels("app", "nginx")
                        .build();
        assertThat(LabelSelector.fromMatchLabelsAndExpressions(sel).matches(NGINX)).isTrue();
    }

    @Test
    void formatting() {
        assertThat(LabelSelector.formatLabels(Map.of("b", "2", "a", "1"))).isEqualTo("a=1,b=2");
        assertThat(LabelSelector.formatLabels(Map.of())).isEqualTo("<none>");
        assertThat(LabelSelector.formatLabelSelector(null)).isEqualTo("<none>");
    }

    @Test
    void fromFabric8Selector_hasLabelSelectorAsSelectorSemantics() {
        var b = new io.fabric8.kubernetes.api.model.LabelSelectorBuilder();
        assertThat(
                        LabelSelector.fromMatchLabelsAndExpressions(
                                        (io.fabric8.kubernetes.api.model.LabelSelector) null)
                                .matches(NGINX))
                .as("a null selector matches nothing")
                .isFalse();
        assertThat(LabelSelector.fromMatchLabelsAndExpressions(b.build()).matches(NGINX))
                .as("an empty selector matches everything")
                .isTrue();
        assertThat(LabelSelector.fromMatchLabelsAndExpressions(b.build()).matches(null)).isTrue();

        var sel =
                new io.fabric8.kubernetes.api.model.LabelSelectorBuilder()
                        .addToMatchLabels("app", "nginx")
                        .addNewMatchExpression()
                        .withKey("tier")
                        .withOperator("In")
                        .withValues("web", "db")
                        .endMatchExpression()
                        .addNewMatchExpression()
                        .withKey("version")
                        .withOperator("NotIn")
                        .withValues("1", "2")
                        .endMatchExpression()
                        .addNewMatchExpression()
                        .withKey("version")
                        .withOperator("Exists")
                        .endMatchExpression()
                        .addNewMatchExpression()
                        .withKey("canary")
                        .withOperator("DoesNotExist")
                        .endMatchExpression()
                        .build();
        LabelSelector selector = LabelSelector.fromMatchLabelsAndExpressions(sel);
        assertThat(selector.matches(NGINX)).isTrue();
        assertThat(selector.matches(Map.of("app", "nginx", "tier", "web", "version", "2")))
                .as("NotIn")
                .isFalse();
        assertThat(selector.matches(Map.of("app", "nginx", "tier", "cache", "version", "3")))
                .as("In")
                .isFalse();
        assertThat(selector.matches(Map.of("app", "nginx", "tier", "web"))).as("Exists").isFalse();
        assertThat(
                        selector.matches(
                                Map.of(
                                        "app", "nginx", "tier", "web", "version", "3", "canary",
                                        "")))
                .as("DoesNotExist")
                .isFalse();
        assertThat(selector.matches(Map.of("app", "db", "tier", "web", "version", "3")))
                .as("matchLabels")
                .isFalse();
        // the same as the JSON form
        assertThat(selector)
                .isEqualTo(
                        LabelSelector.fromMatchLabelsAndExpressions(
                                io.j8s.api.json.Json.toObjectNode(sel)));
    }

    @Test
    void fromFabric8Selector_rejectsUnknownOperatorsAndMissingValues() {
        var unknown =
                new io.fabric8.kubernetes.api.model.LabelSelectorBuilder()
                        .addNewMatchExpression()
                        .withKey("a")
                        .withOperator("Gt")
                        .withValues("1")
                        .endMatchExpression()
                        .build();
        assertThatThrownBy(() -> LabelSelector.fromMatchLabelsAndExpressions(unknown))
                .isInstanceOf(SelectorException.class)
                .hasMessageContaining("\"Gt\" is not a valid label selector operator");
        var noValues =
                new io.fabric8.kubernetes.api.model.LabelSelectorBuilder()
                        .addNewMatchExpression()
                        .withKey("a")
                        .withOperator("In")
                        .endMatchExpression()
                        .build();
        assertThatThrownBy(() -> LabelSelector.fromMatchLabelsAndExpressions(noValues))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("values set can't be empty");
    }

    @Test
    void matchesSet_andIsEmpty() {
        assertThat(LabelSelector.matchesSet(Map.of("app", "nginx"), NGINX)).isTrue();
        assertThat(LabelSelector.matchesSet(Map.of("app", "nginx", "tier", "db"), NGINX)).isFalse();
        assertThat(LabelSelector.matchesSet(Map.of(), NGINX)).isTrue();
        assertThat(LabelSelector.matchesSet(null, null)).isTrue();
        assertThat(LabelSelector.matchesSet(Map.of("app", "nginx"), null)).isFalse();

        assertThat(LabelSelector.isEmpty(null))
                .as("null is no selector, not an empty one")
                .isFalse();
        assertThat(LabelSelector.isEmpty(new io.fabric8.kubernetes.api.model.LabelSelector()))
                .isTrue();
        assertThat(
                        LabelSelector.isEmpty(
                                new io.fabric8.kubernetes.api.model.LabelSelectorBuilder()
                                        .addToMatchLabels("a", "b")
                                        .build()))
                .isFalse();
    }
}
