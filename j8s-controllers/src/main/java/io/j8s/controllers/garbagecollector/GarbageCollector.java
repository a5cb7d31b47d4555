package io.j8s.controllers.garbagecollector;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.j8s.client.cache.Cache;
import io.j8s.client.cache.EventHandlers;
import io.j8s.client.cache.Keys;
import io.j8s.client.rest.ApiRequests;
import io.j8s.controllers.runtime.ApiResource;
import io.j8s.controllers.runtime.ControllerContext;
import io.j8s.controllers.runtime.ReconcilingController;
import io.j8s.controllers.runtime.Result;
import io.j8s.controllers.util.Semantic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes dependents whose owners are gone (Kubernetes' garbage collector), over every kind in its
 * resource list, with metadata informers (objects' metadata only, {@code PartialObjectMetadata}, as
 * Kubernetes' collector reads them): it needs owners, finalizers and deletion timestamps, and holds
 * every object of the cluster.
 *
 * <ul>
 *   <li>Background (the default): a dependent with no remaining owner is deleted; references to
 *       owners that are gone are removed while another owner remains.
 *   <li>Foreground: an owner with {@code deletionTimestamp} and the {@code foregroundDeletion}
 *       finalizer has its dependents deleted; once none with {@code blockOwnerDeletion} remains,
 *       the finalizer is removed (and the API server deletes the owner).
 *   <li>Orphan: an owner with the {@code orphan} finalizer has its references removed from every
 *       dependent, then the finalizer.
 * </ul>
 *
 * <p>Keys are {@code <resource index>|<namespace/name>}. Deletes carry a UID precondition, so a
 * recreated object of the same name is never hit; owner references and finalizers are changed with
 * a JSON merge patch of the metadata guarded by the cached resourceVersion. Identity: {@value
 * #IDENTITY}; needs get/list/watch/patch/delete on every resource it handles.
 */
public final class GarbageCollector extends ReconcilingController {

    public static final String NAME = "garbagecollector";
    public static final String IDENTITY = "generic-garbage-collector";
    public static final String FOREGROUND_FINALIZER = "foregroundDeletion";
    public static final String ORPHAN_FINALIZER = "orphan";
    static final String OWNER_INDEX = "j8s/owner-uid";
    static final String UID_INDEX = "j8s/uid";
    static final Duration WAIT_FOR_DEPENDENTS = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(GarbageCollector.class);

    /** The CustomResourceDefinitions, whose established kinds the collector learns at run time. */
    static final ApiResource CRDS =
            new ApiResource(
                    "apiextensions.k8s.io",
                    "v1",
                    "customresourcedefinitions",
                    "CustomResourceDefinition",
                    false);

    /** Append-only (a key names its resource by index): the built-in kinds, then CRDs' kinds. */
    private final List<ApiResource> resources = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final List<Cache<GenericKubernetesResource>> caches =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ControllerContext context;

    public GarbageCollector(ControllerContext context, List<ApiResource> resources) {
        super(context, NAME, IDENTITY);
        this.context = context;
        for (ApiResource r : resources) {
            if (!r.equals(CRDS)) {
                watch(r);
            }
        }
        List<Cache<GenericKubernetesResource>> initial = List.copyOf(caches);
        Cache<GenericKubernetesResource> crds = context.informers().cache(CRDS.context());
        crds.informer().addEventHandler(EventHandlers.of(this::learn, (o, n) -> learn(n), o -> {}));
        newLoop(context.settings().workers(), initial);
    }

    /**
     * Starts collecting the kind of an established CRD (its storage version, or the first served
     * one), as Kubernetes' garbage collector follows discovery. Informers of a deleted CRD's kind
     * stay (they retry until it is served again).
     */
    private synchronized void learn(GenericKubernetesResource crd) {
        Object status = crd.getAdditionalProperties().get("status");
        Object spec = crd.getAdditionalProperties().get("spec");
        if (!(status instanceof Map<?, ?> st) || !(spec instanceof Map<?, ?> sp)) {
            return;
        }
        boolean established = false;
        if (st.get("conditions") instanceof List<?> conditions) {
            for (Object c : conditions) {
                if (c instanceof Map<?, ?> m
                        && "Established".equals(m.get("type"))
                        && "True".equals(m.get("status"))) {
                    established = true;
                }
            }
        }
        if (!established || !(sp.get("names") instanceof Map<?, ?> names)) {
            return;
        }
        String version = null;
        if (sp.get("versions") instanceof List<?> versions) {
            for (Object v : versions) {
                if (v instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("served"))) {
                    if (version == null || Boolean.TRUE.equals(m.get("storage"))) {
                        version = String.valueOf(m.get("name"));
                    }
                }
            }
        }
        if (version == null) {
            return;
        }
        String group = String.valueOf(sp.get("group"));
        String plural = String.valueOf(names.get("plural"));
        for (ApiResource known : resources) {
            if (known.group().equals(group) && known.plural().equals(plural)) {
                return;
            }
        }
        ApiResource r =
                new ApiResource(
                        group,
                        version,
                        plural,
                        String.valueOf(names.get("kind")),
                        "Namespaced".equals(sp.get("scope")));
        watch(r);
        log.info("Collecting custom resources {}.{} ({})", plural, group, version);
    }

    /** Adds {@code r}'s informer, indexes and handlers. */
    private void watch(ApiResource r) {
        {
            int index = resources.size();
            Cache<GenericKubernetesResource> cache = context.informers().metadataCache(r.context());
            cache.informer()
                    .addIndexers(
                            Map.of(
                                    OWNER_INDEX,
                                            o ->
                                                    o.getMetadata().getOwnerReferences() == null
                                                            ? List.of()
                                                            : o
                                                                    .getMetadata()
                                                                    .getOwnerReferences()
                                                                    .stream()
                                                                    .map(OwnerReference::getUid)
                                                                    .filter(Objects::nonNull)
                                                                    .toList(),
                                    UID_INDEX,
                                            o ->
                                                    o.getMetadata().getUid() == null
                                                            ? List.of()
                                                            : List.of(o.getMetadata().getUid())));
            cache.informer()
                    .addEventHandler(
                            EventHandlers.of(
                                    o -> queue.add(key(index, o)),
                                    (o, n) -> queue.add(key(index, n)),
                                    o -> onDelete(o)));
            caches.add(cache);
            resources.add(r);
        }
    }

    private static String key(int index, GenericKubernetesResource o) {
        return index + "|" + Keys.keyOf(o);
    }

    /**
     * An owner went: look at its dependents. A dependent went: look at its owners (foreground
     * waits).
     */
    private void onDelete(GenericKubernetesResource deleted) {
        enqueueDependents(deleted.getMetadata().getUid());
        if (deleted.getMetadata().getOwnerReferences() != null) {
            for (OwnerReference ref : deleted.getMetadata().getOwnerReferences()) {
                for (int i = 0; i < caches.size(); i++) {
                    for (GenericKubernetesResource owner :
                            caches.get(i).byIndex(UID_INDEX, ref.getUid())) {
                        queue.add(key(i, owner));
                    }
                }
            }
        }
    }

    private void enqueueDependents(String uid) {
        if (uid == null) {
            return;
        }
        for (int i = 0; i < caches.size(); i++) {
            for (GenericKubernetesResource dep : caches.get(i).byIndex(OWNER_INDEX, uid)) {
                queue.add(key(i, dep));
            }
        }
    }

    private record Located(int index, GenericKubernetesResource object) {}

    private List<Located> dependentsOf(String uid) {
        List<Located> out = new ArrayList<>();
        for (int i = 0; i < caches.size(); i++) {
            for (GenericKubernetesResource dep : caches.get(i).byIndex(OWNER_INDEX, uid)) {
                out.add(new Located(i, dep));
            }
        }
        return out;
    }

    @Override
    protected Result reconcile(String key) {
        int bar = key.indexOf('|');
        int index = Integer.parseInt(key.substring(0, bar));
        Optional<GenericKubernetesResource> found = caches.get(index).get(key.substring(bar + 1));
        if (found.isEmpty()) {
            return Result.done();
        }
        GenericKubernetesResource item = found.get();
        List<String> finalizers =
                item.getMetadata().getFinalizers() == null
                        ? List.of()
                        : item.getMetadata().getFinalizers();
        if (item.getMetadata().getDeletionTimestamp() != null) {
            if (finalizers.contains(ORPHAN_FINALIZER)) {
                return orphanDependents(index, item);
            }
            if (finalizers.contains(FOREGROUND_FINALIZER)) {
                return deleteDependentsFirst(index, item);
            }
            return Result.done();
        }
        List<OwnerReference> refs = item.getMetadata().getOwnerReferences();
        if (refs == null || refs.isEmpty()) {
            return Result.done();
        }
        OwnerClassification c =
                OwnerClassification.classify(
                        refs, ref -> ownerState(ref, item.getMetadata().getNamespace()));
        switch (c.action()) {
            case KEEP:
                return Result.done();
            case REMOVE_REFERENCES:
                {
                    GenericKubernetesResource copy = Semantic.copy(item);
                    List<String> gone = new ArrayList<>();
                    c.dangling().forEach(r -> gone.add(r.getUid()));
                    c.waiting().forEach(r -> gone.add(r.getUid()));
                    copy.getMetadata()
                            .setOwnerReferences(
                                    new ArrayList<>(
                                            refs.stream()
                                                    .filter(r -> !gone.contains(r.getUid()))
                                                    .toList()));
                    patchOwnership(index, copy);
                    log.info("Removed owner references {} from {}", gone, describe(index, item));
                    return Result.done();
                }
            default:
                {
                    boolean hasDependents = !dependentsOf(item.getMetadata().getUid()).isEmpty();
                    delete(index, item, c.deletionPolicy(hasDependents));
                    log.info("Deleted {}: its owners are gone", describe(index, item));
                    return Result.done();
                }
        }
    }

    private Result orphanDependents(int index, GenericKubernetesResource owner) {
        String uid = owner.getMetadata().getUid();
        for (Located dep : dependentsOf(uid)) {
            GenericKubernetesResource copy = Semantic.copy(dep.object());
            copy.getMetadata()
                    .setOwnerReferences(
                            new ArrayList<>(
                                    copy.getMetadata().getOwnerReferences().stream()
                                            .filter(r -> !uid.equals(r.getUid()))
                                            .toList()));
            patchOwnership(dep.index(), copy);
        }
        removeFinalizer(index, owner, ORPHAN_FINALIZER);
        log.info("Orphaned the dependents of {}", describe(index, owner));
        return Result.done();
    }

    private Result deleteDependentsFirst(int index, GenericKubernetesResource owner) {
        String uid = owner.getMetadata().getUid();
        boolean blocking = false;
        for (Located dep : dependentsOf(uid)) {
            OwnerReference ref =
                    dep.object().getMetadata().getOwnerReferences().stream()
                            .filter(r -> uid.equals(r.getUid()))
                            .findFirst()
                            .orElseThrow();
            if (Boolean.TRUE.equals(ref.getBlockOwnerDeletion())) {
                blocking = true;
            }
            if (dep.object().getMetadata().getDeletionTimestamp() == null) {
                boolean hasDependents =
                        !dependentsOf(dep.object().getMetadata().getUid()).isEmpty();
                delete(dep.index(), dep.object(), hasDependents ? "Foreground" : "Background");
            }
        }
        if (blocking) {
            return Result.requeueAfter(WAIT_FOR_DEPENDENTS);
        }
        removeFinalizer(index, owner, FOREGROUND_FINALIZER);
        log.info("Dependents of {} are gone; released it", describe(index, owner));
        return Result.done();
    }

    /**
     * Present, absent (confirmed with a live read when the cache lacks it), or deleting in the
     * foreground.
     */
    private OwnerClassification.OwnerState ownerState(OwnerReference ref, String namespace) {
        for (Cache<GenericKubernetesResource> cache : caches) {
            for (GenericKubernetesResource owner : cache.byIndex(UID_INDEX, ref.getUid())) {
                List<String> f = owner.getMetadata().getFinalizers();
                if (owner.getMetadata().getDeletionTimestamp() != null
                        && f != null
                        && f.contains(FOREGROUND_FINALIZER)) {
                    return OwnerClassification.OwnerState.DELETING_FOREGROUND;
                }
                return OwnerClassification.OwnerState.PRESENT;
            }
        }
        // Not cached: confirm with a live read (the cache may lag behind a new owner). Kinds this
        // collector does not know count as present, so nothing is deleted on a guess.
        for (ApiResource r : resources) {
            if (r.kind().equals(ref.getKind()) && r.apiVersion().equals(ref.getApiVersion())) {
                return liveOwnerState(r, ref, namespace);
            }
        }
        return OwnerClassification.OwnerState.PRESENT;
    }

    private OwnerClassification.OwnerState liveOwnerState(
            ApiResource r, OwnerReference ref, String namespace) {
        var op = client.genericKubernetesResources(r.context());
        GenericKubernetesResource live =
                r.namespaced()
                        ? op.inNamespace(namespace).withName(ref.getName()).get()
                        : op.withName(ref.getName()).get();
        if (live == null || !Objects.equals(live.getMetadata().getUid(), ref.getUid())) {
            return OwnerClassification.OwnerState.ABSENT;
        }
        List<String> f = live.getMetadata().getFinalizers();
        if (live.getMetadata().getDeletionTimestamp() != null
                && f != null
                && f.contains(FOREGROUND_FINALIZER)) {
            return OwnerClassification.OwnerState.DELETING_FOREGROUND;
        }
        return OwnerClassification.OwnerState.PRESENT;
    }

    /**
     * Writes {@code copy}'s owner references and finalizers, and nothing else, as a JSON merge
     * patch of its metadata. The patch carries the cached {@code resourceVersion}, so it fails with
     * a 409 (and the key is retried on a fresher cache) when the object changed since, as an update
     * would; the cache holds metadata only, so an update would erase the rest of the object.
     */
    private void patchOwnership(int index, GenericKubernetesResource copy) {
        ApiResource r = resources.get(index);
        writes.record("patch", r.plural());
        var json = client.getKubernetesSerialization();
        List<OwnerReference> refs = copy.getMetadata().getOwnerReferences();
        List<String> finalizers = copy.getMetadata().getFinalizers();
        // null removes the field; written by hand, as the serializer leaves nulls out
        String patch =
                "{\"metadata\":{\"resourceVersion\":"
                        + json.asJson(copy.getMetadata().getResourceVersion())
                        + ",\"ownerReferences\":"
                        + (refs == null || refs.isEmpty() ? "null" : json.asJson(refs))
                        + ",\"finalizers\":"
                        + (finalizers == null || finalizers.isEmpty()
                                ? "null"
                                : json.asJson(finalizers))
                        + "}}";
        try {
            // one request (fabric8's patch reads the object first, docs/architecture.md)
            ApiRequests.mergePatch(
                    client,
                    r.path(copy.getMetadata().getNamespace(), copy.getMetadata().getName()),
                    patch);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    private void removeFinalizer(int index, GenericKubernetesResource owner, String finalizer) {
        GenericKubernetesResource copy = Semantic.copy(owner);
        copy.getMetadata()
                .setFinalizers(
                        new ArrayList<>(
                                copy.getMetadata().getFinalizers().stream()
                                        .filter(f -> !finalizer.equals(f))
                                        .toList()));
        patchOwnership(index, copy);
    }

    private void delete(int index, GenericKubernetesResource item, String policy) {
        ApiResource r = resources.get(index);
        Map<String, Object> options =
                Map.of(
                        "kind",
                        "DeleteOptions",
                        "apiVersion",
                        "v1",
                        "propagationPolicy",
                        policy,
                        "preconditions",
                        Map.of("uid", item.getMetadata().getUid()));
        writes.record("delete", r.plural());
        try {
            client.raw(
                    r.path(item.getMetadata().getNamespace(), item.getMetadata().getName()),
                    "DELETE",
                    options);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404 && e.getCode() != 409) {
                throw e;
            }
        }
    }

    private String describe(int index, GenericKubernetesResource o) {
        return resources.get(index).plural() + " " + Keys.keyOf(o);
    }
}
