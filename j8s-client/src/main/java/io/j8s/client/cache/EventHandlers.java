package io.j8s.client.cache;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** Builds informer event handlers from lambdas. Handlers must only enqueue keys, never do work. */
public final class EventHandlers {

    private EventHandlers() {}

    public static <T> ResourceEventHandler<T> of(
            Consumer<T> onAdd, BiConsumer<T, T> onUpdate, Consumer<T> onDelete) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                onAdd.accept(obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                onUpdate.accept(oldObj, newObj);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                // with fabric8, obj is the last known state even when the final state is unknown
                onDelete.accept(obj);
            }
        };
    }

    /** The same action for add, update (new object) and delete. */
    public static <T> ResourceEventHandler<T> onAny(Consumer<T> action) {
        return of(action, (o, n) -> action.accept(n), action);
    }
}
