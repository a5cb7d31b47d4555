package io.j8s.controllers.garbagecollector;

import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code classifyReferences} of Kubernetes' garbage collector, and what follows from it. Pure.
 *
 * <ul>
 *   <li><b>solid</b>: the owner exists and is not waiting for its dependents;
 *   <li><b>dangling</b>: the owner does not exist (or has another UID);
 *   <li><b>waiting</b>: the owner is being deleted in the foreground (finalizer {@code
 *       foregroundDeletion}).
 * </ul>
 */
public record OwnerClassification(
        List<OwnerReference> solid, List<OwnerReference> dangling, List<OwnerReference> waiting) {

    /** What the collector does with a dependent. */
    public enum Action {
        /** Every owner is solid: nothing to do. */
        KEEP,
        /** Some owners are solid, others gone or waiting: remove the references to the latter. */
        REMOVE_REFERENCES,
        /** No solid owner left: delete the dependent. */
        DELETE
    }

    /** The owner state the collector found for one reference. */
    public enum OwnerState {
        PRESENT,
        ABSENT,
        DELETING_FOREGROUND
    }

    /** Looks up owners. */
    public interface OwnerLookup {
        OwnerState stateOf(OwnerReference ref);
    }

    public static OwnerClassification classify(List<OwnerReference> refs, OwnerLookup lookup) {
        List<OwnerReference> solid = new ArrayList<>();
        List<OwnerReference> dangling = new ArrayList<>();
        List<OwnerReference> waiting = new ArrayList<>();
        for (OwnerReference ref : refs) {
            switch (lookup.stateOf(ref)) {
                case ABSENT -> dangling.add(ref);
                case DELETING_FOREGROUND -> waiting.add(ref);
                default -> solid.add(ref);
            }
        }
        return new OwnerClassification(
                List.copyOf(solid), List.copyOf(dangling), List.copyOf(waiting));
    }

    /**
     * {@code attemptToDeleteItem}: with a solid owner the dependent stays (references to gone or
     * waiting owners are removed); without one it is deleted.
     */
    public Action action() {
        if (!solid.isEmpty()) {
            return dangling.isEmpty() && waiting.isEmpty() ? Action.KEEP : Action.REMOVE_REFERENCES;
        }
        return Action.DELETE;
    }

    /**
     * The deletion policy for a dependent to delete: {@code Foreground} when an owner waits for it
     * and it has dependents of its own (so they go first), else {@code Background}; an object that
     * carries the {@code orphan} / {@code foregroundDeletion} finalizer keeps that behaviour.
     */
    public String deletionPolicy(boolean hasDependents) {
        return !waiting.isEmpty() && hasDependents ? "Foreground" : "Background";
    }
}
