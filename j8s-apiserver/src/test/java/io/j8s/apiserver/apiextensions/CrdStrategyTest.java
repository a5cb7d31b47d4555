package io.j8s.apiserver.apiextensions;

import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.api.json.Json;
import io.j8s.api.validation.FieldError;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class CrdStrategyTest {
    private final CrdStrategy strategy = new CrdStrategy(SchemaSupport.ACCEPT_ALL);

    static ObjectNode crd() {
        return Json.readYamlObject(
                """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata:
                  name: widgets.example.com
                spec:
                  group: example.com
                  scope: Namespaced
                  names: {plural: widgets, kind: Widget}
                  versions:
                  - name: v1
                    served: true
                    storage: true
                    schema:
                      openAPIV3Schema: {type: object}
                """);
    }

    private List<String> errors(ObjectNode crd) {
        strategy.applyDefaults(crd);
        return strategy.validate(crd, null).stream().map(FieldError::toString).toList();
    }

    @Test
    void aValidCrdHasNoErrorsAndGetsDefaults() {
        ObjectNode crd = crd();
        assertThat(errors(crd)).isEmpty();
        assertThat(Json.text(crd, "spec.names.singular")).isEqualTo("widget");
        assertThat(Json.text(crd, "spec.names.listKind")).isEqualTo("WidgetList");
        assertThat(Json.text(crd, "spec.conversion.strategy")).isEqualTo("None");
    }

    @Test
    void theNameMustBePluralDotGroup() {
        ObjectNode crd = crd();
        Json.objectAt(crd, "metadata").put("name", "gadgets.example.com");
        assertThat(errors(crd))
                .anyMatch(
                        e ->
                                e.contains("metadata.name")
                                                && e.contains(
                                                        "must be spec.names.plural+\\\".\\\"+spec.group")
                                        || e.contains(
                                                "must be spec.names.plural+\".\"+spec.group"));
    }

    @Test
    void exactlyOneStorageVersion() {
        ObjectNode crd = crd();
        ObjectNode second = (ObjectNode) Json.arrayAt(crd, "spec.versions").get(0).deepCopy();
        second.put("name", "v2");
        Json.arrayAt(crd, "spec.versions").add(second);
        assertThat(errors(crd))
                .anyMatch(
                        e -> e.contains("must have exactly one version marked as storage version"));
    }

    @Test
    void webhookConversionIsRefused() {
        ObjectNode crd = crd();
        Json.ensureObject(crd, "spec.conversion").put("strategy", "Webhook");
        assertThat(errors(crd))
                .anyMatch(
                        e -> e.contains("spec.conversion.strategy") && e.contains("not supported"));
    }

    @Test
    void badNamesScopeAndColumns() {
        ObjectNode crd = crd();
        Json.objectAt(crd, "spec").put("scope", "Global");
        Json.objectAt(crd, "spec.names").put("kind", "9Widget");
        ((ObjectNode) Json.arrayAt(crd, "spec.versions").get(0))
                .putArray("additionalPrinterColumns")
                .addObject()
                .put("name", "X")
                .put("type", "float")
                .put("jsonPath", "spec.x");
        List<String> errs = errors(crd);
        assertThat(errs).anyMatch(e -> e.contains("spec.scope") && e.contains("Unsupported value"));
        assertThat(errs).anyMatch(e -> e.contains("spec.names.kind"));
        assertThat(errs)
                .anyMatch(e -> e.contains("spec.versions[0].additionalPrinterColumns[0].type"));
        assertThat(errs)
                .anyMatch(e -> e.contains("spec.versions[0].additionalPrinterColumns[0].jsonPath"));
    }

    @Test
    void theGroupScopeAndPluralAreImmutable() {
        ObjectNode old = crd();
        strategy.applyDefaults(old);
        ObjectNode updated = old.deepCopy();
        Json.objectAt(updated, "spec").put("scope", "Cluster");
        assertThat(strategy.validate(updated, old))
                .extracting(FieldError::toString)
                .anyMatch(e -> e.contains("spec.scope") && e.contains("field is immutable"));
    }

    @Test
    void aNewCrdGetsTheCleanupFinalizer() {
        ObjectNode crd = crd();
        strategy.prepareForCreate(crd);
        assertThat(Json.arrayAt(crd, "metadata.finalizers").get(0).asString())
                .isEqualTo("customresourcecleanup.apiextensions.k8s.io");
    }
}
