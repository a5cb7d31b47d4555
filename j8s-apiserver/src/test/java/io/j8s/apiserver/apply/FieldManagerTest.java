package io.j8s.apiserver.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.j8s.api.ResourceType;
import io.j8s.api.ResourceTypes;
import io.j8s.api.json.Json;
import io.j8s.apiserver.errors.ApiException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Server-side apply and field ownership against a table of cases named after
 * structured-merge-diff's {@code merge/*_test.go} and the apiserver's fieldmanager tests; each case
 * cites its source. The field names differ from the sources' (they use test schemas; these use
 * ConfigMap, Deployment, Service), the expectations do not.
 */
class FieldManagerTest {
    private static final ResourceType CONFIGMAPS =
            ResourceTypes.byResource("", "v1", "configmaps").orElseThrow();
    private static final ResourceType DEPLOYMENTS =
            ResourceTypes.byResource("apps", "v1", "deployments").orElseThrow();
    private static final ResourceType SERVICES =
            ResourceTypes.byResource("", "v1", "services").orElseThrow();

    private static Case on(ResourceType type) {
        return new Case(type);
    }

    /** One case: an object and the operations on it. */
    static final class Case {
        final ResourceType type;
        ObjectNode live;
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        Case(ResourceType type) {
            this.type = type;
        }

        ObjectNode config(String body) {
            ObjectNode o =
                    Json.readYamlObject(
                            "apiVersion: "
                                    + type.apiVersion()
                                    + "\nkind: "
                                    + type.kind()
                                    + "\nmetadata:\n  name: x\n  namespace: ns\n"
                                    + body);
            return o;
        }

        Case apply(String manager, String body) {
            now = now.plusSeconds(1);
            live = FieldManager.apply(type, live, config(body), manager, false, null, now);
            return this;
        }

        Case forceApply(String manager, String body) {
            now = now.plusSeconds(1);
            live = FieldManager.apply(type, live, config(body), manager, true, null, now);
            return this;
        }

        Case update(String manager, String body) {
            now = now.plusSeconds(1);
            ObjectNode next = config(body);
            if (live != null) {
                ((ObjectNode) next.get("metadata"))
                        .set(
                                "managedFields",
                                live.path("metadata").path("managedFields").deepCopy());
                FieldManager.trackUpdate(type, live, next, manager, null, now);
            } else {
                FieldManager.trackCreate(type, next, manager, now);
            }
            live = next;
            return this;
        }

        ApiException conflict(String manager, String body) {
            ObjectNode before = live.deepCopy();
            try {
                FieldManager.apply(type, live, config(body), manager, false, null, now);
            } catch (ApiException e) {
                assertThat(live).isEqualTo(before);
                return e;
            }
            throw new AssertionError("no conflict");
        }

        String fields(String manager) {
            for (JsonNode e : live.path("metadata").path("managedFields")) {
                if (e.path("manager").asString().equals(manager)) {
                    return Json.write(e.get("fieldsV1"));
                }
            }
            return null;
        }

        List<String> managers() {
            List<String> out = new ArrayList<>();
            for (JsonNode e : live.path("metadata").path("managedFields")) {
                out.add(e.path("manager").asString() + "/" + e.path("operation").asString());
            }
            return out;
        }

        JsonNode at(String dotted) {
            return Json.at(live, dotted);
        }
    }

    // ---- leaves (merge/leaf_test.go, TestUpdateLeaf)

    @Test
    void leafApplyTwice() {
        Case t = on(CONFIGMAPS);
        // merge/leaf_test.go "apply_twice": the second apply's fields replace the first's.
        t.apply("default", "data:\n  numeric: '1'\n  string: string\n");
        t.apply("default", "data:\n  numeric: '2'\n  string: string\n  bool: 'false'\n");
        assertThat(Json.write(t.live.get("data")))
                .isEqualTo("{\"numeric\":\"2\",\"string\":\"string\",\"bool\":\"false\"}");
        assertThat(t.fields("default"))
                .isEqualTo("{\"f:data\":{\"f:bool\":{},\"f:numeric\":{},\"f:string\":{}}}");
        assertThat(t.managers()).containsExactly("default/Apply");
    }

    @Test
    void leafApplyUpdateApplyWithConflict() {
        Case t = on(CONFIGMAPS);
        // merge/leaf_test.go "apply_update_apply_with_conflict": the updater's changed field
        // conflicts; force takes it, the updater keeps what it alone set.
        t.apply("default", "data:\n  numeric: '1'\n  string: string\n");
        t.update(
                "controller",
                "data:\n  numeric: '1'\n  string: controller string\n  bool: 'true'\n");
        ApiException e = t.conflict("default", "data:\n  numeric: '2'\n  string: user string\n");
        assertThat(e.code()).isEqualTo(409);
        assertThat(e.reason()).isEqualTo("Conflict");
        // The message and cause of the apiserver's internal.NewConflictError.
        assertThat(e.getMessage())
                .isEqualTo(
                        "Apply failed with 1 conflict: conflict with \"controller\" using v1:"
                                + " .data.string");
        assertThat(e.causes())
                .containsExactly(
                        new ApiException.Cause(
                                "FieldManagerConflict",
                                "conflict with \"controller\" using v1",
                                ".data.string"));
        t.forceApply("default", "data:\n  numeric: '2'\n  string: user string\n");
        assertThat(Json.write(t.live.get("data")))
                .isEqualTo("{\"numeric\":\"2\",\"string\":\"user string\",\"bool\":\"true\"}");
        assertThat(t.fields("default"))
                .isEqualTo("{\"f:data\":{\"f:numeric\":{},\"f:string\":{}}}");
        assertThat(t.fields("controller")).isEqualTo("{\"f:data\":{\"f:bool\":{}}}");
    }

    @Test
    void leafApplyTwiceRemove() {
        Case t = on(CONFIGMAPS);
        // merge/leaf_test.go "apply_twice_remove": a field the manager stops applying goes.
        t.apply("default", "data:\n  numeric: '1'\n  string: string\n  bool: 'false'\n");
        t.apply("default", "data:\n  string: new string\n");
        assertThat(Json.write(t.live.get("data"))).isEqualTo("{\"string\":\"new string\"}");
        assertThat(t.fields("default")).isEqualTo("{\"f:data\":{\"f:string\":{}}}");
    }

    @Test
    void updateApplyOmits() {
        Case t = on(CONFIGMAPS);
        // merge/leaf_test.go "update_apply_omits": the updater took the field over, so the
        // applier's empty config does not remove it; the applier owns nothing and is dropped.
        t.apply("default", "data:\n  numeric: '2'\n");
        t.update("controller", "data:\n  numeric: '1'\n");
        t.apply("default", "");
        assertThat(Json.write(t.live.get("data"))).isEqualTo("{\"numeric\":\"1\"}");
        assertThat(t.managers()).containsExactly("controller/Update");
        assertThat(t.fields("controller")).isEqualTo("{\"f:data\":{\"f:numeric\":{}}}");
    }

    @Test
    void sameValueNoConflict() {
        Case t = on(CONFIGMAPS);
        // merge/multiple_appliers_test.go "same_value_no_conflict": two appliers of the same
        // value share the field.
        t.apply("apply-one", "data:\n  a: '0'\n");
        t.apply("apply-two", "data:\n  a: '0'\n");
        assertThat(t.fields("apply-one")).isEqualTo("{\"f:data\":{\"f:a\":{}}}");
        assertThat(t.fields("apply-two")).isEqualTo("{\"f:data\":{\"f:a\":{}}}");
    }

    @Test
    void unsetScalarSharedWithUpdater() {
        Case t = on(CONFIGMAPS);
        // merge/multiple_appliers_test.go "unset_scalar_shared_with_updater": a field the
        // applier stops applying stays while an updater owns it.
        t.update("updater", "data:\n  name: a\n  scalar: a\n");
        t.apply("applier", "data:\n  name: a\n  scalar: a\n");
        t.apply("applier", "data:\n  name: a\n");
        assertThat(Json.write(t.live.get("data"))).isEqualTo("{\"name\":\"a\",\"scalar\":\"a\"}");
        assertThat(t.fields("applier")).isEqualTo("{\"f:data\":{\"f:name\":{}}}");
        assertThat(t.fields("updater"))
                .isEqualTo("{\"f:data\":{\".\":{},\"f:name\":{},\"f:scalar\":{}}}");
    }

    @Test
    void applyTwiceIsANoOp() {
        Case t = on(CONFIGMAPS);
        // The apiserver's fieldmanager: an apply that changes nothing keeps the entry's time
        // (managedFieldsUpdater sets it only when the object changed).
        t.apply("default", "data:\n  a: '1'\n");
        ObjectNode first = t.live.deepCopy();
        t.apply("default", "data:\n  a: '1'\n");
        assertThat(t.live).isEqualTo(first);
    }

    // ---- lists keyed by fields (merge/key_test.go, merge/multiple_appliers_test.go)

    private static final String CONTAINER_A =
            "spec:\n  selector:\n    matchLabels: {app: x}\n  template:\n    metadata:\n"
                    + "      labels: {app: x}\n    spec:\n      containers:\n";

    @Test
    void removingObsoleteAppliedStructs() {
        // merge/key_test.go "removing_obsolete_applied_structs": an item keyed by name that the
        // manager stops applying is removed, the new one added.
        Case t = on(DEPLOYMENTS);
        t.apply("default", CONTAINER_A + "      - name: a\n        image: one\n");
        t.apply("default", CONTAINER_A + "      - name: b\n        image: two\n");
        assertThat(Json.write(t.at("spec.template.spec.containers")))
                .isEqualTo("[{\"name\":\"b\",\"image\":\"two\"}]");
        assertThat(t.fields("default"))
                .contains(
                        "\"f:containers\":{\"k:{\\\"name\\\":\\\"b\\\"}\":{\".\":{},\"f:image\":{},\"f:name\":{}}}");
    }

    @Test
    void listMapMergeOfTwoAppliers() {
        // merge/multiple_appliers_test.go "remove_one_keep_one" (first steps): two appliers each
        // own their item of a list keyed by name; both items stay.
        Case t = on(DEPLOYMENTS);
        t.apply("one", CONTAINER_A + "      - name: a\n        image: one\n");
        t.apply("two", CONTAINER_A + "      - name: b\n        image: two\n");
        assertThat(Json.write(t.at("spec.template.spec.containers")))
                .isEqualTo(
                        "[{\"name\":\"a\",\"image\":\"one\"},{\"name\":\"b\",\"image\":\"two\"}]");
        assertThat(t.fields("one"))
                .contains("k:{\\\"name\\\":\\\"a\\\"}")
                .doesNotContain("\\\"b\\\"");
        assertThat(t.fields("two")).contains("k:{\\\"name\\\":\\\"b\\\"}");
    }

    @Test
    void changeValueYesConflict() {
        // merge/multiple_appliers_test.go "change_value_yes_conflict": the conflict's path names
        // the item by its key.
        Case t = on(DEPLOYMENTS);
        t.apply("apply-one", CONTAINER_A + "      - name: a\n        image: zero\n");
        ApiException e =
                t.conflict("apply-two", CONTAINER_A + "      - name: a\n        image: one\n");
        assertThat(e.getMessage())
                .isEqualTo(
                        "Apply failed with 1 conflict: conflict with \"apply-one\":"
                                + " .spec.template.spec.containers[name=\"a\"].image");
    }

    @Test
    void portsKeyedByPortAndDefaultedProtocol() {
        // merge/default_keys_test.go: a key field with a default (a port's protocol) may be
        // omitted and still names the live item.
        Case t = on(SERVICES);
        t.update(
                "creator",
                "spec:\n  ports:\n  - port: 80\n    protocol: TCP\n    targetPort: 8080\n");
        t.apply("default", "spec:\n  ports:\n  - port: 80\n    name: web\n");
        assertThat(t.at("spec.ports").size()).isEqualTo(1);
        assertThat(t.fields("default"))
                .contains("k:{\\\"port\\\":80,\\\"protocol\\\":\\\"TCP\\\"}");
    }

    // ---- sets and atomic lists

    @Test
    void setApplyTwiceReorder() {
        Case t = on(CONFIGMAPS);
        // merge/set_test.go "apply_twice_reorder": a set takes the applied order; each value is
        // owned.
        ObjectNode first =
                FieldManager.apply(
                        t.type,
                        null,
                        Json.readYamlObject(
                                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
                                        + "  finalizers: [a, b, c, d]\n"),
                        "default",
                        false,
                        null,
                        t.now);
        ObjectNode second =
                FieldManager.apply(
                        t.type,
                        first,
                        Json.readYamlObject(
                                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
                                        + "  finalizers: [a, d, c, b]\n"),
                        "default",
                        false,
                        null,
                        t.now);
        assertThat(Json.write(second.path("metadata").get("finalizers")))
                .isEqualTo("[\"a\",\"d\",\"c\",\"b\"]");
        assertThat(Json.write(second.path("metadata").path("managedFields").get(0).get("fieldsV1")))
                .isEqualTo(
                        "{\"f:metadata\":{\"f:finalizers\":{\"v:\\\"a\\\"\":{},\"v:\\\"b\\\"\":{},\"v:\\\"c\\\"\":{},\"v:\\\"d\\\"\":{}}}}");
    }

    @Test
    void atomicListIsOwnedWhole() {
        // merge/deduced_test.go "apply_twice_list_is_atomic" and the atomic list type: an atomic
        // list is one field, replaced whole, and a second applier's different list conflicts.
        Case t = on(SERVICES);
        t.apply("one", "spec:\n  externalIPs: [1.1.1.1, 2.2.2.2]\n");
        t.apply("one", "spec:\n  externalIPs: [3.3.3.3]\n");
        assertThat(Json.write(t.at("spec.externalIPs"))).isEqualTo("[\"3.3.3.3\"]");
        assertThat(t.fields("one")).isEqualTo("{\"f:spec\":{\"f:externalIPs\":{}}}");
        ApiException e = t.conflict("two", "spec:\n  externalIPs: [4.4.4.4]\n");
        assertThat(e.getMessage()).endsWith("conflict with \"one\": .spec.externalIPs");
    }

    // ---- the apiserver's fieldmanager rules

    @Test
    void updatesOfOneManagerMergeAndCreateOwnsWhatItSet() {
        Case t = on(CONFIGMAPS);
        // fieldmanager's managedFieldsUpdater: one entry per manager and operation; a create
        // owns all it set (labels as a map: ".").
        t.update("kubectl-create", "metadata:\n  labels: {a: b}\ndata:\n  x: '1'\n");
        t.update("kubectl-create", "metadata:\n  labels: {a: b}\ndata:\n  x: '1'\n  y: '2'\n");
        assertThat(t.managers()).containsExactly("kubectl-create/Update");
        assertThat(t.fields("kubectl-create"))
                .isEqualTo(
                        "{\"f:data\":{\".\":{},\"f:x\":{},\"f:y\":{}},\"f:metadata\":{\"f:labels\":{\".\":{},\"f:a\":{}}}}");
    }

    @Test
    void updateManagersAreCappedAtTen() {
        Case t = on(CONFIGMAPS);
        // fieldmanager's capmanagers_test.go: beyond 10 Update entries the oldest merge into
        // "ancient-changes".
        t.update("m0", "data:\n  k0: v\n");
        StringBuilder data = new StringBuilder("data:\n  k0: v\n");
        for (int i = 1; i <= 11; i++) {
            data.append("  k").append(i).append(": v\n");
            t.update("m" + i, data.toString());
        }
        assertThat(t.managers()).hasSize(10).contains("ancient-changes/Update");
        assertThat(t.managers()).doesNotContain("m0/Update", "m1/Update", "m2/Update");
    }

    @Test
    void resetClearsManagedFields() {
        Case t = on(CONFIGMAPS);
        // fieldmanager.go isResetManagedFields: [{}] clears them, and an untracked object's
        // updates stay untracked (skipNonAppliedManager).
        t.update("a", "data:\n  x: '1'\n");
        ObjectNode next = t.config("data:\n  x: '2'\n");
        ((ObjectNode) next.get("metadata")).putArray("managedFields").addObject();
        FieldManager.trackUpdate(t.type, t.live, next, "b", null, t.now);
        assertThat(next.path("metadata").has("managedFields")).isFalse();
    }

    @Test
    void applyConfigChecks() {
        Case t = on(CONFIGMAPS);
        assertThatThrownBy(
                        () ->
                                FieldManager.apply(
                                        t.type,
                                        null,
                                        Json.readYamlObject("apiVersion: v2\nkind: ConfigMap\n"),
                                        "m",
                                        false,
                                        null,
                                        t.now))
                .hasMessage(
                        "Incorrect version specified in apply patch. Specified patch version: v2,"
                                + " expected: v1");
    }

    @Test
    void deepConfigsAreRefusedWith422() {
        Case t = on(CONFIGMAPS);
        StringBuilder yaml = new StringBuilder("data: ");
        String deep = "{a: ".repeat(150) + "1" + "}".repeat(150);
        ObjectNode c = t.config("");
        c.set("x", Json.readYamlObject("a: " + deep));
        assertThatThrownBy(() -> FieldManager.apply(t.type, null, c, "m", false, null, t.now))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.code()).isEqualTo(422));
    }

    @Test
    void managerFromUserAgent() {
        Case t = on(CONFIGMAPS);
        assertThat(FieldManager.managerFromUserAgent("kubectl/v1.34.0 (linux/amd64)"))
                .isEqualTo("kubectl");
        assertThat(FieldManager.managerFromUserAgent("a".repeat(200))).hasSize(128);
    }

    private static JsonNode entry(ObjectNode object, String manager, String operation) {
        for (JsonNode e : object.path("metadata").path("managedFields")) {
            if (e.path("manager").asString().equals(manager)
                    && e.path("operation").asString().equals(operation)) {
                return e;
            }
        }
        return null;
    }

    @Test
    void statusWritesOwnOnlyStatus_asTheirSubresource() {
        // fieldmanager: a status write is its own entry ("subresource": "status") and owns only
        // status (the status strategies' reset fields); an apply to the main resource never owns
        // status.
        Case t = on(DEPLOYMENTS);
        t.apply(
                "user",
                CONTAINER_A + "      - name: a\n        image: one\nstatus:\n  replicas: 9\n");
        assertThat(t.fields("user")).doesNotContain("f:status");
        ObjectNode next = t.live.deepCopy();
        next.putObject("status").put("replicas", 1);
        FieldManager.trackUpdate(DEPLOYMENTS, t.live, next, "ctrl", "status", t.now);
        JsonNode update = entry(next, "ctrl", "Update");
        assertThat(update.path("subresource").asString()).isEqualTo("status");
        assertThat(Json.write(update.get("fieldsV1")))
                .isEqualTo("{\"f:status\":{\"f:replicas\":{}}}");

        ObjectNode applied =
                FieldManager.apply(
                        DEPLOYMENTS,
                        next,
                        t.config("spec:\n  replicas: 5\nstatus:\n  replicas: 2\n"),
                        "ctrl",
                        true,
                        "status",
                        t.now);
        JsonNode apply = entry(applied, "ctrl", "Apply");
        assertThat(apply.path("subresource").asString()).isEqualTo("status");
        assertThat(Json.write(apply.get("fieldsV1")))
                .isEqualTo("{\"f:status\":{\"f:replicas\":{}}}");
    }
}
