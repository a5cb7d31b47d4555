package io.j8s.api.kinds;

import io.j8s.api.json.Json;
import io.j8s.api.table.Columns;
import io.j8s.api.table.Durations;
import io.j8s.api.table.TableColumn;
import io.j8s.api.validation.FieldError;
import io.j8s.api.validation.NameRules;
import io.j8s.api.validation.ObjectMetaValidation.NameRule;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Events of the core group ({@code v1}) and of {@code events.k8s.io/v1}. The two are one resource
 * in Kubernetes with different field names; this strategy reads either shape ({@code
 * involvedObject}/{@code message}/{@code firstTimestamp} or {@code regarding}/{@code note}/{@code
 * deprecatedFirstTimestamp}).
 */
public final class EventStrategy extends BaseStrategy {

    static final int REPORTING_INSTANCE_LIMIT = 128;
    static final int ACTION_LIMIT = 128;
    static final int REASON_LIMIT = 128;
    static final int NOTE_LIMIT = 1024;

    private static final Set<String> CORE_FIELD_LABELS =
            Set.of(
                    "metadata.name",
                    "metadata.namespace",
                    "involvedObject.kind",
                    "involvedObject.namespace",
                    "involvedObject.name",
                    "involvedObject.uid",
                    "involvedObject.apiVersion",
                    "involvedObject.resourceVersion",
                    "involvedObject.fieldPath",
                    "reason",
                    "reportingComponent",
                    "source",
                    "type");

    private final boolean eventsV1;

    /**
     * @param eventsV1 true for {@code events.k8s.io/v1}, false for core {@code v1}
     */
    public EventStrategy(boolean eventsV1) {
        super(true, NameRule.DNS_SUBDOMAIN);
        this.eventsV1 = eventsV1;
    }

    private static final List<String[]> RENAMES =
            List.of(
                    new String[] {"involvedObject", "regarding"},
                    new String[] {"source", "deprecatedSource"},
                    new String[] {"message", "note"},
                    new String[] {"firstTimestamp", "deprecatedFirstTimestamp"},
                    new String[] {"lastTimestamp", "deprecatedLastTimestamp"},
                    new String[] {"count", "deprecatedCount"},
                    new String[] {"reportingComponent", "reportingController"});

    /**
     * A core {@code v1} Event as {@code events.k8s.io/v1} shows it (Kubernetes stores one object
     * and converts: {@code involvedObject} becomes {@code regarding}, {@code message} becomes
     * {@code note}, ...). Returns a new object.
     */
    public static ObjectNode toEventsV1(ObjectNode coreEvent) {
        ObjectNode out = rename(coreEvent, 0, 1);
        out.put("apiVersion", "events.k8s.io/v1");
        out.put("kind", "Event");
        return out;
    }

    /** An {@code events.k8s.io/v1} Event as core {@code v1} shows it. Returns a new object. */
    public static ObjectNode toCoreV1(ObjectNode eventsV1Event) {
        ObjectNode out = rename(eventsV1Event, 1, 0);
        out.put("apiVersion", "v1");
        out.put("kind", "Event");
        return out;
    }

    private static ObjectNode rename(ObjectNode in, int from, int to) {
        ObjectNode out = in.deepCopy();
        for (String[] pair : RENAMES) {
            JsonNode v = out.remove(pair[from]);
            if (v != null) {
                out.set(pair[to], v);
            }
        }
        return out;
    }

    private String f(String core, String v1) {
        return eventsV1 ? v1 : core;
    }

    @Override
    void validateKind(ObjectNode event, ObjectNode old, List<FieldError> errs) {
        String namespace = Json.namespace(event);
        String involved = f("involvedObject", "regarding");
        String involvedNs = Json.text(event, involved + ".namespace");
        String controllerField = eventsV1 ? "reportingController" : "reportingComponent";
        boolean legacy = Json.text(event, "eventTime").isEmpty();
        if (legacy && !eventsV1) {
            if (involvedNs.isEmpty()) {
                if (!namespace.isEmpty() && !namespace.equals("default")) {
                    errs.add(
                            FieldError.invalid(
                                    involved + ".namespace",
                                    involvedNs,
                                    "does not match event.namespace"));
                }
            } else if (!namespace.equals(involvedNs)) {
                errs.add(
                        FieldError.invalid(
                                involved + ".namespace",
                                involvedNs,
                                "does not match event.namespace"));
            }
        } else {
            if (legacy) {
                errs.add(FieldError.required("eventTime"));
            }
            if (involvedNs.isEmpty()
                    && !namespace.equals("default")
                    && !namespace.equals("kube-system")) {
                errs.add(
                        FieldError.invalid(
                                involved + ".namespace",
                                involvedNs,
                                "does not match event.namespace"));
            }
            String controller =
                    Json.str(event, eventsV1 ? "reportingController" : "reportingComponent");
            if (controller.isEmpty()) {
                errs.add(FieldError.required(controllerField));
            }
            for (String msg : NameRules.qualifiedName(controller)) {
                errs.add(FieldError.invalid(controllerField, controller, msg));
            }
            lengthRequired(event, "reportingInstance", REPORTING_INSTANCE_LIMIT, errs);
            lengthRequired(event, "action", ACTION_LIMIT, errs);
            lengthRequired(event, "reason", REASON_LIMIT, errs);
            String note = Json.str(event, f("message", "note"));
            if (note.length() > NOTE_LIMIT) {
                errs.add(
                        FieldError.invalid(
                                f("message", "note"),
                                "",
                                "can have at most " + NOTE_LIMIT + " characters"));
            }
            String type = Json.str(event, "type");
            if (eventsV1 && !type.equals("Normal") && !type.equals("Warning")) {
                errs.add(FieldError.invalid("type", "", "has invalid value: " + type));
            }
        }
        for (String msg : NameRules.dns1123Subdomain(namespace)) {
            errs.add(FieldError.invalid("namespace", namespace, msg));
        }
    }

    private static void lengthRequired(
            JsonNode event, String field, int limit, List<FieldError> errs) {
        String value = Json.str(event, field);
        if (value.isEmpty()) {
            errs.add(FieldError.required(field));
        }
        if (value.length() > limit) {
            errs.add(FieldError.invalid(field, "", "can have at most " + limit + " characters"));
        }
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode event) {
        Map<String, String> fields = fields(event, true);
        if (eventsV1) {
            return fields;
        }
        for (String k :
                List.of(
                        "kind",
                        "namespace",
                        "name",
                        "uid",
                        "apiVersion",
                        "resourceVersion",
                        "fieldPath")) {
            fields.put("involvedObject." + k, Json.text(event, "involvedObject." + k));
        }
        fields.put("reason", Json.str(event, "reason"));
        fields.put("reportingComponent", Json.str(event, "reportingComponent"));
        fields.put("source", Json.text(event, "source.component"));
        fields.put("type", Json.str(event, "type"));
        return fields;
    }

    @Override
    public Set<String> fieldLabels() {
        return eventsV1 ? super.fieldLabels() : CORE_FIELD_LABELS;
    }

    @Override
    boolean customFieldLabels() {
        return !eventsV1;
    }

    @Override
    public List<TableColumn> tableColumns() {
        return List.of(
                Columns.string("Last Seen", Descriptions.EVENT_LAST_SEEN),
                Columns.string("Type", Descriptions.EVENT_TYPE),
                Columns.string("Reason", Descriptions.EVENT_REASON),
                Columns.string("Object", Descriptions.EVENT_OBJECT),
                Columns.wide("Subobject", Descriptions.EVENT_SUBOBJECT),
                Columns.wide("Source", Descriptions.EVENT_SOURCE),
                Columns.string("Message", Descriptions.EVENT_MESSAGE),
                Columns.wide("First Seen", Descriptions.EVENT_FIRST_SEEN),
                Columns.wide("Count", Descriptions.EVENT_COUNT),
                new TableColumn("Name", "string", "name", Columns.NAME_DESCRIPTION, 1));
    }

    /** A port of {@code printEvent}. */
    @Override
    public List<Object> tableCells(ObjectNode event, Instant now) {
        Instant first = Json.instant(event, f("firstTimestamp", "deprecatedFirstTimestamp"));
        Instant last = Json.instant(event, f("lastTimestamp", "deprecatedLastTimestamp"));
        Instant eventTime = Json.instant(event, "eventTime");
        String firstSeen =
                first != null ? Durations.age(first, now) : Durations.age(eventTime, now);
        String lastSeen = last != null ? Durations.age(last, now) : firstSeen;
        long count = Json.longAt(event, f("count", "deprecatedCount"), 0);
        JsonNode series = event.get("series");
        if (series != null && series.isObject()) {
            lastSeen = Durations.age(Json.instant(series, "lastObservedTime"), now);
            count = series.path("count").asLong(0);
        } else if (count == 0) {
            count = 1;
        }
        JsonNode involved = event.path(f("involvedObject", "regarding"));
        String kind = Json.str(involved, "kind").toLowerCase(Locale.ROOT);
        String name = Json.str(involved, "name");
        String target = name.isEmpty() ? kind : kind + "/" + name;
        JsonNode source = event.path(f("source", "deprecatedSource"));
        String component =
                firstNonEmpty(
                        Json.str(source, "component"),
                        Json.str(event, eventsV1 ? "reportingController" : "reportingComponent"));
        String instance =
                firstNonEmpty(Json.str(source, "host"), Json.str(event, "reportingInstance"));
        String sourceCell = instance.isEmpty() ? component : component + ", " + instance;
        return List.of(
                lastSeen,
                Json.str(event, "type"),
                Json.str(event, "reason"),
                target,
                Json.str(involved, "fieldPath"),
                sourceCell,
                Json.str(event, f("message", "note")).strip(),
                firstSeen,
                count,
                Json.name(event));
    }

    private static String firstNonEmpty(String a, String b) {
        return a.isEmpty() ? b : a;
    }
}
