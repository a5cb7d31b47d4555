package io.j8s.controllers.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.j8s.client.cache.SharedInformers;
import io.j8s.controllers.util.OwnerReferences;
import java.util.ArrayList;
import java.util.List;

/**
 * An informer index from an object's controller (the uid of its controller ownerReference) to the
 * objects it controls, with the orphans of each namespace under one more value: Kubernetes' {@code
 * PodControllerUIDIndex}. The ReplicaSet controller reads "its Pods and the orphans it may adopt"
 * from it instead of scanning every Pod of the namespace on each sync. Stateless.
 */
public final class ControllerIndex {

    /** The index's name in the shared informer. */
    public static final String NAME = "controller-uid";

    private ControllerIndex() {}

    /** Registers the index on the shared informer of {@code type} (once; later calls share it). */
    public static <T extends HasMetadata> void register(SharedInformers informers, Class<T> type) {
        informers.addIndexer(type, NAME, ControllerIndex::values);
    }

    static List<String> values(HasMetadata object) {
        return List.of(
                OwnerReferences.controllerOf(object)
                        .map(OwnerReference::getUid)
                        .orElseGet(() -> orphansOf(object.getMetadata().getNamespace())));
    }

    /** The objects whose controller has {@code uid}. */
    public static <T extends HasMetadata> List<T> controlledBy(Indexer<T> indexer, String uid) {
        return indexer.byIndex(NAME, uid);
    }

    /**
     * What {@code owner} may claim: the objects it controls and the orphans of its namespace
     * ({@code FilterPodsByOwner}). Objects of other controllers are left out: nobody may adopt
     * them.
     */
    public static <T extends HasMetadata> List<T> controlledByOrOrphans(
            Indexer<T> indexer, HasMetadata owner) {
        List<T> owned = indexer.byIndex(NAME, owner.getMetadata().getUid());
        List<T> orphans = indexer.byIndex(NAME, orphansOf(owner.getMetadata().getNamespace()));
        List<T> all = new ArrayList<>(owned.size() + orphans.size());
        all.addAll(owned);
        all.addAll(orphans);
        return all;
    }

    /** The index value of the orphans of a namespace; no uid looks like it. */
    private static String orphansOf(String namespace) {
        return "orphans in " + (namespace == null ? "" : namespace);
    }
}
