package io.j8s.apiserver.apiextensions;

import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import io.j8s.apiserver.cache.CachedObject;
import io.j8s.apiserver.cache.Delivery;
import io.j8s.apiserver.cache.WatchCache;
import io.j8s.apiserver.cache.WatchRequest;
import io.j8s.apiserver.cache.WatchSink;
import io.j8s.apiserver.errors.ApiException;
import io.j8s.apiserver.registry.DeleteOptions;
import io.j8s.apiserver.registry.ObjectRegistry;
import io.j8s.apiserver.registry.WriteOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * CustomResourceDefinitions at run time: the CRD resource itself, and the live catalog of served
 * resources it changes (docs/architecture.md, "Custom resources"). One thread reconciles every CRD
 * after each change of one: it decides the accepted names and the conditions {@code NamesAccepted},
 * {@code Established} and {@code Terminating} (Kubernetes' naming, establishing and finalizing
 * controllers), starts and stops the watch cache of each served version, tells the listener
 * (routing, discovery, OpenAPI) the new set of served resources, and on deletion deletes every
 * custom resource before it removes the {@code customresourcecleanup} finalizer.
 */
public final class CustomResourceDefinitions implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CustomResourceDefinitions.class);
    public static final String GROUP = "apiextensions.k8s.io";

    /**
     * How CRD schemas are checked and custom resources validated, defaulted and pruned: by the
     * structural schema and the CEL rules (docs/custom-resources.md).
     */
    static final SchemaSupport schemas = new StructuralSchemaSupport();

    /** The served resource {@code customresourcedefinitions.apiextensions.k8s.io}. */
    public static final ResourceType TYPE =
            new ResourceType(
                    GROUP,
                    "v1",
                    "CustomResourceDefinition",
                    "customresourcedefinitions",
                    "customresourcedefinition",
                    false,
                    List.of("crd", "crds"),
                    List.of("api-extensions"),
                    Set.of("status"),
                    new CrdStrategy(schemas));

    /** What is served for one CRD: the resources of its served versions and what built them. */
    private record Served(
            String fingerprint,
            List<ResourceType> types,
            ResourceType storage,
            java.util.concurrent.atomic.AtomicBoolean terminating) {}

    private final List<ResourceType> builtIn;
    private final ObjectRegistry registry;
    private final WatchCache cache;
    private final Consumer<List<ResourceType>> listener;
    private final Clock clock;
    private final Map<String, Served> served = new LinkedHashMap<>();
    private final ScheduledExecutorService thread;
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile List<ResourceType> all;
    private WatchCache.Registration watch;

    /**
     * @param builtIn the resources served whatever the CRDs say ({@link #TYPE} among them)
     * @param listener told the whole list of served resources after every change, on the
     *     reconciling thread
     * @param metrics where the gauge {@code j8s_apiserver_custom_resources_served} goes (or null)
     */
    public CustomResourceDefinitions(
            List<ResourceType> builtIn,
            ObjectRegistry registry,
            WatchCache cache,
            Consumer<List<ResourceType>> listener,
            Clock clock,
            io.micrometer.core.instrument.MeterRegistry metrics) {
        this.builtIn = List.copyOf(builtIn);
        this.registry = registry;
        this.cache = cache;
        this.listener = listener;
        this.clock = clock;
        this.all = this.builtIn;
        if (metrics != null) {
            io.micrometer.core.instrument.Gauge.builder(
                            "j8s_apiserver_custom_resources_served",
                            this,
                            c -> c.all.size() - c.builtIn.size())
                    .description(
                            "Resources (CRD versions) served now for CustomResourceDefinitions")
                    .register(metrics);
        }
        this.thread =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "j8s-crd-controller");
                            t.setDaemon(true);
                            return t;
                        });
    }

    /** Every served resource now: the built-in ones, then those of established CRDs. */
    public List<ResourceType> served() {
        return all;
    }

    /**
     * Serves the CRDs already stored (before the server listens, so that custom resources are
     * served again after a restart), then follows every change.
     */
    public synchronized void start() {
        reconcileAll();
        watch =
                cache.watch(
                        new WatchRequest(TYPE, null, o -> true, cache.revision(), false),
                        new WatchSink() {
                            @Override
                            public boolean offer(Delivery delivery) {
                                trigger();
                                return true;
                            }

                            @Override
                            public void terminate(TerminationReason reason) {
                                if (reason == TerminationReason.RESYNC) {
                                    thread.execute(CustomResourceDefinitions.this::rewatch);
                                }
                            }
                        });
        // A safety net: deletions that wait for objects, and a watch that ended.
        thread.scheduleWithFixedDelay(this::trigger, 5, 5, TimeUnit.SECONDS);
    }

    private synchronized void rewatch() {
        if (thread.isShutdown()) {
            return;
        }
        watch =
                cache.watch(
                        new WatchRequest(TYPE, null, o -> true, 0, false),
                        new WatchSink() {
                            @Override
                            public boolean offer(Delivery delivery) {
                                trigger();
                                return true;
                            }

                            @Override
                            public void terminate(TerminationReason reason) {
                                if (reason == TerminationReason.RESYNC) {
                                    thread.execute(CustomResourceDefinitions.this::rewatch);
                                }
                            }
                        });
    }

    private void trigger() {
        if (queued.compareAndSet(false, true)) {
            try {
                thread.execute(
                        () -> {
                            queued.set(false);
                            reconcileAll();
                        });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                queued.set(false);
            }
        }
    }

    /** Reconciles every CRD; never throws (failures are logged and retried on the next round). */
    synchronized void reconcileAll() {
        try {
            doReconcileAll();
        } catch (RuntimeException e) {
            log.atWarn().setCause(e).log("reconciling the CustomResourceDefinitions failed");
        }
    }

    private void doReconcileAll() {
        List<ObjectNode> crds = new ArrayList<>();
        for (CachedObject o : cache.list(TYPE, null, x -> true).items()) {
            crds.add(o.tree().deepCopy());
        }
        // A CRD whose names were accepted keeps them, as Kubernetes' naming controller reserves
        // the accepted names; among the others the older wins, then the name (creation times have
        // whole seconds, so two CRDs made in one second must not swap a served name).
        crds.sort(
                Comparator.comparing(
                                (ObjectNode o) ->
                                        served.containsKey(Json.name(o)) || namesAccepted(o)
                                                ? 0
                                                : 1)
                        .thenComparing((ObjectNode o) -> Json.text(o, "metadata.creationTimestamp"))
                        .thenComparing(Json::name));
        Map<String, Set<String>> usedByGroup = new HashMap<>();
        for (ResourceType t : builtIn) {
            Set<String> used = usedByGroup.computeIfAbsent(t.group(), g -> new HashSet<>());
            used.add("plural:" + t.plural());
            used.add("singular:" + t.singular());
            used.add("kind:" + t.kind());
            used.add("listKind:" + t.listKind());
            t.shortNames().forEach(s -> used.add("short:" + s));
        }
        Map<String, Served> wanted = new LinkedHashMap<>();
        for (ObjectNode crd : crds) {
            String name = Json.name(crd);
            JsonNode spec = crd.path("spec");
            String group = spec.path("group").asString("");
            Set<String> used = usedByGroup.computeIfAbsent(group, g -> new HashSet<>());
            String conflict = nameConflict(spec.path("names"), used);
            ObjectNode status = conditions(crd, conflict);
            boolean accepted = conflict == null;
            if (accepted) {
                JsonNode names = spec.path("names");
                used.add("plural:" + names.path("plural").asString(""));
                used.add("singular:" + names.path("singular").asString(""));
                used.add("kind:" + names.path("kind").asString(""));
                used.add("listKind:" + names.path("listKind").asString(""));
                names.path("shortNames").forEach(s -> used.add("short:" + s.asString()));
                Served current = served.get(name);
                String fingerprint = fingerprint(crd);
                wanted.put(
                        name,
                        current != null && current.fingerprint().equals(fingerprint)
                                ? current
                                : build(crd, fingerprint));
            }
            writeStatus(crd, status);
            if (crd.path("metadata").has("deletionTimestamp")) {
                Served s = wanted.containsKey(name) ? wanted.get(name) : served.get(name);
                if (s != null && !wanted.containsKey(name)) {
                    wanted.put(name, s);
                }
                cleanUp(crd, s);
            }
        }
        boolean changed = false;
        for (var entry : new ArrayList<>(served.entrySet())) {
            Served next = wanted.get(entry.getKey());
            if (next != entry.getValue()) {
                entry.getValue().types().forEach(cache::removeType);
                served.remove(entry.getKey());
                changed = true;
                if (next == null) {
                    log.atInfo()
                            .addKeyValue("crd", entry.getKey())
                            .log("custom resource no longer served");
                }
            }
        }
        for (var entry : wanted.entrySet()) {
            if (!served.containsKey(entry.getKey())) {
                for (ResourceType t : entry.getValue().types()) {
                    cache.addType(t);
                }
                served.put(entry.getKey(), entry.getValue());
                changed = true;
                log.atInfo()
                        .addKeyValue("crd", entry.getKey())
                        .addKeyValue(
                                "versions",
                                entry.getValue().types().stream()
                                        .map(ResourceType::version)
                                        .toList())
                        .log("custom resource served");
            }
        }
        if (changed || all == builtIn && !served.isEmpty()) {
            List<ResourceType> next = new ArrayList<>(builtIn);
            served.values().forEach(s -> next.addAll(s.types()));
            all = List.copyOf(next);
            listener.accept(all);
        }
    }

    /** What a CRD's served resources are built from: its spec, as accepted. */
    /** Whether the CRD's status says its names were accepted ({@code NamesAccepted=True}). */
    private static boolean namesAccepted(ObjectNode crd) {
        for (JsonNode c : crd.path("status").path("conditions")) {
            if ("NamesAccepted".equals(c.path("type").asString(""))) {
                return "True".equals(c.path("status").asString(""));
            }
        }
        return false;
    }

    private static String fingerprint(ObjectNode crd) {
        return Json.write(crd.path("spec"));
    }

    private static Served build(ObjectNode crd, String fingerprint) {
        JsonNode spec = crd.path("spec");
        String group = spec.path("group").asString();
        JsonNode names = spec.path("names");
        boolean namespaced = spec.path("scope").asString("").equals("Namespaced");
        List<String> shortNames = new ArrayList<>();
        names.path("shortNames").forEach(s -> shortNames.add(s.asString()));
        List<String> categories = new ArrayList<>();
        names.path("categories").forEach(s -> categories.add(s.asString()));
        List<ResourceType> types = new ArrayList<>();
        ResourceType storage = null;
        var terminating =
                new java.util.concurrent.atomic.AtomicBoolean(
                        crd.path("metadata").has("deletionTimestamp"));
        for (JsonNode version : spec.path("versions")) {
            CustomResourceStrategy strategy =
                    new CustomResourceStrategy(group, namespaced, version, schemas, terminating);
            Set<String> subresources = new LinkedHashSet<>();
            if (strategy.hasStatus()) {
                subresources.add("status");
            }
            if (strategy.hasScale()) {
                subresources.add("scale");
            }
            ResourceType type =
                    new ResourceType(
                            group,
                            version.path("name").asString(),
                            names.path("kind").asString(),
                            names.path("plural").asString(),
                            names.path("singular").asString(""),
                            namespaced,
                            shortNames,
                            categories,
                            subresources,
                            strategy);
            if (version.path("storage").asBoolean(false)) {
                storage = type;
            }
            if (version.path("served").asBoolean(false)) {
                types.add(type);
            }
        }
        return new Served(fingerprint, List.copyOf(types), storage, terminating);
    }

    /**
     * The first name of {@code names} already in use in the CRD's group, as a condition, or null.
     */
    private static String nameConflict(JsonNode names, Set<String> used) {
        String plural = names.path("plural").asString("");
        if (used.contains("plural:" + plural)) {
            return "PluralConflict\n\"" + plural + "\" is already in use";
        }
        String singular = names.path("singular").asString("");
        if (used.contains("singular:" + singular) || used.contains("plural:" + singular)) {
            return "SingularConflict\n\"" + singular + "\" is already in use";
        }
        for (JsonNode s : names.path("shortNames")) {
            if (used.contains("short:" + s.asString()) || used.contains("plural:" + s.asString())) {
                return "ShortNamesConflict\n\"" + s.asString() + "\" is already in use";
            }
        }
        String kind = names.path("kind").asString("");
        if (used.contains("kind:" + kind) || used.contains("listKind:" + kind)) {
            return "KindConflict\n\"" + kind + "\" is already in use";
        }
        String listKind = names.path("listKind").asString("");
        if (used.contains("listKind:" + listKind) || used.contains("kind:" + listKind)) {
            return "ListKindConflict\n\"" + listKind + "\" is already in use";
        }
        return null;
    }

    /** The status the CRD should have (its conditions as Kubernetes' controllers set them). */
    private ObjectNode conditions(ObjectNode crd, String conflict) {
        ObjectNode old = crd.path("status") instanceof ObjectNode s ? s : Json.object();
        ObjectNode status = old.deepCopy();
        JsonNode spec = crd.path("spec");
        if (conflict == null) {
            JsonNode accepted = spec.path("names").deepCopy();
            status.set("acceptedNames", accepted);
            setCondition(status, "NamesAccepted", "True", "NoConflicts", "no conflicts found");
            setCondition(
                    status,
                    "Established",
                    "True",
                    "InitialNamesAccepted",
                    "the initial names have been accepted");
        } else {
            String[] parts = conflict.split("\n", 2);
            if (!status.has("acceptedNames")) {
                status.putObject("acceptedNames").put("plural", "").put("kind", "");
            }
            setCondition(status, "NamesAccepted", "False", parts[0], parts[1]);
            if (!"True".equals(condition(status, "Established"))) {
                setCondition(
                        status,
                        "Established",
                        "False",
                        "NotAccepted",
                        "not all names are accepted");
            }
        }
        if (crd.path("metadata").has("deletionTimestamp")) {
            setCondition(
                    status,
                    "Terminating",
                    "True",
                    "InstanceDeletionInProgress",
                    "CustomResource deletion is in progress");
        }
        ArrayNode stored =
                status.get("storedVersions") instanceof ArrayNode a
                        ? a
                        : status.putArray("storedVersions");
        for (JsonNode v : spec.path("versions")) {
            if (v.path("storage").asBoolean(false)) {
                String name = v.path("name").asString();
                boolean present = false;
                for (JsonNode s : stored) {
                    present |= s.asString().equals(name);
                }
                if (!present) {
                    stored.add(name);
                }
            }
        }
        return status;
    }

    private static String condition(ObjectNode status, String type) {
        for (JsonNode c : status.path("conditions")) {
            if (type.equals(c.path("type").asString())) {
                return c.path("status").asString();
            }
        }
        return null;
    }

    private void setCondition(
            ObjectNode status, String type, String value, String reason, String message) {
        ArrayNode conditions =
                status.get("conditions") instanceof ArrayNode a ? a : status.putArray("conditions");
        ObjectNode existing = null;
        for (JsonNode c : conditions) {
            if (type.equals(c.path("type").asString())) {
                existing = (ObjectNode) c;
            }
        }
        if (existing == null) {
            existing = conditions.addObject();
            existing.put("type", type);
        }
        if (!value.equals(existing.path("status").asString())) {
            existing.put("lastTransitionTime", ObjectRegistry.timestamp(clock.instant()));
        }
        existing.put("status", value);
        existing.put("reason", reason);
        existing.put("message", message);
    }

    private void writeStatus(ObjectNode crd, ObjectNode status) {
        if (Objects.equals(crd.get("status"), status)) {
            return;
        }
        try {
            ObjectNode written =
                    registry.guaranteedUpdate(
                            TYPE,
                            null,
                            Json.name(crd),
                            "status",
                            WriteOptions.internal(),
                            Json.text(crd, "metadata.resourceVersion"),
                            current -> {
                                current.set("status", status.deepCopy());
                                return current;
                            });
            crd.set("status", written.get("status"));
            crd.set("metadata", written.get("metadata"));
        } catch (ApiException e) {
            // changed meanwhile (a conflict) or gone: the next round sees the new state
            log.atDebug()
                    .addKeyValue("crd", Json.name(crd))
                    .addKeyValue("error", e.getMessage())
                    .log("CRD status not written");
        }
    }

    /**
     * A CRD being deleted: deletes its objects; once none is left, removes the cleanup finalizer
     * (the registry then removes the CRD, and the next round stops serving it).
     */
    private void cleanUp(ObjectNode crd, Served s) {
        boolean hasFinalizer = false;
        for (JsonNode f : crd.path("metadata").path("finalizers")) {
            hasFinalizer |= CrdStrategy.CLEANUP_FINALIZER.equals(f.asString());
        }
        if (s != null) {
            s.terminating().set(true);
        }
        if (!hasFinalizer) {
            return;
        }
        int left = 0;
        if (s != null && !s.types().isEmpty()) {
            ResourceType type = s.types().get(0);
            if (cache.serves(type)) {
                for (CachedObject o : cache.list(type, null, x -> true).items()) {
                    left++;
                    if (o.tree().path("metadata").has("deletionTimestamp")) {
                        continue;
                    }
                    try {
                        registry.delete(type, o.namespace(), o.name(), DeleteOptions.defaults());
                    } catch (ApiException e) {
                        if (e.code() != 404) {
                            log.atWarn()
                                    .addKeyValue("crd", Json.name(crd))
                                    .addKeyValue("object", o.key())
                                    .addKeyValue("error", e.getMessage())
                                    .log("deleting a custom resource of a deleted CRD failed");
                        }
                    }
                }
            }
        }
        if (left > 0) {
            thread.schedule(this::trigger, 500, TimeUnit.MILLISECONDS);
            return;
        }
        try {
            registry.guaranteedUpdate(
                    TYPE,
                    null,
                    Json.name(crd),
                    ObjectRegistry.SERVER,
                    WriteOptions.internal(),
                    null,
                    current -> {
                        ArrayNode kept = Json.array();
                        for (JsonNode f : current.path("metadata").path("finalizers")) {
                            if (!CrdStrategy.CLEANUP_FINALIZER.equals(f.asString())) {
                                kept.add(f);
                            }
                        }
                        ((ObjectNode) current.get("metadata")).set("finalizers", kept);
                        return current;
                    });
            log.atInfo()
                    .addKeyValue("crd", Json.name(crd))
                    .log("custom resources deleted; CRD finalized");
        } catch (ApiException e) {
            log.atDebug()
                    .addKeyValue("crd", Json.name(crd))
                    .addKeyValue("error", e.getMessage())
                    .log("CRD finalizer not removed yet");
        }
    }

    @Override
    public synchronized void close() {
        thread.shutdownNow();
        if (watch != null) {
            watch.close();
        }
    }
}
