package io.j8s.controllers.util.endpointslice;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.j8s.controllers.util.OwnerReferences;
import java.util.Map;

/**
 * The slices of one API object (a Service, or the Endpoints the mirroring controller mirrors): each
 * carries a controller reference to the object, so the garbage collector deletes it with the
 * object, and is named by the API server from {@code generateName: <object>-}. The object owns
 * exactly the slices whose controller reference carries its UID. Subclasses say which labels the
 * slices carry and which annotations.
 */
public abstract class ObjectSliceOwner implements EndpointSliceReconciler.SliceOwner {

    private final HasMetadata owner;
    private final String apiVersion;
    private final String kind;
    private final Map<String, String> labels;

    /**
     * @param owner the object the slices belong to (not modified)
     * @param labels the labels every slice of {@code owner} must carry (copied)
     */
    protected ObjectSliceOwner(
            HasMetadata owner, String apiVersion, String kind, Map<String, String> labels) {
        this.owner = owner;
        this.apiVersion = apiVersion;
        this.kind = kind;
        this.labels = Map.copyOf(labels);
    }

    @Override
    public final boolean owns(EndpointSlice slice) {
        return OwnerReferences.isControlledBy(slice, owner.getMetadata().getUid());
    }

    @Override
    public final EndpointSlice newSlice(String addressType) {
        EndpointSlice slice = new EndpointSlice();
        slice.setMetadata(
                new ObjectMetaBuilder()
                        .withNamespace(owner.getMetadata().getNamespace())
                        .withGenerateName(owner.getMetadata().getName() + "-")
                        .withOwnerReferences(OwnerReferences.controllerRef(owner, apiVersion, kind))
                        .build());
        slice.setAddressType(addressType);
        return slice;
    }

    @Override
    public final Map<String, String> labels() {
        return labels;
    }
}
