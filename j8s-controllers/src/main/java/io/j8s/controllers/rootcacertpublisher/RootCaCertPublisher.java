package io.j8s.controllers.rootcacertpublisher;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.j8s.client.cache.Cache;
import io.j8s.client.cache.EventHandlers;
import io.j8s.controllers.runtime.ControllerContext;
import io.j8s.controllers.runtime.ReconcilingController;
import io.j8s.controllers.runtime.Result;
import io.j8s.controllers.util.Semantic;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' {@code root-ca-cert-publisher}: every Namespace has the ConfigMap {@value #CONFIGMAP}
 * whose {@code ca.crt} is the cluster CA bundle (the settings' {@code rootCaBundle}) and whose
 * annotation {@value #DESCRIPTION_ANNOTATION} says what it is for; a changed or deleted one is put
 * back. In-cluster clients read it through the {@code kube-api-access-*} volume of their Pod. Keys
 * are Namespace names; a Namespace that is terminating or gone is left alone. With no bundle
 * configured the controller writes nothing.
 *
 * <p>Identity: {@value #IDENTITY}. Needs get/list/watch on namespaces and configmaps, create and
 * update on configmaps.
 */
public final class RootCaCertPublisher extends ReconcilingController {

    public static final String NAME = "rootcacertpublisher";
    public static final String IDENTITY = "root-ca-cert-publisher";
    public static final String CONFIGMAP = "kube-root-ca.crt";
    public static final String DESCRIPTION_ANNOTATION = "kubernetes.io/description";
    public static final String DESCRIPTION =
            "Contains a CA bundle that can be used to verify the kube-apiserver when"
                    + " using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is"
                    + " guaranteed across distributions of Kubernetes clusters.";

    private static final Logger log = LoggerFactory.getLogger(RootCaCertPublisher.class);

    private final Cache<Namespace> namespaces;
    private final Cache<ConfigMap> configMaps;
    private final String bundle;

    public RootCaCertPublisher(ControllerContext context) {
        super(context, NAME, IDENTITY);
        this.bundle = context.settings().rootCaBundle();
        this.namespaces = context.informers().cache(Namespace.class);
        this.configMaps = context.informers().cache(ConfigMap.class);
        newLoop(context.settings().workers(), List.of(namespaces, configMaps));
        if (bundle.isEmpty()) {
            log.warn(
                    "No root CA bundle configured: the {} ConfigMaps are not published", CONFIGMAP);
            return;
        }
        namespaces
                .informer()
                .addEventHandler(
                        EventHandlers.of(
                                ns -> queue.add(ns.getMetadata().getName()),
                                (o, n) -> queue.add(n.getMetadata().getName()),
                                ns -> {}));
        configMaps
                .informer()
                .addEventHandler(EventHandlers.of(cm -> {}, (o, n) -> enqueue(n), this::enqueue));
    }

    private void enqueue(ConfigMap cm) {
        if (CONFIGMAP.equals(cm.getMetadata().getName())) {
            queue.add(cm.getMetadata().getNamespace());
        }
    }

    @Override
    protected Result reconcile(String namespace) {
        Optional<Namespace> ns = namespaces.get(namespace);
        if (bundle.isEmpty()
                || ns.isEmpty()
                || ns.get().getMetadata().getDeletionTimestamp() != null) {
            return Result.done();
        }
        Map<String, String> data = Map.of("ca.crt", bundle);
        Optional<ConfigMap> found = configMaps.get(namespace, CONFIGMAP);
        if (found.isEmpty()) {
            ConfigMap cm =
                    new ConfigMapBuilder()
                            .withNewMetadata()
                            .withName(CONFIGMAP)
                            .withNamespace(namespace)
                            .addToAnnotations(DESCRIPTION_ANNOTATION, DESCRIPTION)
                            .endMetadata()
                            .withData(data)
                            .build();
            writes.record("create", "configmaps");
            try {
                client.configMaps().inNamespace(namespace).resource(cm).create();
                log.atInfo()
                        .addKeyValue("configmap", namespace + "/" + CONFIGMAP)
                        .log("published the root CA bundle");
            } catch (KubernetesClientException e) {
                // the namespace is gone or terminating: nothing to publish; already there: the
                // watch tells
                if (e.getCode() != 404 && e.getCode() != 409 && !terminating(e)) {
                    throw e;
                }
            }
            return Result.done();
        }
        ConfigMap cm = found.get();
        Map<String, String> annotations = cm.getMetadata().getAnnotations();
        String description = annotations == null ? null : annotations.get(DESCRIPTION_ANNOTATION);
        if (data.equals(cm.getData() == null ? Map.of() : cm.getData())
                && description != null
                && !description.isEmpty()) {
            return Result.done();
        }
        ConfigMap copy = Semantic.copy(cm);
        copy.setData(data);
        Map<String, String> newAnnotations =
                new HashMap<>(annotations == null ? Map.of() : annotations);
        newAnnotations.put(DESCRIPTION_ANNOTATION, DESCRIPTION);
        copy.getMetadata().setAnnotations(newAnnotations);
        writes.record("update", "configmaps");
        client.configMaps().inNamespace(namespace).resource(copy).update();
        log.atInfo()
                .addKeyValue("configmap", namespace + "/" + CONFIGMAP)
                .log("restored the root CA bundle");
        return Result.done();
    }

    private static boolean terminating(KubernetesClientException e) {
        return e.getCode() == 403
                && e.getStatus() != null
                && e.getStatus().getMessage() != null
                && e.getStatus().getMessage().contains("because it is being terminated");
    }
}
