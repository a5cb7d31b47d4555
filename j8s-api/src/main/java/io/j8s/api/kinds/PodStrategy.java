package io.j8s.api.kinds;

import io.j8s.api.json.GoEncoding;
import io.j8s.api.json.Json;
import io.j8s.api.table.Columns;
import io.j8s.api.table.Durations;
import io.j8s.api.table.TableColumn;
import io.j8s.api.validation.FieldError;
import io.j8s.api.validation.ObjectMetaValidation.NameRule;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Pods ({@code v1}): pod defaults, {@code ValidatePod}/{@code ValidatePodUpdate}, {@code printPod}.
 */
public final class PodStrategy extends BaseStrategy {

    static final String UPDATE_FORBIDDEN =
            "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

    private static final Set<String> FIELD_LABELS =
            Set.of(
                    "metadata.name",
                    "metadata.namespace",
                    "spec.nodeName",
                    "spec.restartPolicy",
                    "spec.schedulerName",
                    "spec.serviceAccountName",
                    "spec.hostNetwork",
                    "status.phase",
                    "status.podIP",
                    "status.podIPs",
                    "status.nominatedNodeName");

    public PodStrategy() {
        super(true, NameRule.DNS_SUBDOMAIN);
    }

    @Override
    public void applyDefaults(ObjectNode object) {
        ObjectNode spec = Json.child(object, "spec");
        PodSpecs.applyDefaults(spec, true);
        if (!spec.has("enableServiceLinks") || spec.get("enableServiceLinks").isNull()) {
            spec.put("enableServiceLinks", true);
        }
    }

    /**
     * A new Pod starts {@code Pending}, whatever status the client sent ({@code
     * podStrategy.PrepareForCreate}).
     */
    @Override
    public void prepareForCreate(ObjectNode object) {
        ObjectNode status = Json.object();
        status.put("phase", "Pending");
        object.set("status", status);
    }

    /**
     * A Pod bound to a node and still running is deleted gracefully: its {@code
     * terminationGracePeriodSeconds} (30 by default) unless the client asks for another (a negative
     * request counts as 0); the node's agent stops the containers and removes the Pod. An
     * unscheduled or finished Pod goes at once ({@code podStrategy.CheckGracefulDelete}).
     */
    @Override
    public long deletionGracePeriodSeconds(ObjectNode object, Long requested) {
        JsonNode spec = object.path("spec");
        String phase = object.path("status").path("phase").asString("");
        if (spec.path("nodeName").asString("").isEmpty()
                || phase.equals("Succeeded")
                || phase.equals("Failed")) {
            return 0;
        }
        long grace =
                requested != null
                        ? requested
                        : spec.path("terminationGracePeriodSeconds").asLong(30);
        return Math.max(grace, 0);
    }

    @Override
    void validateKind(ObjectNode object, ObjectNode old, List<FieldError> errs) {
        PodSpecs.validate(object.get("spec"), "spec", errs);
        if (old != null) {
            validateSpecUpdate(object.path("spec"), old.path("spec"), errs);
        }
    }

    /**
     * Only images, activeDeadlineSeconds, tolerations, terminationGracePeriodSeconds and binding
     * change.
     */
    private static void validateSpecUpdate(JsonNode spec, JsonNode oldSpec, List<FieldError> errs) {
        if (!spec.isObject() || !oldSpec.isObject()) {
            return;
        }
        ObjectNode a = maskMutable((ObjectNode) spec.deepCopy());
        ObjectNode b = maskMutable((ObjectNode) oldSpec.deepCopy());
        if (Json.str(oldSpec, "nodeName").isEmpty()) {
            a.remove("nodeName");
        }
        if (!GoEncoding.semanticEqual(a, b)) {
            errs.add(FieldError.forbidden("spec", UPDATE_FORBIDDEN));
        }
    }

    private static ObjectNode maskMutable(ObjectNode spec) {
        for (String list : List.of("containers", "initContainers")) {
            for (JsonNode c : Json.elements(spec, list)) {
                if (c instanceof ObjectNode container) {
                    container.remove("image");
                }
            }
        }
        spec.remove(
                List.of("activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds"));
        return spec;
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode pod) {
        Map<String, String> f = fields(pod, true);
        f.put("spec.nodeName", Json.text(pod, "spec.nodeName"));
        f.put("spec.restartPolicy", Json.text(pod, "spec.restartPolicy"));
        f.put("spec.schedulerName", Json.text(pod, "spec.schedulerName"));
        f.put("spec.serviceAccountName", Json.text(pod, "spec.serviceAccountName"));
        f.put("spec.hostNetwork", String.valueOf(Json.boolAt(pod, "spec.hostNetwork", false)));
        f.put("status.phase", Json.text(pod, "status.phase"));
        f.put("status.podIP", podIp(pod));
        f.put("status.nominatedNodeName", Json.text(pod, "status.nominatedNodeName"));
        return f;
    }

    @Override
    public Set<String> fieldLabels() {
        return FIELD_LABELS;
    }

    @Override
    boolean customFieldLabels() {
        return true;
    }

    static String podIp(JsonNode pod) {
        List<JsonNode> ips = Json.elements(pod, "status.podIPs");
        if (!ips.isEmpty()) {
            return Json.str(ips.get(0), "ip");
        }
        return Json.text(pod, "status.podIP");
    }

    @Override
    public List<TableColumn> tableColumns() {
        return List.of(
                Columns.name(),
                Columns.string("Ready", Descriptions.POD_READY),
                Columns.string("Status", Descriptions.POD_STATUS),
                Columns.string("Restarts", Descriptions.POD_RESTARTS),
                Columns.age(),
                Columns.wide("IP", Descriptions.POD_IP),
                Columns.wide("Node", Descriptions.POD_NODE),
                Columns.wide("Nominated Node", Descriptions.POD_NOMINATED_NODE),
                Columns.wide("Readiness Gates", Descriptions.POD_READINESS_GATES));
    }

    /** A port of {@code printPod}. */
    @Override
    public List<Object> tableCells(ObjectNode pod, Instant now) {
        JsonNode spec = pod.path("spec");
        JsonNode status = pod.path("status");
        long restarts = 0;
        long restartableInitRestarts = 0;
        int totalContainers = Json.elements(spec, "containers").size();
        int readyContainers = 0;
        Instant lastRestart = null;
        Instant lastRestartableInitRestart = null;

        String phase = Json.str(status, "phase");
        String reason = Json.str(status, "reason").isEmpty() ? phase : Json.str(status, "reason");
        List<JsonNode> conditions = Json.elements(status, "conditions");
        for (JsonNode c : conditions) {
            if ("PodScheduled".equals(Json.str(c, "type"))
                    && "SchedulingGated".equals(Json.str(c, "reason"))) {
                reason = "SchedulingGated";
            }
        }

        List<JsonNode> initSpecs = Json.elements(spec, "initContainers");
        Map<String, JsonNode> initContainers = new HashMap<>();
        for (JsonNode c : initSpecs) {
            initContainers.put(Json.str(c, "name"), c);
            if (restartable(c)) {
                totalContainers++;
            }
        }

        boolean initializing = false;
        List<JsonNode> initStatuses = Json.elements(status, "initContainerStatuses");
        for (int i = 0; i < initStatuses.size(); i++) {
            JsonNode cs = initStatuses.get(i);
            long count = cs.path("restartCount").asLong(0);
            restarts += count;
            Instant finished = Json.instant(cs, "lastState.terminated.finishedAt");
            if (hasTerminated(cs.path("lastState")) && after(finished, lastRestart)) {
                lastRestart = finished;
            }
            boolean isRestartable = restartable(initContainers.get(Json.str(cs, "name")));
            if (isRestartable) {
                restartableInitRestarts += count;
                if (hasTerminated(cs.path("lastState"))
                        && after(finished, lastRestartableInitRestart)) {
                    lastRestartableInitRestart = finished;
                }
            }
            JsonNode terminated = cs.path("state").path("terminated");
            JsonNode waiting = cs.path("state").path("waiting");
            if (terminated.isObject() && terminated.path("exitCode").asLong(0) == 0) {
                continue;
            } else if (isRestartable && cs.path("started").asBoolean(false)) {
                if (cs.path("ready").asBoolean(false)) {
                    readyContainers++;
                }
                continue;
            } else if (terminated.isObject()) {
                String r = Json.str(terminated, "reason");
                if (r.isEmpty()) {
                    long signal = terminated.path("signal").asLong(0);
                    reason =
                            signal != 0
                                    ? "Init:Signal:" + signal
                                    : "Init:ExitCode:" + terminated.path("exitCode").asLong(0);
                } else {
                    reason = "Init:" + r;
                }
                initializing = true;
            } else if (waiting.isObject()
                    && !Json.str(waiting, "reason").isEmpty()
                    && !"PodInitializing".equals(Json.str(waiting, "reason"))) {
                reason = "Init:" + Json.str(waiting, "reason");
                initializing = true;
            } else {
                reason = "Init:" + i + "/" + initSpecs.size();
                initializing = true;
            }
            break;
        }

        if (!initializing || conditionTrue(conditions, "Initialized")) {
            restarts = restartableInitRestarts;
            lastRestart = lastRestartableInitRestart;
            boolean hasRunning = false;
            List<JsonNode> statuses = Json.elements(status, "containerStatuses");
            for (int i = statuses.size() - 1; i >= 0; i--) {
                JsonNode cs = statuses.get(i);
                restarts += cs.path("restartCount").asLong(0);
                Instant finished = Json.instant(cs, "lastState.terminated.finishedAt");
                if (hasTerminated(cs.path("lastState")) && after(finished, lastRestart)) {
                    lastRestart = finished;
                }
                JsonNode waiting = cs.path("state").path("waiting");
                JsonNode terminated = cs.path("state").path("terminated");
                if (waiting.isObject() && !Json.str(waiting, "reason").isEmpty()) {
                    reason = Json.str(waiting, "reason");
                } else if (terminated.isObject() && !Json.str(terminated, "reason").isEmpty()) {
                    reason = Json.str(terminated, "reason");
                } else if (terminated.isObject()) {
                    long signal = terminated.path("signal").asLong(0);
                    reason =
                            signal != 0
                                    ? "Signal:" + signal
                                    : "ExitCode:" + terminated.path("exitCode").asLong(0);
                } else if (cs.path("ready").asBoolean(false)
                        && cs.path("state").path("running").isObject()) {
                    hasRunning = true;
                    readyContainers++;
                }
            }
            if (reason.equals("Completed") && hasRunning) {
                reason = conditionTrue(conditions, "Ready") ? "Running" : "NotReady";
            }
        }

        boolean deleting = Json.has(pod, "metadata.deletionTimestamp");
        if (deleting && "NodeLost".equals(Json.str(status, "reason"))) {
            reason = "Unknown";
        } else if (deleting && !phase.equals("Failed") && !phase.equals("Succeeded")) {
            reason = "Terminating";
        }

        String restartsCell = String.valueOf(restarts);
        if (restarts != 0 && lastRestart != null) {
            restartsCell = restarts + " (" + Durations.age(lastRestart, now) + " ago)";
        }

        String podIp = podIp(pod);
        String nodeName = Json.str(spec, "nodeName");
        String nominated = Json.str(status, "nominatedNodeName");
        String gates = "<none>";
        List<JsonNode> readinessGates = Json.elements(spec, "readinessGates");
        if (!readinessGates.isEmpty()) {
            int trueConditions = 0;
            for (JsonNode gate : readinessGates) {
                for (JsonNode c : conditions) {
                    if (Json.str(c, "type").equals(Json.str(gate, "conditionType"))) {
                        if ("True".equals(Json.str(c, "status"))) {
                            trueConditions++;
                        }
                        break;
                    }
                }
            }
            gates = trueConditions + "/" + readinessGates.size();
        }
        return List.of(
                Json.name(pod),
                readyContainers + "/" + totalContainers,
                reason,
                restartsCell,
                Durations.age(created(pod), now),
                podIp.isEmpty() ? "<none>" : podIp,
                nodeName.isEmpty() ? "<none>" : nodeName,
                nominated.isEmpty() ? "<none>" : nominated,
                gates);
    }

    private static boolean restartable(JsonNode initContainer) {
        return initContainer != null && "Always".equals(Json.str(initContainer, "restartPolicy"));
    }

    private static boolean hasTerminated(JsonNode state) {
        return state.path("terminated").isObject();
    }

    private static boolean after(Instant candidate, Instant current) {
        if (candidate == null) {
            return false;
        }
        return current == null || candidate.isAfter(current);
    }

    static boolean conditionTrue(List<JsonNode> conditions, String type) {
        for (JsonNode c : conditions) {
            if (type.equals(Json.str(c, "type")) && "True".equals(Json.str(c, "status"))) {
                return true;
            }
        }
        return false;
    }
}
