package io.j8s.controllers.util.endpointslice;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.j8s.client.cache.Keys;
import io.j8s.controllers.runtime.ApiWrites;
import java.util.List;
import java.util.Objects;

/**
 * Sends an {@link EndpointSliceReconciler.Plan} to the API for one owner (a Service, or mirrored
 * Endpoints), counting each write and telling the {@link SliceTracker} what was written, so a later
 * sync can tell a cache that has not caught up. Creates, then updates, then deletes; the first
 * failed write throws (the sync is retried). Thread-safe as its client, counter and tracker are.
 */
public final class SliceWriter {

    private final KubernetesClient client;
    private final ApiWrites writes;
    private final SliceTracker tracker;

    public SliceWriter(KubernetesClient client, ApiWrites writes, SliceTracker tracker) {
        this.client = Objects.requireNonNull(client, "client");
        this.writes = Objects.requireNonNull(writes, "writes");
        this.tracker = Objects.requireNonNull(tracker, "tracker");
    }

    /**
     * Writes {@code plan} for the owner {@code ownerKey} ({@code namespace/name}).
     *
     * @param create whether to create the plan's new slices (not while the owner is being deleted:
     *     its namespace may be terminating)
     */
    public void apply(String ownerKey, EndpointSliceReconciler.Plan plan, boolean create) {
        String namespace = Keys.namespace(ownerKey);
        if (create) {
            for (EndpointSlice s : plan.toCreate()) {
                writes.record("create", "endpointslices");
                tracker.wrote(
                        ownerKey,
                        client.discovery()
                                .v1()
                                .endpointSlices()
                                .inNamespace(namespace)
                                .resource(s)
                                .create());
            }
        }
        for (EndpointSlice s : plan.toUpdate()) {
            writes.record("update", "endpointslices");
            tracker.wrote(
                    ownerKey,
                    client.discovery()
                            .v1()
                            .endpointSlices()
                            .inNamespace(namespace)
                            .resource(s)
                            .update());
        }
        delete(ownerKey, plan.toDelete());
    }

    /** Deletes {@code slices} of the owner {@code ownerKey}. */
    public void delete(String ownerKey, List<EndpointSlice> slices) {
        String namespace = Keys.namespace(ownerKey);
        for (EndpointSlice s : slices) {
            writes.record("delete", "endpointslices");
            client.discovery()
                    .v1()
                    .endpointSlices()
                    .inNamespace(namespace)
                    .withName(s.getMetadata().getName())
                    .delete();
            tracker.deleted(ownerKey, s);
        }
    }
}
