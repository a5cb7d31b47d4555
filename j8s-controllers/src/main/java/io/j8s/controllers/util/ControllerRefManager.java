package io.j8s.controllers.util;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' {@code ControllerRefManager} ({@code pkg/controller/controller_ref_manager.go}): a
 * controller claims the dependents it selects. It keeps those it already controls, adopts matching
 * orphans (adds its controller reference) and releases its own that stopped matching (removes its
 * reference), as {@link ClaimDecision} decides. Used by the ReplicaSet controller for Pods and the
 * Deployment controller for ReplicaSets.
 *
 * <p>Before the first adoption the controller is read afresh ({@code RecheckDeletionTimestamp}): a
 * controller that is gone, was replaced (another UID) or is being deleted adopts nothing. A
 * dependent deleted meanwhile (404) is skipped; any other failed write throws, and the sync is
 * retried.
 *
 * @param <T> the dependent type
 */
public final class ControllerRefManager<T extends HasMetadata> {

    private static final Logger log = LoggerFactory.getLogger(ControllerRefManager.class);

    private final HasMetadata controller;
    private final String apiVersion;
    private final String kind;
    private final BooleanSupplier canAdopt;
    private final UnaryOperator<T> update;

    /**
     * @param controller the controller as cached (not modified)
     * @param apiVersion the controller's API version, for the reference ({@code apps/v1})
     * @param kind the controller's kind, for the reference
     * @param canAdopt asked once, before the first adoption; see {@link #recheck}
     * @param update writes a changed dependent (a copy) and returns it as stored
     */
    public ControllerRefManager(
            HasMetadata controller,
            String apiVersion,
            String kind,
            BooleanSupplier canAdopt,
            UnaryOperator<T> update) {
        this.controller = Objects.requireNonNull(controller, "controller");
        this.apiVersion = Objects.requireNonNull(apiVersion, "apiVersion");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.canAdopt = Objects.requireNonNull(canAdopt, "canAdopt");
        this.update = Objects.requireNonNull(update, "update");
    }

    /**
     * {@code RecheckDeletionTimestamp}: whether the controller read afresh ({@code fresh}, null
     * when gone) is still {@code controller} (same UID) and not being deleted.
     */
    public static BooleanSupplier recheck(
            HasMetadata controller, Supplier<? extends HasMetadata> fresh) {
        return () -> {
            HasMetadata live = fresh.get();
            return live != null
                    && Objects.equals(
                            live.getMetadata().getUid(), controller.getMetadata().getUid())
                    && live.getMetadata().getDeletionTimestamp() == null;
        };
    }

    /**
     * Claims among {@code candidates} (the cached objects of the controller's namespace, not
     * modified): returns those the controller controls after the adoptions, adopted ones as stored.
     */
    public List<T> claim(LabelSelector selector, List<T> candidates) {
        ClaimDecision<T> decision = ClaimDecision.decide(controller, selector, candidates);
        List<T> claimed = new ArrayList<>(decision.owned());
        if (!decision.toAdopt().isEmpty() && canAdopt.getAsBoolean()) {
            for (T orphan : decision.toAdopt()) {
                T copy = Semantic.copy(orphan);
                List<OwnerReference> refs =
                        new ArrayList<>(
                                copy.getMetadata().getOwnerReferences() == null
                                        ? List.of()
                                        : copy.getMetadata().getOwnerReferences());
                refs.add(OwnerReferences.controllerRef(controller, apiVersion, kind));
                copy.getMetadata().setOwnerReferences(refs);
                T adopted = writeUnlessGone(copy);
                if (adopted != null) {
                    claimed.add(adopted);
                    log.info(
                            "{} {} adopted {} {}",
                            kind,
                            key(controller),
                            orphan.getClass().getSimpleName(),
                            key(orphan));
                }
            }
        }
        for (T dependent : decision.toRelease()) {
            T copy = Semantic.copy(dependent);
            copy.getMetadata()
                    .setOwnerReferences(
                            new ArrayList<>(
                                    copy.getMetadata().getOwnerReferences().stream()
                                            .filter(
                                                    r ->
                                                            !Objects.equals(
                                                                    r.getUid(),
                                                                    controller
                                                                            .getMetadata()
                                                                            .getUid()))
                                            .toList()));
            if (writeUnlessGone(copy) != null) {
                log.info(
                        "{} {} released {} {}",
                        kind,
                        key(controller),
                        dependent.getClass().getSimpleName(),
                        key(dependent));
            }
        }
        return claimed;
    }

    private T writeUnlessGone(T copy) {
        try {
            return update.apply(copy);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    private static String key(HasMetadata o) {
        return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
    }
}
