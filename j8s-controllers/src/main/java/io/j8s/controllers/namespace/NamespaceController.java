package io.j8s.controllers.namespace;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.j8s.client.cache.Cache;
import io.j8s.client.cache.EventHandlers;
import io.j8s.client.cache.Keys;
import io.j8s.controllers.runtime.ApiResource;
import io.j8s.controllers.runtime.ControllerContext;
import io.j8s.controllers.runtime.ReconcilingController;
import io.j8s.controllers.runtime.Result;
import io.j8s.controllers.util.Semantic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Empties terminating namespaces (Kubernetes' namespace controller): once a Namespace has a {@code
 * deletionTimestamp}, every namespaced object in it is deleted; when none is left, the {@code
 * kubernetes} finalizer is removed from {@code spec.finalizers} with {@code PUT
 * /api/v1/namespaces/{name}/finalize}, after which the API server deletes the Namespace.
 *
 * <p>The contents are listed from the API, not from informer caches, as Kubernetes' namespaced
 * resources deleter does: a cache that has not yet seen an object created a moment before the
 * deletion would let the namespace go with the object still in it.
 *
 * <p>Identity: {@value #IDENTITY}. Needs get/list/watch/delete on every namespaced resource, and
 * update on namespaces/finalize.
 */
public final class NamespaceController extends ReconcilingController {

    public static final String NAME = "namespace";
    public static final String IDENTITY = "namespace-controller";
    public static final String KUBERNETES_FINALIZER = "kubernetes";
    static final Duration RECHECK = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(NamespaceController.class);

    private final Cache<Namespace> namespaces;
    private final List<ApiResource> resources;

    public NamespaceController(ControllerContext context, List<ApiResource> resources) {
        super(context, NAME, IDENTITY);
        this.namespaces = context.informers().cache(Namespace.class);
        this.resources = resources.stream().filter(ApiResource::namespaced).toList();
        newLoop(context.settings().workers(), List.of(namespaces));
        namespaces
                .informer()
                .addEventHandler(
                        EventHandlers.of(
                                ns -> queue.add(Keys.keyOf(ns)),
                                (o, n) -> queue.add(Keys.keyOf(n)),
                                ns -> {}));
    }

    @Override
    protected Result reconcile(String key) {
        Optional<Namespace> found = namespaces.get(key);
        if (found.isEmpty() || found.get().getMetadata().getDeletionTimestamp() == null) {
            return Result.done();
        }
        Namespace ns = found.get();
        List<String> finalizers =
                ns.getSpec() == null || ns.getSpec().getFinalizers() == null
                        ? List.of()
                        : ns.getSpec().getFinalizers();
        if (!finalizers.contains(KUBERNETES_FINALIZER)) {
            return Result.done();
        }
        String name = ns.getMetadata().getName();
        int remaining = 0;
        List<ApiResource> all = new ArrayList<>(resources);
        all.addAll(customResources());
        for (ApiResource r : all) {
            for (GenericKubernetesResource o :
                    client.genericKubernetesResources(r.context())
                            .inNamespace(name)
                            .list()
                            .getItems()) {
                remaining++;
                if (o.getMetadata().getDeletionTimestamp() != null) {
                    continue;
                }
                writes.record("delete", r.plural());
                try {
                    client.raw(
                            r.path(name, o.getMetadata().getName()),
                            "DELETE",
                            Map.of(
                                    "kind",
                                    "DeleteOptions",
                                    "apiVersion",
                                    "v1",
                                    "propagationPolicy",
                                    "Background"));
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 404) {
                        throw e;
                    }
                }
            }
        }
        if (remaining > 0) {
            log.info("Namespace {} is terminating: {} object(s) left", name, remaining);
            return Result.requeueAfter(RECHECK);
        }
        Namespace copy = Semantic.copy(ns);
        copy.getSpec()
                .setFinalizers(
                        new ArrayList<>(
                                finalizers.stream()
                                        .filter(f -> !KUBERNETES_FINALIZER.equals(f))
                                        .toList()));
        writes.record("update", "namespaces/finalize");
        try {
            client.raw("/api/v1/namespaces/" + name + "/finalize", "PUT", copy);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
        log.info("Namespace {} is empty; removed the kubernetes finalizer", name);
        return Result.done();
    }

    private static final ApiResource CRDS =
            new ApiResource(
                    "apiextensions.k8s.io",
                    "v1",
                    "customresourcedefinitions",
                    "CustomResourceDefinition",
                    false);

    /**
     * The namespaced kinds of the established CustomResourceDefinitions, read when a namespace
     * terminates (Kubernetes' namespace deleter reads discovery the same way): one served version
     * of each, the storage version when it is served.
     */
    private List<ApiResource> customResources() {
        List<ApiResource> out = new ArrayList<>();
        List<GenericKubernetesResource> crds;
        try {
            crds = client.genericKubernetesResources(CRDS.context()).list().getItems();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return out;
            }
            throw e;
        }
        for (GenericKubernetesResource crd : crds) {
            if (!(crd.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec)
                    || !"Namespaced".equals(spec.get("scope"))
                    || !(spec.get("names") instanceof Map<?, ?> names)
                    || !(crd.getAdditionalProperties().get("status") instanceof Map<?, ?> status)
                    || !established(status)) {
                continue;
            }
            String version = null;
            if (spec.get("versions") instanceof List<?> versions) {
                for (Object v : versions) {
                    if (v instanceof Map<?, ?> m
                            && Boolean.TRUE.equals(m.get("served"))
                            && (version == null || Boolean.TRUE.equals(m.get("storage")))) {
                        version = String.valueOf(m.get("name"));
                    }
                }
            }
            if (version != null) {
                out.add(
                        new ApiResource(
                                String.valueOf(spec.get("group")),
                                version,
                                String.valueOf(names.get("plural")),
                                String.valueOf(names.get("kind")),
                                true));
            }
        }
        return out;
    }

    private static boolean established(Map<?, ?> status) {
        if (status.get("conditions") instanceof List<?> conditions) {
            for (Object c : conditions) {
                if (c instanceof Map<?, ?> m
                        && "Established".equals(m.get("type"))
                        && "True".equals(m.get("status"))) {
                    return true;
                }
            }
        }
        return false;
    }
}
