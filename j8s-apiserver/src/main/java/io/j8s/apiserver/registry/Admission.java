package io.j8s.apiserver.registry;

import io.j8s.api.ResourceType;
import io.j8s.store.TxnOp;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * A step every write of some kinds passes through before validation and persistence, such as
 * allocating a Service's ClusterIP. The store operations it returns are committed atomically with
 * the object itself, so an allocation never outlives a failed write.
 *
 * <p>Implementations are thread safe; they may be called concurrently for different objects.
 */
public interface Admission {

    /**
     * Before a create is validated; may change {@code object}. Returns extra ops to commit with it.
     */
    default List<TxnOp> admitCreate(ResourceType type, ObjectNode object) {
        return List.of();
    }

    /**
     * Before an update is validated; may change {@code object}. Returns extra ops to commit with
     * it.
     */
    default List<TxnOp> admitUpdate(ResourceType type, ObjectNode object, ObjectNode old) {
        return List.of();
    }

    /** Extra ops to commit when {@code old} is finally removed from the store. */
    default List<TxnOp> admitDelete(ResourceType type, ObjectNode old) {
        return List.of();
    }

    /**
     * The write that carried {@code ops} was not committed (validation failed, a precondition
     * failed, or another writer took the same allocation). Called before the registry gives up or
     * retries.
     *
     * @param conflict whether one of {@code ops}' own preconditions failed, so the admission's view
     *     of what is allocated is stale
     */
    default void writeFailed(ResourceType type, List<TxnOp> ops, boolean conflict) {}
}
