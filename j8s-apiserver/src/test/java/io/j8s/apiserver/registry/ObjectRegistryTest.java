package io.j8s.apiserver.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.j8s.api.KindStrategy;
import io.j8s.api.ResourceType;
import io.j8s.api.ResourceTypes;
import io.j8s.api.json.Json;
import io.j8s.api.table.Columns;
import io.j8s.api.table.TableColumn;
import io.j8s.api.validation.FieldError;
import io.j8s.apiserver.errors.ApiException;
import io.j8s.store.Store;
import io.j8s.store.sqlite.SqliteStore;
import io.j8s.testkit.MutableClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/**
 * The generic registry with the hooks of real kinds (Pods, Namespaces, Services, Endpoints) and of
 * a kind whose strategy is built at run time, as a custom resource's will be: the registry treats
 * them alike.
 */
class ObjectRegistryTest {
    private static final ResourceType PODS = type("pods");
    private static final ResourceType NAMESPACES = type("namespaces");
    private static final ResourceType SERVICES = type("services");
    private static final ResourceType ENDPOINTS = type("endpoints");
    private static final ResourceType CONFIGMAPS = type("configmaps");

    @TempDir Path dir;
    private Store store;
    private final MutableClock clock = MutableClock.startingAt("2026-12-01T10:00:00Z");
    private ObjectRegistry registry;

    private static ResourceType type(String plural) {
        return ResourceTypes.byResource("", "v1", plural).orElseThrow();
    }

    @BeforeEach
    void open() {
        store = SqliteStore.open(dir);
        registry =
                new ObjectRegistry(
                        store, new Admission() {}, namespace -> Optional.of(false), clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static ObjectNode pod(String name, String nodeName) {
        ObjectNode pod =
                Json.readYamlObject(
                        """
                metadata: {name: %s}
                spec: {containers: [{name: c, image: busybox}], terminationGracePeriodSeconds: 20}
                """
                                .formatted(name));
        if (nodeName != null) {
            pod.withObjectProperty("spec").put("nodeName", nodeName);
        }
        return pod;
    }

    private boolean exists(ResourceType type, String namespace, String name) {
        return registry.read(type, namespace, name).isPresent();
    }

    @Test
    void aPodOnANodeIsMarkedForDeletion_andGoesWithAZeroGraceDelete() {
        ObjectNode created =
                registry.create(PODS, "default", pod("web", "n1"), WriteOptions.defaults());
        assertThat(created.at("/status/phase").asString()).isEqualTo("Pending");

        ObjectRegistry.Deleted marked =
                registry.delete(PODS, "default", "web", DeleteOptions.defaults());
        assertThat(marked.finished()).isFalse();
        assertThat(marked.object().at("/metadata/deletionTimestamp").asString())
                .isEqualTo("2026-12-01T10:00:20Z");
        assertThat(marked.object().at("/metadata/deletionGracePeriodSeconds").asLong())
                .isEqualTo(20);
        assertThat(exists(PODS, "default", "web"))
                .as("the node's agent still has to stop it")
                .isTrue();

        ObjectRegistry.Deleted gone =
                registry.delete(
                        PODS, "default", "web", new DeleteOptions(0L, null, null, null, false));
        assertThat(gone.finished()).isTrue();
        assertThat(exists(PODS, "default", "web")).isFalse();
    }

    @Test
    void anUnscheduledPodGoesAtOnce() {
        registry.create(PODS, "default", pod("idle", null), WriteOptions.defaults());
        assertThat(registry.delete(PODS, "default", "idle", DeleteOptions.defaults()).finished())
                .isTrue();
        assertThat(exists(PODS, "default", "idle")).isFalse();
    }

    @Test
    void aNamespaceTerminates_untilItsSpecFinalizersAreEmptied() {
        ObjectNode ns =
                registry.create(
                        NAMESPACES,
                        null,
                        Json.readYamlObject("metadata: {name: dev}"),
                        WriteOptions.defaults());
        assertThat(ns.at("/spec/finalizers/0").asString()).isEqualTo("kubernetes");

        ObjectRegistry.Deleted deleted =
                registry.delete(NAMESPACES, null, "dev", DeleteOptions.defaults());
        assertThat(deleted.finished()).isFalse();
        assertThat(deleted.object().at("/status/phase").asString()).isEqualTo("Terminating");

        // A client's update may not empty spec.finalizers: only finalize (a server change) does.
        ObjectNode emptied = registry.read(NAMESPACES, null, "dev").orElseThrow().object();
        emptied.withObjectProperty("spec").putArray("finalizers");
        ObjectNode updated =
                registry.update(NAMESPACES, null, "dev", emptied, null, WriteOptions.defaults());
        assertThat(updated.at("/spec/finalizers/0").asString()).isEqualTo("kubernetes");
        assertThat(exists(NAMESPACES, null, "dev")).isTrue();

        registry.guaranteedUpdate(
                NAMESPACES,
                null,
                "dev",
                ObjectRegistry.SERVER,
                WriteOptions.internal(),
                null,
                current -> {
                    current.withObjectProperty("spec").remove("finalizers");
                    return current;
                });
        assertThat(exists(NAMESPACES, null, "dev")).isFalse();
    }

    @Test
    void aServicesClusterIpCannotChange() {
        ObjectNode svc =
                Json.readYamlObject(
                        """
                metadata: {name: web}
                spec: {clusterIP: 127.96.0.10, ports: [{port: 80}]}
                """);
        registry.create(SERVICES, "default", svc, WriteOptions.defaults());
        ObjectNode moved =
                Json.readYamlObject(
                        """
                metadata: {name: web}
                spec: {clusterIP: 127.96.0.11, clusterIPs: [127.96.0.11], ports: [{port: 80}]}
                """);
        assertThatThrownBy(
                        () ->
                                registry.update(
                                        SERVICES,
                                        "default",
                                        "web",
                                        moved,
                                        null,
                                        WriteOptions.defaults()))
                .isInstanceOfSatisfying(
                        ApiException.class,
                        e -> {
                            assertThat(e.code()).isEqualTo(422);
                            assertThat(e.causes())
                                    .extracting(ApiException.Cause::field)
                                    .contains("spec.clusterIPs[0]");
                            assertThat(e.getMessage()).contains("may not change once set");
                        });
        assertThat(
                        registry.read(SERVICES, "default", "web")
                                .orElseThrow()
                                .object()
                                .at("/spec/clusterIP")
                                .asString())
                .isEqualTo("127.96.0.10");
    }

    @Test
    void anUpdateCreatesMissingEndpoints_butNoOtherKind() {
        ObjectNode ep = Json.readYamlObject("metadata: {name: web}");
        registry.update(ENDPOINTS, "default", "web", ep, null, WriteOptions.defaults());
        assertThat(exists(ENDPOINTS, "default", "web")).isTrue();

        ObjectNode cm = Json.readYamlObject("metadata: {name: settings}");
        assertThatThrownBy(
                        () ->
                                registry.update(
                                        CONFIGMAPS,
                                        "default",
                                        "settings",
                                        cm,
                                        null,
                                        WriteOptions.defaults()))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.code()).isEqualTo(404));
    }

    // ---- a kind defined at run time ----

    /**
     * A strategy built from data, as a CustomResourceDefinition's will be: the server owns {@code
     * status}, a deletion waits {@code graceSeconds}, and {@code spec.holdUntil} holds a deleted
     * object as a finalizer would.
     */
    private record WidgetStrategy(long graceSeconds) implements KindStrategy {
        @Override
        public void applyDefaults(ObjectNode object) {
            ObjectNode spec = object.withObjectProperty("spec");
            if (!spec.has("size")) {
                spec.put("size", 1);
            }
        }

        @Override
        public List<FieldError> validate(ObjectNode object, ObjectNode old) {
            List<FieldError> errors = new ArrayList<>();
            if (object.path("spec").path("size").asLong() < 1) {
                errors.add(
                        FieldError.invalid(
                                "spec.size",
                                object.path("spec").path("size").asLong(),
                                "must be at least 1"));
            }
            return errors;
        }

        @Override
        public void prepareForCreate(ObjectNode object) {
            object.putObject("status").put("state", "New");
        }

        @Override
        public void prepareForUpdate(ObjectNode object, ObjectNode old) {
            if (old.path("spec").has("holdUntil") && !object.path("spec").has("holdUntil")) {
                object.withObjectProperty("spec")
                        .set("holdUntil", old.path("spec").get("holdUntil").deepCopy());
            }
        }

        @Override
        public long deletionGracePeriodSeconds(ObjectNode object, Long requested) {
            return requested != null ? Math.max(requested, 0) : graceSeconds;
        }

        @Override
        public boolean prepareForDelete(ObjectNode object) {
            object.withObjectProperty("status").put("state", "Deleting");
            return true;
        }

        @Override
        public boolean finalizationPending(ObjectNode object) {
            return object.path("spec").has("holdUntil");
        }

        @Override
        public Map<String, String> selectableFields(ObjectNode object) {
            return Map.of(
                    "metadata.name",
                    Json.name(object),
                    "metadata.namespace",
                    Json.namespace(object));
        }

        @Override
        public List<TableColumn> tableColumns() {
            return List.of(Columns.name());
        }

        @Override
        public List<Object> tableCells(ObjectNode object, Instant now) {
            return List.of(Json.name(object));
        }
    }

    private static final ResourceType WIDGETS =
            new ResourceType(
                    "example.com",
                    "v1",
                    "Widget",
                    "widgets",
                    "widget",
                    true,
                    List.of(),
                    List.of(),
                    Set.of("status"),
                    new WidgetStrategy(15));

    @Test
    void aKindBuiltAtRunTime_getsItsHooksCalledLikeAnyOther() {
        ObjectNode body =
                Json.readYamlObject(
                        """
                apiVersion: example.com/v1
                kind: Widget
                metadata: {name: w1}
                spec: {holdUntil: done}
                status: {state: Forged}
                """);
        ObjectNode created = registry.create(WIDGETS, "default", body, WriteOptions.defaults());
        assertThat(created.at("/status/state").asString()).isEqualTo("New");
        assertThat(created.at("/spec/size").asLong()).as("defaulted").isEqualTo(1);

        ObjectNode invalid = Json.readYamlObject("{metadata: {name: w2}, spec: {size: 0}}");
        assertThatThrownBy(
                        () -> registry.create(WIDGETS, "default", invalid, WriteOptions.defaults()))
                .isInstanceOfSatisfying(
                        ApiException.class,
                        e -> {
                            assertThat(e.code()).isEqualTo(422);
                            assertThat(e.getMessage())
                                    .isEqualTo(
                                            "Widget.example.com \"w2\" is invalid: spec.size: Invalid value: 0:"
                                                    + " must be at least 1");
                        });

        ObjectRegistry.Deleted marked =
                registry.delete(WIDGETS, "default", "w1", DeleteOptions.defaults());
        assertThat(marked.finished()).isFalse();
        assertThat(marked.object().at("/metadata/deletionGracePeriodSeconds").asLong())
                .isEqualTo(15);
        assertThat(marked.object().at("/status/state").asString()).isEqualTo("Deleting");

        // Zero grace: still held by spec.holdUntil, which a client's update cannot drop.
        registry.delete(WIDGETS, "default", "w1", new DeleteOptions(0L, null, null, null, false));
        assertThat(exists(WIDGETS, "default", "w1")).isTrue();
        ObjectNode dropped = registry.read(WIDGETS, "default", "w1").orElseThrow().object();
        dropped.withObjectProperty("spec").remove("holdUntil");
        registry.update(WIDGETS, "default", "w1", dropped, null, WriteOptions.defaults());
        assertThat(exists(WIDGETS, "default", "w1")).isTrue();

        registry.guaranteedUpdate(
                WIDGETS,
                "default",
                "w1",
                ObjectRegistry.SERVER,
                WriteOptions.internal(),
                null,
                current -> {
                    current.withObjectProperty("spec").remove("holdUntil");
                    return current;
                });
        assertThat(exists(WIDGETS, "default", "w1")).isFalse();
    }

    /** One server-side apply of {@code data} by {@code manager}, as the PATCH handler runs it. */
    private ObjectNode apply(String manager, String data) {
        ObjectNode config =
                Json.readYamlObject(
                        "{apiVersion: v1, kind: ConfigMap, metadata: {name: shared, namespace:"
                                + " default}, data: "
                                + data
                                + "}");
        WriteOptions options = WriteOptions.defaults().asApply();
        if (!exists(CONFIGMAPS, "default", "shared")) {
            return registry.create(
                    CONFIGMAPS,
                    "default",
                    io.j8s.apiserver.apply.FieldManager.apply(
                            CONFIGMAPS, null, config, manager, false, null, clock.instant()),
                    options);
        }
        return registry.patch(
                CONFIGMAPS,
                "default",
                "shared",
                null,
                options,
                current ->
                        io.j8s.apiserver.apply.FieldManager.apply(
                                CONFIGMAPS,
                                current,
                                config,
                                manager,
                                false,
                                null,
                                clock.instant()));
    }

    private static String fieldsOf(ObjectNode object, String manager) {
        for (var entry : object.at("/metadata/managedFields")) {
            if (entry.path("manager").asString().equals(manager)) {
                return Json.write(entry.get("fieldsV1"));
            }
        }
        return null;
    }

    @Test
    void aWriteThatOnlyChangesWhoOwnsWhat_isAWrite_andTheSameApplyAgainIsNot() {
        apply("a", "{x: '1', y: '2'}");
        ObjectNode coOwned = apply("b", "{y: '2'}");
        // "a" stops applying y, which "b" keeps: the object is the same, the ownership is not
        ObjectNode dropped = apply("a", "{x: '1'}");
        assertThat(dropped.at("/data/y").asString()).isEqualTo("2");
        assertThat(fieldsOf(dropped, "a")).isEqualTo("{\"f:data\":{\"f:x\":{}}}");
        assertThat(dropped.at("/metadata/resourceVersion").asLong())
                .isGreaterThan(coOwned.at("/metadata/resourceVersion").asLong());
        ObjectNode stored = registry.read(CONFIGMAPS, "default", "shared").orElseThrow().object();
        assertThat(fieldsOf(stored, "a")).isEqualTo("{\"f:data\":{\"f:x\":{}}}");

        ObjectNode again = apply("a", "{x: '1'}");
        assertThat(again.at("/metadata/resourceVersion").asString())
                .isEqualTo(dropped.at("/metadata/resourceVersion").asString());
    }
}
