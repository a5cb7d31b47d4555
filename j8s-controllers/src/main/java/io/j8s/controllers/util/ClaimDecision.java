package io.j8s.controllers.util;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code ControllerRefManager.ClaimObject}, as a decision: which candidates a controller owns
 * already, which orphans matching its selector it should adopt, and which of its own it should
 * release because they no longer match. A controller being deleted adopts and releases nothing.
 * Pure.
 *
 * @param <T> the dependent type (Pod, ReplicaSet)
 */
public record ClaimDecision<T extends HasMetadata>(
        List<T> owned, List<T> toAdopt, List<T> toRelease) {

    public static <T extends HasMetadata> ClaimDecision<T> decide(
            HasMetadata controller, LabelSelector selector, List<T> candidates) {
        List<T> owned = new ArrayList<>();
        List<T> adopt = new ArrayList<>();
        List<T> release = new ArrayList<>();
        boolean controllerDeleting = controller.getMetadata().getDeletionTimestamp() != null;
        io.j8s.api.selector.LabelSelector parsed =
                candidates.isEmpty()
                        ? null
                        : io.j8s.api.selector.LabelSelector.fromMatchLabelsAndExpressions(selector);
        for (T obj : candidates) {
            boolean matches = parsed.matches(obj.getMetadata().getLabels());
            Optional<OwnerReference> ref = OwnerReferences.controllerOf(obj);
            if (ref.isPresent()) {
                if (!Objects.equals(ref.get().getUid(), controller.getMetadata().getUid())) {
                    continue; // someone else's
                }
                if (matches) {
                    owned.add(obj);
                } else if (!controllerDeleting) {
                    release.add(obj);
                }
                continue;
            }
            if (controllerDeleting
                    || !matches
                    || obj.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            if (!Objects.equals(
                    controller.getMetadata().getNamespace(), obj.getMetadata().getNamespace())) {
                continue;
            }
            adopt.add(obj);
        }
        return new ClaimDecision<>(List.copyOf(owned), List.copyOf(adopt), List.copyOf(release));
    }
}
