package io.j8s.api.kinds;

import io.j8s.api.json.Json;
import io.j8s.api.selector.LabelSelector;
import io.j8s.api.selector.SelectorException;
import io.j8s.api.table.Columns;
import io.j8s.api.table.Durations;
import io.j8s.api.table.TableColumn;
import io.j8s.api.validation.FieldError;
import io.j8s.api.validation.GoValues;
import io.j8s.api.validation.ObjectMetaValidation.NameRule;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Deployments ({@code apps/v1}): {@code SetDefaults_Deployment}, validation, {@code
 * printDeployment}.
 */
public final class DeploymentStrategy extends BaseStrategy {

    public DeploymentStrategy() {
        super(true, NameRule.DNS_SUBDOMAIN);
    }

    /**
     * The status is the controller's: a new object starts without one ({@code
     * deploymentStrategy.PrepareForCreate}).
     */
    @Override
    public void prepareForCreate(ObjectNode object) {
        object.remove("status");
    }

    @Override
    public void applyDefaults(ObjectNode object) {
        ObjectNode spec = Json.child(object, "spec");
        Json.defaultInt(spec, "replicas", 1);
        ObjectNode strategy = Json.child(spec, "strategy");
        Json.defaultString(strategy, "type", "RollingUpdate");
        if ("RollingUpdate".equals(Json.str(strategy, "type"))) {
            ObjectNode rolling = Json.child(strategy, "rollingUpdate");
            if (!rolling.has("maxUnavailable") || rolling.get("maxUnavailable").isNull()) {
                rolling.put("maxUnavailable", "25%");
            }
            if (!rolling.has("maxSurge") || rolling.get("maxSurge").isNull()) {
                rolling.put("maxSurge", "25%");
            }
        }
        Json.defaultInt(spec, "revisionHistoryLimit", 10);
        Json.defaultInt(spec, "progressDeadlineSeconds", 600);
        PodSpecs.applyTemplateDefaults(object);
    }

    @Override
    void validateKind(ObjectNode object, ObjectNode old, List<FieldError> errs) {
        JsonNode spec = object.path("spec");
        Workloads.validateReplicatedSpec(spec, old == null ? null : old.path("spec"), errs);
        validateStrategy(spec.path("strategy"), errs);
        JsonNode rhl = spec.get("revisionHistoryLimit");
        if (rhl != null && rhl.isNumber() && rhl.longValue() < 0) {
            errs.add(
                    FieldError.invalid(
                            "spec.revisionHistoryLimit",
                            rhl.longValue(),
                            "must be greater than or equal to 0"));
        }
        JsonNode pds = spec.get("progressDeadlineSeconds");
        if (pds != null && pds.isNumber()) {
            if (pds.longValue() < 0) {
                errs.add(
                        FieldError.invalid(
                                "spec.progressDeadlineSeconds",
                                pds.longValue(),
                                "must be greater than or equal to 0"));
            }
            if (pds.longValue() <= spec.path("minReadySeconds").asLong(0)) {
                errs.add(
                        FieldError.invalid(
                                "spec.progressDeadlineSeconds",
                                pds.longValue(),
                                "must be greater than minReadySeconds"));
            }
        }
    }

    private static void validateStrategy(JsonNode strategy, List<FieldError> errs) {
        String type = Json.str(strategy, "type");
        switch (type) {
            case "Recreate" -> {
                if (strategy.has("rollingUpdate") && !strategy.get("rollingUpdate").isNull()) {
                    errs.add(
                            FieldError.forbidden(
                                    "spec.strategy.rollingUpdate",
                                    "may not be specified when strategy `type` is 'Recreate'"));
                }
            }
            case "RollingUpdate" -> {
                JsonNode ru = strategy.get("rollingUpdate");
                if (ru == null || ru.isNull()) {
                    errs.add(
                            FieldError.required(
                                    "spec.strategy.rollingUpdate",
                                    "this should be defaulted and never be nil"));
                } else {
                    validateIntOrPercent(
                            ru.get("maxUnavailable"),
                            "spec.strategy.rollingUpdate.maxUnavailable",
                            errs);
                    validateIntOrPercent(
                            ru.get("maxSurge"), "spec.strategy.rollingUpdate.maxSurge", errs);
                    if (isZero(ru.get("maxUnavailable")) && isZero(ru.get("maxSurge"))) {
                        errs.add(
                                FieldError.invalid(
                                        "spec.strategy.rollingUpdate.maxUnavailable",
                                        render(ru.get("maxUnavailable")),
                                        "may not be 0 when `maxSurge` is 0"));
                    }
                    if (percent(ru.get("maxUnavailable")) > 100) {
                        errs.add(
                                FieldError.invalid(
                                        "spec.strategy.rollingUpdate.maxUnavailable",
                                        render(ru.get("maxUnavailable")),
                                        "must not be greater than 100%"));
                    }
                }
            }
            default ->
                    errs.add(
                            FieldError.notSupported(
                                    "spec.strategy",
                                    new GoValues.Raw(strategy.toString()),
                                    List.of("Recreate", "RollingUpdate")));
        }
    }

    private static Object render(JsonNode v) {
        return v == null ? 0 : v.isString() ? v.stringValue() : v.asLong();
    }

    private static boolean isZero(JsonNode v) {
        if (v == null || v.isNull()) {
            return true;
        }
        return v.isNumber()
                ? v.longValue() == 0
                : v.stringValue().equals("0%") || v.stringValue().equals("0");
    }

    private static long percent(JsonNode v) {
        if (v != null && v.isString() && v.stringValue().endsWith("%")) {
            try {
                return Long.parseLong(v.stringValue().substring(0, v.stringValue().length() - 1));
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    private static void validateIntOrPercent(JsonNode v, String path, List<FieldError> errs) {
        if (v == null || v.isNull()) {
            return;
        }
        if (v.isNumber()) {
            if (v.longValue() < 0) {
                errs.add(
                        FieldError.invalid(
                                path, v.longValue(), "must be greater than or equal to 0"));
            }
            return;
        }
        String s = v.stringValue();
        if (!s.matches("[0-9]+%")) {
            errs.add(
                    FieldError.invalid(
                            path,
                            s,
                            "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"));
        }
    }

    @Override
    public List<TableColumn> tableColumns() {
        return List.of(
                Columns.name(),
                Columns.string("Ready", Descriptions.READY_PODS),
                Columns.string("Up-to-date", Descriptions.DEPLOYMENT_UPDATED),
                Columns.string("Available", Descriptions.DEPLOYMENT_AVAILABLE),
                Columns.age(),
                Columns.wide("Containers", Columns.CONTAINERS_DESCRIPTION),
                Columns.wide("Images", Columns.IMAGES_DESCRIPTION),
                Columns.wide("Selector", Descriptions.DEPLOYMENT_SELECTOR));
    }

    @Override
    public List<Object> tableCells(ObjectNode d, Instant now) {
        JsonNode spec = d.path("spec");
        JsonNode status = d.path("status");
        String selector;
        try {
            selector = LabelSelector.fromMatchLabelsAndExpressions(spec.get("selector")).toString();
        } catch (SelectorException e) {
            selector = "<invalid>";
        }
        String[] cells = PodSpecs.containerCells(spec.path("template").path("spec"));
        return List.of(
                Json.name(d),
                status.path("readyReplicas").asLong(0) + "/" + spec.path("replicas").asLong(0),
                status.path("updatedReplicas").asLong(0),
                status.path("availableReplicas").asLong(0),
                Durations.age(created(d), now),
                cells[0],
                cells[1],
                selector);
    }
}
