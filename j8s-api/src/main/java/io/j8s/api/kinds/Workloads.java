package io.j8s.api.kinds;

import io.j8s.api.json.GoEncoding;
import io.j8s.api.json.Json;
import io.j8s.api.selector.LabelSelector;
import io.j8s.api.selector.SelectorException;
import io.j8s.api.validation.FieldError;
import io.j8s.api.validation.GoValues;
import io.j8s.api.validation.ObjectMetaValidation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/** Validation shared by Deployments and ReplicaSets ({@code pkg/apis/apps/validation}). */
final class Workloads {

    private Workloads() {}

    /**
     * Replicas, selector (required, non-empty, valid), the template (labels matched by the
     * selector, a valid pod spec, {@code restartPolicy: Always}) and, on update, an immutable
     * selector.
     */
    static void validateReplicatedSpec(JsonNode spec, JsonNode oldSpec, List<FieldError> errs) {
        PodSpecs.nonNegative(spec, "replicas", "spec", errs);
        JsonNode selector = spec.get("selector");
        if (selector == null || selector.isNull()) {
            errs.add(FieldError.required("spec.selector"));
        } else {
            errs.addAll(ObjectMetaValidation.validateLabelSelector(selector, "spec.selector"));
            if (Json.stringMap(selector, "matchLabels").size()
                            + Json.elements(selector, "matchExpressions").size()
                    == 0) {
                errs.add(
                        FieldError.invalid(
                                "spec.selector",
                                renderSelector(selector),
                                "empty selector is invalid for deployment"));
            }
        }
        LabelSelector parsed = null;
        try {
            parsed = LabelSelector.fromMatchLabelsAndExpressions(selector);
        } catch (SelectorException e) {
            errs.add(
                    FieldError.invalid(
                            "spec.selector", renderSelector(selector), "invalid label selector"));
        }
        JsonNode template = spec.get("template");
        if (parsed != null) {
            if (template == null || template.isNull()) {
                errs.add(FieldError.required("spec.template"));
            } else {
                Map<String, String> labels = Json.stringMap(template, "metadata.labels");
                if (!parsed.isEverything() && !parsed.matches(labels)) {
                    errs.add(
                            FieldError.invalid(
                                    "spec.template.metadata.labels",
                                    labels,
                                    "`selector` does not match template `labels`"));
                }
                errs.addAll(
                        ObjectMetaValidation.validateLabels(
                                labels, "spec.template.metadata.labels"));
                errs.addAll(
                        ObjectMetaValidation.validateAnnotations(
                                Json.stringMap(template, "metadata.annotations"),
                                "spec.template.metadata.annotations"));
                PodSpecs.validate(template.get("spec"), "spec.template.spec", errs);
                String restartPolicy = Json.text(template, "spec.restartPolicy");
                if (!restartPolicy.equals("Always")) {
                    errs.add(
                            FieldError.notSupported(
                                    "spec.template.spec.restartPolicy",
                                    restartPolicy,
                                    List.of("Always")));
                }
                JsonNode ads = Json.at(template, "spec.activeDeadlineSeconds");
                if (ads != null) {
                    errs.add(
                            FieldError.invalid(
                                    "spec.template.spec.activeDeadlineSeconds",
                                    ads.asLong(),
                                    "activeDeadlineSeconds in ReplicaSet is not Supported"));
                }
            }
        }
        PodSpecs.nonNegative(spec, "minReadySeconds", "spec", errs);
        if (oldSpec != null) {
            JsonNode oldSelector = oldSpec.get("selector");
            if (!GoEncoding.semanticEqual(selector, oldSelector)) {
                errs.add(
                        FieldError.invalid(
                                "spec.selector", renderSelector(selector), "field is immutable"));
            }
        }
    }

    /** A {@code metav1.LabelSelector} as Go's {@code %#v} prints it. */
    static GoValues.Raw renderSelector(JsonNode selector) {
        if (selector == null || selector.isNull()) {
            return new GoValues.Raw("null");
        }
        Map<String, String> labels = new TreeMap<>(Json.stringMap(selector, "matchLabels"));
        String ml =
                selector.has("matchLabels") ? GoValues.render(labels) : "map[string]string(nil)";
        List<String> exprs = new ArrayList<>();
        for (JsonNode e : Json.elements(selector, "matchExpressions")) {
            List<String> values = Json.stringList(e, "values");
            exprs.add(
                    "v1.LabelSelectorRequirement{Key:"
                            + GoValues.quote(Json.str(e, "key"))
                            + ", Operator:"
                            + GoValues.quote(Json.str(e, "operator"))
                            + ", Values:"
                            + (values.isEmpty() ? "[]string(nil)" : GoValues.render(values))
                            + "}");
        }
        String me =
                exprs.isEmpty()
                        ? "[]v1.LabelSelectorRequirement(nil)"
                        : "[]v1.LabelSelectorRequirement{" + String.join(", ", exprs) + "}";
        return new GoValues.Raw(
                "v1.LabelSelector{MatchLabels:" + ml + ", MatchExpressions:" + me + "}");
    }
}
