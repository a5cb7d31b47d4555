package io.j8s.apiserver.apiextensions.cel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.j8s.api.json.Json;
import io.j8s.api.validation.FieldError;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@link CelRules} against the behaviour of Kubernetes' apiextensions-apiserver. Sources, under
 * staging/src/k8s.io/apiextensions-apiserver/pkg/: {@code apiserver/schema/cel/validation.go}
 * (evaluation, messages), {@code apiserver/schema/cel/compilation.go} (compile errors) and {@code
 * apis/apiextensions/validation/validation.go} (the CRD's causes).
 */
class CelRulesTest {

    static JsonNode yaml(String s) {
        return Json.yamlMapper().readTree(s);
    }

    static List<String> messages(List<FieldError> errors) {
        return errors.stream().map(FieldError::toString).toList();
    }

    static final String SCHEMA =
            """
            type: object
            properties:
              spec:
                type: object
                x-kubernetes-validations:
                - rule: self.minReplicas <= self.replicas
                  message: replicas must be at least minReplicas
                - rule: "!has(self.name) || self.name.startsWith('app-')"
                properties:
                  replicas: {type: integer}
                  minReplicas: {type: integer}
                  name: {type: string}
                  ratio: {type: number}
                  tags:
                    type: array
                    items: {type: string}
                    x-kubernetes-validations:
                    - rule: self.all(t, t.matches('^[a-z]+$'))
                      message: tags must be lowercase
                  labels:
                    type: object
                    additionalProperties:
                      type: string
                      x-kubernetes-validations:
                      - rule: self.size() <= 5
            """;

    static CelRules rules() {
        return CelRules.compile(yaml(SCHEMA), "spec.versions[0].schema.openAPIV3Schema");
    }

    @Test
    void passingObjectHasNoErrors() {
        JsonNode obj =
                yaml(
                        """
                        apiVersion: x/v1
                        kind: Foo
                        metadata: {name: a}
                        spec: {replicas: 3, minReplicas: 1, name: app-x, ratio: 1, tags: [a, b],
                               labels: {k: v}}
                        """);
        assertThat(rules().validate(obj, null)).isEmpty();
    }

    @Test
    void failingRulesGiveKubernetesMessages() {
        // validation.go: fieldErrorForReason(field.Invalid(fldPath, sts.Type, detail)); the value
        // is the schema type ("object"); detail is the message, else "failed rule: <rule>".
        JsonNode obj =
                yaml(
                        """
                        spec: {replicas: 1, minReplicas: 2, name: web, tags: [a, B],
                               labels: {k: toolong}}
                        """);
        assertThat(messages(rules().validate(obj, null)))
                .containsExactly(
                        "spec: Invalid value: \"object\": replicas must be at least minReplicas",
                        "spec: Invalid value: \"object\": failed rule: !has(self.name) ||"
                                + " self.name.startsWith('app-')",
                        "spec.tags: Invalid value: \"array\": tags must be lowercase",
                        "spec.labels[k]: Invalid value: \"string\": failed rule: self.size() <= 5");
    }

    @Test
    void rootRulesAreReportedAtNil() {
        // validation.go: the root is validated with a nil *field.Path, rendered "<nil>"; the root
        // sees apiVersion, kind and metadata.name (model.WithTypeAndObjectMeta).
        CelRules r =
                CelRules.compile(
                        yaml(
                                """
                                type: object
                                x-kubernetes-validations:
                                - rule: self.metadata.name.startsWith('x') && self.kind == 'Foo'
                                properties:
                                  spec: {type: object}
                                """),
                        "p");
        assertThat(messages(r.validate(yaml("{kind: Foo, metadata: {name: y}}"), null)))
                .containsExactly(
                        "<nil>: Invalid value: \"object\": failed rule:"
                                + " self.metadata.name.startsWith('x') && self.kind == 'Foo'");
        assertThat(r.validate(yaml("{kind: Foo, metadata: {name: xy}}"), null)).isEmpty();
    }

    @Test
    void transitionRulesRunOnlyOnUpdate() {
        // validation.go: "transition rules are evaluated only if there is a comparable existing
        // value"; optionalOldSelf makes oldSelf an optional, evaluated on create too.
        CelRules r =
                CelRules.compile(
                        yaml(
                                """
                                type: object
                                properties:
                                  spec:
                                    type: object
                                    properties:
                                      mode:
                                        type: string
                                        x-kubernetes-validations:
                                        - rule: self == oldSelf
                                          message: mode is immutable
                                      size:
                                        type: integer
                                        x-kubernetes-validations:
                                        - rule: "!oldSelf.hasValue() || self >= oldSelf.value()"
                                          optionalOldSelf: true
                                          messageExpression: "'size may not shrink below ' + string(oldSelf)"
                                """),
                        "p");
        assertThat(r.validate(yaml("{spec: {mode: a, size: 1}}"), null)).isEmpty();
        assertThat(
                        messages(
                                r.validate(
                                        yaml("{spec: {mode: b, size: 1}}"),
                                        yaml("{spec: {mode: a, size: 5}}"))))
                .containsExactly(
                        "spec.mode: Invalid value: \"string\": mode is immutable",
                        // messageExpression sees the plain oldSelf (validation.go evaluates it with
                        // the activation without optionals)
                        "spec.size: Invalid value: \"integer\": size may not shrink below 5");
        assertThat(
                        r.validate(
                                yaml("{spec: {mode: a, size: 6}}"),
                                yaml("{spec: {mode: a, size: 5}}")))
                .isEmpty();
    }

    @Test
    void messageExpressionReasonAndFieldPath() {
        // validation.go: messageExpression's string (trimmed) is the detail; reason picks
        // field.Forbidden/Required/Duplicate/Invalid; fieldPath is appended to the node's path.
        CelRules r =
                CelRules.compile(
                        yaml(
                                """
                                type: object
                                properties:
                                  spec:
                                    type: object
                                    x-kubernetes-validations:
                                    - rule: self.replicas < 10
                                      messageExpression: "'replicas ' + string(self.replicas) + ' is too many'"
                                      fieldPath: .replicas
                                    - rule: has(self.owner)
                                      reason: FieldValueRequired
                                      message: owner is required
                                      fieldPath: .owner
                                    - rule: self.replicas != 13
                                      reason: FieldValueForbidden
                                      message: unlucky
                                    - rule: self.replicas != 12
                                      reason: FieldValueDuplicate
                                    - rule: self.replicas != 11
                                      messageExpression: "self.missing"
                                      message: fallback message
                                    properties:
                                      replicas: {type: integer}
                                      owner: {type: string}
                                      missing: {type: string}
                                """),
                        "p");
        assertThat(messages(r.validate(yaml("{spec: {replicas: 13}}"), null)))
                .containsExactly(
                        "spec.replicas: Invalid value: \"object\": replicas 13 is too many",
                        "spec.owner: Required value: owner is required",
                        "spec: Forbidden: unlucky");
        assertThat(messages(r.validate(yaml("{spec: {replicas: 12, owner: o}}"), null)))
                .containsExactly(
                        "spec.replicas: Invalid value: \"object\": replicas 12 is too many",
                        "spec: Duplicate value: \"object\"");
        assertThat(r.validate(yaml("{spec: {replicas: 12, owner: o}}"), null).get(1).type())
                .isEqualTo(FieldError.Type.DUPLICATE);
        // messageExpression that fails to evaluate: the message is used instead.
        assertThat(messages(r.validate(yaml("{spec: {replicas: 11, owner: o}}"), null)))
                .containsExactly(
                        "spec.replicas: Invalid value: \"object\": replicas 11 is too many",
                        "spec: Invalid value: \"object\": fallback message");
    }

    @Test
    void compileErrorsAreTheCrdCauses() {
        // apis/apiextensions/validation/validation.go: field.Invalid(
        //   <schema path>.x-kubernetes-validations[i].rule, rule, "compilation failed: ...");
        // compilation.go: "cel expression must evaluate to a bool"; an empty rule is Required.
        JsonNode schema =
                yaml(
                        """
                        type: object
                        properties:
                          spec:
                            type: object
                            x-kubernetes-validations:
                            - rule: self.nope > 1
                            - rule: self.replicas + 1
                            - rule: ""
                            - rule: self.replicas > 1
                              reason: Bogus
                            - rule: self.replicas > 1
                              fieldPath: replicas
                            - rule: self.replicas > 1
                              optionalOldSelf: true
                            - rule: self.replicas > 1
                              messageExpression: "1"
                            properties:
                              replicas: {type: integer}
                        """);
        String p = "spec.versions[0].schema.openAPIV3Schema";
        List<FieldError> errors = CelRules.check(schema, p);
        String at = p + ".properties[spec].x-kubernetes-validations";
        assertThat(errors)
                .extracting(FieldError::field)
                .containsExactly(
                        at + "[0].rule",
                        at + "[1].rule",
                        at + "[2].rule",
                        at + "[3].reason",
                        at + "[4].fieldPath",
                        at + "[5].optionalOldSelf",
                        at + "[6].messageExpression");
        assertThat(errors.get(0).toString())
                .startsWith(at + "[0].rule: Invalid value: \"self.nope > 1\": compilation failed: ")
                .contains("undefined field 'nope'");
        assertThat(errors.get(1).toString())
                .isEqualTo(
                        at
                                + "[1].rule: Invalid value: \"self.replicas + 1\": cel expression"
                                + " must evaluate to a bool");
        assertThat(errors.get(2).toString())
                .isEqualTo(at + "[2].rule: Required value: rule is not specified");
        assertThat(errors.get(3).toString())
                .isEqualTo(
                        at
                                + "[3].reason: Unsupported value: \"Bogus\": supported values:"
                                + " \"FieldValueDuplicate\", \"FieldValueForbidden\","
                                + " \"FieldValueInvalid\", \"FieldValueRequired\"");
        assertThat(errors.get(4).toString())
                .isEqualTo(
                        at
                                + "[4].fieldPath: Invalid value: \"replicas\": fieldPath must be a"
                                + " valid path: expected [ or . but got: replicas");
        assertThat(errors.get(5).toString())
                .isEqualTo(
                        at
                                + "[5].optionalOldSelf: Invalid value: true: may not be set if"
                                + " oldSelf is not used in rule");
        assertThat(errors.get(6).toString())
                .isEqualTo(
                        at
                                + "[6].messageExpression: Invalid value: \"1\": must evaluate to a"
                                + " string");
        assertThatThrownBy(() -> CelRules.compile(schema, p))
                .isInstanceOf(CelRules.CelRulesException.class)
                .satisfies(e -> assertThat(((CelRules.CelRulesException) e).errors()).hasSize(7));
    }

    @Test
    void messageAndFieldPathChecks() {
        // apis/apiextensions/validation/validation.go: a blank message, a message with a line
        // break, a multi-line rule without a message, a blank fieldPath.
        JsonNode schema =
                yaml(
                        """
                        type: object
                        x-kubernetes-validations:
                        - rule: "true"
                          message: "  "
                        - rule: "true"
                          message: "a\\nb"
                        - rule: "true &&\\n true"
                        - rule: "true"
                          fieldPath: " "
                        """);
        assertThat(messages(CelRules.check(schema, "s")))
                .containsExactly(
                        "s.x-kubernetes-validations[0].message: Invalid value: \"  \": message must"
                                + " be non-empty if specified",
                        "s.x-kubernetes-validations[1].message: Invalid value: \"a\\nb\": message"
                                + " must not contain line breaks",
                        "s.x-kubernetes-validations[2].message: Required value: message must be"
                                + " specified if rule contains line breaks",
                        "s.x-kubernetes-validations[3].fieldPath: Invalid value: \" \": fieldPath"
                                + " must be non-empty if specified");
    }

    @Test
    void oldSelfUnderAPlainListIsRefused() {
        // validation.go (CRD): "oldSelf cannot be used on the uncorrelatable portion of the
        // schema within <path>": only map lists (and maps) correlate old items.
        JsonNode schema =
                yaml(
                        """
                        type: object
                        properties:
                          items:
                            type: array
                            items:
                              type: string
                              x-kubernetes-validations:
                              - rule: self == oldSelf
                        """);
        assertThat(messages(CelRules.check(schema, "s")))
                .containsExactly(
                        "s.properties[items].items.x-kubernetes-validations[0].rule: Invalid"
                                + " value: \"self == oldSelf\": oldSelf cannot be used on the"
                                + " uncorrelatable portion of the schema within s.properties[items]");
    }

    @Test
    void mapListItemsCorrelateWithTheirOldVersions() {
        // validation.go validateArray: map-type lists find each item's old value by its keys.
        CelRules r =
                CelRules.compile(
                        yaml(
                                """
                                type: object
                                properties:
                                  ports:
                                    type: array
                                    x-kubernetes-list-type: map
                                    x-kubernetes-list-map-keys: [name]
                                    items:
                                      type: object
                                      properties:
                                        name: {type: string}
                                        port: {type: integer}
                                      x-kubernetes-validations:
                                      - rule: self.port == oldSelf.port
                                        message: port is immutable
                                """),
                        "s");
        JsonNode old = yaml("{ports: [{name: a, port: 1}, {name: b, port: 2}]}");
        assertThat(r.validate(yaml("{ports: [{name: b, port: 2}, {name: a, port: 1}]}"), old))
                .isEmpty();
        assertThat(
                        messages(
                                r.validate(
                                        yaml("{ports: [{name: c, port: 9}, {name: a, port: 3}]}"),
                                        old)))
                .containsExactly("ports[1]: Invalid value: \"object\": port is immutable");
    }

    @Test
    void libraries() {
        // The functions of the Kubernetes CEL environment (k8s.io/apiserver/pkg/cel/library and
        // cel-go's strings, sets and optional extensions) that rules commonly use.
        String[] passing = {
            "self.s.startsWith('ab') && self.s.endsWith('yz') && self.s.contains('m')",
            "self.s.matches('^[a-z]+$') && self.s.matches('mno') && !self.s.matches('^mno')",
            "self.i < 1.5 && self.d > 0",
            "!isURL('') && size(self.s) > 0",
            "'AbC'.lowerAscii() == 'abc' && 'abc'.upperAscii() == 'ABC'",
            "'a,b'.split(',') == ['a', 'b'] && ['a', 'b'].join('-') == 'a-b'",
            "'  x '.trim() == 'x' && 'hello'.indexOf('l') == 2 && 'hello'.substring(1, 3) == 'el'",
            "'aXa'.replace('X', 'b') == 'aba'",
            "self.l.isSorted() && self.l.sum() == 6 && self.l.min() == 1 && self.l.max() == 3",
            "self.l.indexOf(2) == 1 && self.l.lastIndexOf(9) == -1",
            "self.l.all(x, x > 0) && self.l.exists(x, x == 2) && self.l.exists_one(x, x == 3)",
            "self.l.map(x, x * 2) == [2, 4, 6] && self.l.filter(x, x > 1).size() == 2",
            "size(self.s) == 26 && self.s.size() == 26",
            "url('https://example.com:8443/a%20b?x=1&x=2').getHost() == 'example.com:8443'",
            "url('https://example.com/p?x=1&x=2').getQuery()['x'] == ['1', '2']",
            "url('https://[::1]:80/').getHostname() == '::1' && url('/p').getEscapedPath() == '/p'",
            "isURL('https://x') && !isURL('not a url')",
            "duration('1h') > duration('30m') && timestamp('2024-01-01T00:00:00Z') <"
                    + " timestamp('2025-01-01T00:00:00Z')",
            "sets.contains([1, 2, 3], [2])",
            "self.?missing.orValue('d') == 'd'",
            "self.m.all(k, self.m[k] > 0) && 'a' in self.m",
            "self.d == 1.0 && self.i == 1",
            "quantity('1') == quantity('1000m') && quantity('1Gi').isGreaterThan(quantity('1G'))",
            "quantity('100m').add(quantity('900m')).asInteger() == 1",
            "quantity('2').sub(1).compareTo(quantity('1')) == 0 && quantity('2').add(1) =="
                    + " quantity('3')",
            "isQuantity('1.5Gi') && !isQuantity('abc') && isQuantity('2e3')",
            "quantity('-5').sign() == -1 && !quantity('1.5').isInteger() &&"
                    + " quantity('1.5').asApproximateFloat() == 1.5",
            "quantity(self.mem).isLessThan(quantity('2Gi'))",
            "'abc 123 def 456'.find('[0-9]+') == '123' && 'abc'.find('[0-9]+') == ''",
            "'a1b22c333'.findAll('[0-9]+') == ['1', '22', '333'] && 'a1b22c333'.findAll('[0-9]+',"
                    + " 2) == ['1', '22']",
        };
        CelRules r =
                CelRules.compile(
                        yaml(
                                "type: object\n"
                                        + "properties:\n"
                                        + "  s: {type: string}\n"
                                        + "  mem: {type: string}\n"
                                        + "  missing: {type: string}\n"
                                        + "  d: {type: number}\n"
                                        + "  i: {type: integer}\n"
                                        + "  l: {type: array, items: {type: integer}}\n"
                                        + "  m: {type: object, additionalProperties: {type: integer}}\n"
                                        + "x-kubernetes-validations:\n"
                                        + ruleList(passing)),
                        "s");
        assertThat(
                        messages(
                                r.validate(
                                        yaml(
                                                "{s: abcdefghijklmnopqrstuvwxyz, mem: 1Gi, d: 1, i: 1, l: [1,"
                                                        + " 2, 3], m: {a: 1}}"),
                                        null)))
                .isEmpty();
    }

    private static String ruleList(String[] rules) {
        StringBuilder b = new StringBuilder();
        for (String rule : rules) {
            b.append("- rule: ").append(Json.mapper().writeValueAsString(rule)).append('\n');
        }
        return b.toString();
    }

    @Test
    void evaluationErrorsAreFieldErrors() {
        // validation.go: "<err> evaluating rule: <rule>" for runtime errors such as a missing
        // key or a division by zero.
        CelRules r =
                CelRules.compile(
                        yaml(
                                """
                                type: object
                                properties:
                                  spec:
                                    type: object
                                    x-kubernetes-validations:
                                    - rule: 10 / self.n > 1
                                    properties:
                                      n: {type: integer}
                                """),
                        "s");
        List<FieldError> errors = r.validate(yaml("{spec: {n: 0}}"), null);
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).toString())
                .startsWith("spec: Invalid value: \"object\": ")
                .isEqualTo(
                        "spec: Invalid value: \"object\": division by zero evaluating rule: 10 /"
                                + " self.n > 1");
        // matches() is RE2 (re2j, linear time): a backreference is an error, not a slow match
        CelRules re2 =
                CelRules.compile(
                        yaml(
                                """
                                type: string
                                x-kubernetes-validations:
                                - rule: self.matches('(a+)\\\\1')
                                """),
                        "s");
        List<FieldError> reErrors = re2.validate(yaml("aaaa"), null);
        assertThat(messages(reErrors)).hasSize(1);
        assertThat(messages(reErrors).get(0))
                .startsWith("<nil>: Invalid value: \"string\": ")
                .endsWith(" evaluating rule: self.matches('(a+)\\\\1')");
        // cel-go words a missing key "no such key: <key>"
        CelRules missing =
                CelRules.compile(
                        yaml(
                                """
                                type: object
                                properties:
                                  spec:
                                    type: object
                                    x-kubernetes-validations:
                                    - rule: self.n > 1
                                    properties:
                                      n: {type: integer}
                                """),
                        "s");
        assertThat(messages(missing.validate(yaml("{spec: {}}"), null)))
                .containsExactly(
                        "spec: Invalid value: \"object\": no such key: n evaluating rule: self.n > 1");
    }

    @Test
    void costLimitStopsHostileRules() {
        // validation.go: a rule over the per-call limit gives "'operation cancelled: actual cost
        // limit exceeded': no further validation rules will be run due to call cost exceeds
        // limit for rule: <rule>" and no further rules run.
        CelRules r =
                CelRules.compile(
                        yaml(
                                """
                                type: object
                                properties:
                                  l:
                                    type: array
                                    items: {type: integer}
                                x-kubernetes-validations:
                                - rule: self.l.all(a, self.l.all(b, self.l.all(c, a + b + c >= 0)))
                                - rule: "false"
                                """),
                        "s");
        StringBuilder list = new StringBuilder("{l: [");
        for (int i = 0; i < 300; i++) {
            list.append(i).append(i < 299 ? "," : "]}");
        }
        List<FieldError> errors = r.validate(yaml(list.toString()), null);
        assertThat(messages(errors))
                .containsExactly(
                        "<nil>: Invalid value: \"object\": 'operation cancelled: actual cost limit"
                                + " exceeded': no further validation rules will be run due to"
                                + " call cost exceeds limit for rule: self.l.all(a, self.l.all(b,"
                                + " self.l.all(c, a + b + c >= 0)))");
    }

    @Test
    void theObjectsBudgetIsShared() {
        // validation.go: all rules of one object share RuntimeCELCostBudget; over it: "validation
        // failed due to running out of cost budget, no further validation rules will be run".
        CelRules r =
                CelRules.compile(
                        yaml(
                                """
                                type: object
                                properties:
                                  items:
                                    type: array
                                    items:
                                      type: string
                                      x-kubernetes-validations:
                                      - rule: self.size() < 100
                                """),
                        "s");
        StringBuilder obj = new StringBuilder("{items: [");
        for (int i = 0; i < 50; i++) {
            obj.append("a,");
        }
        obj.append("b]}");
        assertThat(r.validate(yaml(obj.toString()), null)).isEmpty();
        assertThat(messages(r.validate(yaml(obj.toString()), null, 40)))
                .containsExactly(
                        "items[10]: Invalid value: \"string\": validation failed due to running"
                                + " out of cost budget, no further validation rules will be run");
    }

    @Test
    void unsupportedFunctionsAndPlacesAreCompileErrors() {
        // A library j8s does not have is a compile error, never a silent pass; so are rules
        // inside allOf/anyOf/oneOf/not, which j8s does not evaluate.
        List<FieldError> errors =
                CelRules.check(
                        yaml(
                                """
                                type: object
                                x-kubernetes-validations:
                                - rule: ip('1.2.3.4').family() == 4
                                properties:
                                  a:
                                    type: string
                                    anyOf:
                                    - x-kubernetes-validations:
                                      - rule: self.size() > 1
                                """),
                        "s");
        assertThat(messages(errors))
                .containsExactly(
                        "s.properties[a].anyOf[0].x-kubernetes-validations: Forbidden: j8s does"
                                + " not evaluate x-kubernetes-validations inside allOf, anyOf,"
                                + " oneOf or not: put the rule on the enclosing schema");
        errors =
                CelRules.check(
                        yaml(
                                """
                                type: object
                                x-kubernetes-validations:
                                - rule: ip('1.2.3.4').family() == 4
                                """),
                        "s");
        assertThat(messages(errors)).hasSize(1);
        assertThat(messages(errors).get(0))
                .startsWith(
                        "s.x-kubernetes-validations[0].rule: Invalid value: \"ip('1.2.3.4').family()"
                                + " == 4\": compilation failed: ")
                .contains("undeclared reference to 'ip'");
    }

    @Test
    void formattedStringsAreTimestampsDurationsAndBytes() {
        // model.SchemaDeclType: format date-time/date is a timestamp, duration a duration, byte
        // bytes (UnstructuredToVal parses them).
        CelRules r =
                CelRules.compile(
                        yaml(
                                """
                                type: object
                                properties:
                                  start: {type: string, format: date-time}
                                  day: {type: string, format: date}
                                  timeout: {type: string, format: duration}
                                  data: {type: string, format: byte}
                                x-kubernetes-validations:
                                - rule: self.start > timestamp('2020-01-01T00:00:00Z')
                                - rule: self.day.getFullYear() == 2024
                                - rule: self.timeout > duration('1m') && self.timeout < duration('2h')
                                - rule: self.data == b'hello'
                                """),
                        "s");
        assertThat(
                        r.validate(
                                yaml(
                                        "{start: '2024-05-01T10:00:00+02:00', day: '2024-02-29',"
                                                + " timeout: 1h30m, data: aGVsbG8=}"),
                                null))
                .isEmpty();
        assertThat(
                        messages(
                                r.validate(
                                        yaml(
                                                "{start: '2019-05-01T10:00:00Z', day: '2024-02-29',"
                                                        + " timeout: 30s, data: aGVsbG8=}"),
                                        null)))
                .containsExactly(
                        "<nil>: Invalid value: \"object\": failed rule: self.start >"
                                + " timestamp('2020-01-01T00:00:00Z')",
                        "<nil>: Invalid value: \"object\": failed rule: self.timeout >"
                                + " duration('1m') && self.timeout < duration('2h')");
    }

    @Test
    void nullableFieldsCompareWithNull() {
        // A rule on a nullable field's value does not run on null (validation.go: "We only
        // validate non-null values"); the enclosing object's rule can test for null.
        CelRules r =
                CelRules.compile(
                        yaml(
                                """
                                type: object
                                x-kubernetes-validations:
                                - rule: self.n == null || self.n.size() > 1
                                  message: n too short
                                - rule: "!has(self.o) || self.o == null || self.o.a == 'y'"
                                  message: o.a must be y
                                properties:
                                  o:
                                    type: object
                                    nullable: true
                                    properties:
                                      a: {type: string}
                                  n:
                                    type: string
                                    nullable: true
                                    x-kubernetes-validations:
                                    - rule: self != 'x'
                                """),
                        "s");
        assertThat(r.validate(yaml("{n: null}"), null)).isEmpty();
        assertThat(r.validate(yaml("{n: ab, o: {a: y}}"), null)).isEmpty();
        assertThat(r.validate(yaml("{n: ab, o: null}"), null)).isEmpty();
        assertThat(messages(r.validate(yaml("{n: ab, o: {a: z}}"), null)))
                .containsExactly("<nil>: Invalid value: \"object\": o.a must be y");
        assertThat(messages(r.validate(yaml("{n: x}"), null)))
                .containsExactly(
                        "<nil>: Invalid value: \"object\": n too short",
                        "n: Invalid value: \"string\": failed rule: self != 'x'");
    }

    @Test
    void intOrStringAndPreserveUnknownAreDyn() {
        // model.SchemaDeclType: x-kubernetes-int-or-string and schemaless
        // x-kubernetes-preserve-unknown-fields are dyn.
        CelRules r =
                CelRules.compile(
                        yaml(
                                """
                                type: object
                                properties:
                                  port:
                                    x-kubernetes-int-or-string: true
                                    x-kubernetes-validations:
                                    - rule: "type(self) == int ? self > 0 : self.matches('^[a-z]+$')"
                                  extra:
                                    type: object
                                    x-kubernetes-preserve-unknown-fields: true
                                    x-kubernetes-validations:
                                    - rule: "!has(self.forbidden)"
                                """),
                        "s");
        assertThat(r.validate(yaml("{port: 8080, extra: {a: {b: 1}}}"), null)).isEmpty();
        assertThat(r.validate(yaml("{port: http}"), null)).isEmpty();
        assertThat(messages(r.validate(yaml("{port: 0, extra: {forbidden: 1}}"), null)))
                .containsExactly(
                        "port: Invalid value: \"\": failed rule: type(self) == int ? self > 0 :"
                                + " self.matches('^[a-z]+$')",
                        "extra: Invalid value: \"object\": failed rule: !has(self.forbidden)");
    }

    @Test
    void ratchetingKeepsUnchangedValues() {
        // validation.go shouldRatchetError: on update, a rule without oldSelf that fails on a
        // value equal to its old value does not fail the update (CRDValidationRatcheting).
        CelRules r =
                CelRules.compile(
                        yaml(
                                """
                                type: object
                                properties:
                                  a:
                                    type: string
                                    x-kubernetes-validations:
                                    - rule: self.size() < 3
                                """),
                        "s");
        assertThat(r.validate(yaml("{a: long}"), yaml("{a: long}"))).isEmpty();
        assertThat(r.validate(yaml("{a: longer}"), yaml("{a: long}"))).hasSize(1);
        assertThat(r.validate(yaml("{a: long}"), null)).hasSize(1);
    }

    @Test
    void blockingSchemaErrorsSkipTheRules() {
        // customresource strategy (hasBlockingErr): after a Required/NotSupported/TypeInvalid/
        // TooLong/TooMany schema error the rules are not run; one notice at <nil> stands for
        // them, as real clusters answer: `<nil>: Invalid value: "null": some validation rules
        // were not checked because the object was invalid; correct the existing errors to
        // complete validation`.
        CelRules r = rules();
        JsonNode bad = yaml("{spec: {replicas: 1, minReplicas: 2}}");
        assertThat(
                        messages(
                                r.validateAfterSchema(
                                        List.of(FieldError.required("spec.name")), bad, null)))
                .containsExactly(
                        "<nil>: Invalid value: \"null\": some validation rules were not checked"
                                + " because the object was invalid; correct the existing errors to"
                                + " complete validation");
        assertThat(
                        messages(
                                r.validateAfterSchema(
                                        List.of(FieldError.invalid("spec.x", 1, "bad")),
                                        bad,
                                        null)))
                .containsExactly(
                        "spec: Invalid value: \"object\": replicas must be at least minReplicas");
    }

    @Test
    void noRulesIsEmpty() {
        assertThat(CelRules.compile(yaml("{type: object}"), "s").isEmpty()).isTrue();
        assertThat(CelRules.compile(null, "s").validate(yaml("{a: 1}"), null)).isEmpty();
    }
}
