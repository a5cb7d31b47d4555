package io.j8s.controllers.util;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.List;
import java.util.Optional;

/** Owner references: finding an object's controller, building controller references. */
public final class OwnerReferences {

    private OwnerReferences() {}

    /** The owner reference with {@code controller: true}, if any. */
    public static Optional<OwnerReference> controllerOf(HasMetadata object) {
        List<OwnerReference> refs = object.getMetadata().getOwnerReferences();
        if (refs == null) {
            return Optional.empty();
        }
        return refs.stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst();
    }

    /** Whether {@code object}'s controller is the object with {@code ownerUid}. */
    public static boolean isControlledBy(HasMetadata object, String ownerUid) {
        return controllerOf(object).map(r -> r.getUid().equals(ownerUid)).orElse(false);
    }

    /**
     * A controller reference ({@code controller} and {@code blockOwnerDeletion} true) to {@code
     * owner}.
     */
    public static OwnerReference controllerRef(HasMetadata owner, String apiVersion, String kind) {
        return new OwnerReferenceBuilder()
                .withApiVersion(apiVersion)
                .withKind(kind)
                .withName(owner.getMetadata().getName())
                .withUid(owner.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }
}
