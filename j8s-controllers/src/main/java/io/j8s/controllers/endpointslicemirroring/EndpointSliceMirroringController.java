package io.j8s.controllers.endpointslicemirroring;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.j8s.client.cache.Cache;
import io.j8s.client.cache.EventHandlers;
import io.j8s.client.cache.Keys;
import io.j8s.client.cache.StaleCacheException;
import io.j8s.client.record.EventRecorder;
import io.j8s.controllers.runtime.ControllerContext;
import io.j8s.controllers.runtime.ReconcilingController;
import io.j8s.controllers.runtime.Result;
import io.j8s.controllers.util.Services;
import io.j8s.controllers.util.endpoint.TriggerTimeTracker;
import io.j8s.controllers.util.endpointslice.EndpointSliceReconciler;
import io.j8s.controllers.util.endpointslice.SliceEndpoints;
import io.j8s.controllers.util.endpointslice.SliceTracker;
import io.j8s.controllers.util.endpointslice.SliceWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors hand-written Endpoints of selectorless Services into EndpointSlices (Kubernetes'
 * endpointslicemirroring controller), so that clients reading slices — kubectl 1.31+ {@code
 * describe svc}, the proxy — see them.
 *
 * <p>Keys are Endpoints keys. An Endpoints is mirrored when a Service of the same name exists
 * without a selector, and the Endpoints is not labelled {@code
 * endpointslice.kubernetes.io/skip-mirror: "true"}; otherwise its mirrored slices are deleted.
 * Slices carry the Endpoints' labels and annotations, {@code managed-by:
 * endpointslicemirroring-controller.k8s.io}, and a controller reference to the Endpoints.
 *
 * <p>Identity: {@value #IDENTITY}. Needs get/list/watch on services, endpoints and endpointslices;
 * create/update/delete on endpointslices; create/update on events.
 */
public final class EndpointSliceMirroringController extends ReconcilingController {

    public static final String NAME = "endpointslicemirroring";
    public static final String IDENTITY = "endpointslicemirroring-controller";
    static final String MIRROR_INDEX = "j8s/mirrored-from";

    private static final Logger log =
            LoggerFactory.getLogger(EndpointSliceMirroringController.class);

    private final Cache<Service> services;
    private final Cache<Endpoints> endpoints;
    private final Cache<EndpointSlice> slices;
    private final EventRecorder events;
    private final EndpointSliceReconciler reconciler;
    private final int maxPerSubset;
    private final SliceTracker tracker = new SliceTracker();
    private final SliceWriter writer;

    public EndpointSliceMirroringController(ControllerContext context) {
        super(context, NAME, IDENTITY);
        this.services = context.informers().cache(Service.class);
        this.endpoints = context.informers().cache(Endpoints.class);
        this.slices = context.informers().cache(EndpointSlice.class);
        context.informers()
                .addIndexer(
                        EndpointSlice.class,
                        MIRROR_INDEX,
                        EndpointSliceMirroringController::mirrorIndex);
        this.events = context.eventRecorder(IDENTITY);
        this.maxPerSubset = context.settings().mirroringMaxEndpointsPerSubset();
        this.reconciler = new EndpointSliceReconciler(maxPerSubset, false);
        this.writer = new SliceWriter(client, writes, tracker);
        newLoop(context.settings().workers(), List.of(services, endpoints, slices));

        endpoints.informer().addEventHandler(EventHandlers.onAny(ep -> queue.add(Keys.keyOf(ep))));
        services.informer().addEventHandler(EventHandlers.onAny(svc -> queue.add(Keys.keyOf(svc))));
        slices.informer()
                .addEventHandler(
                        EventHandlers.of(
                                s -> mirrorIndex(s).forEach(queue::add),
                                (o, n) -> mirrorIndex(n).forEach(queue::add),
                                s ->
                                        mirrorIndex(s)
                                                .forEach(
                                                        key -> {
                                                            tracker.observedDeletion(key, s);
                                                            queue.add(key);
                                                        })));
    }

    static List<String> mirrorIndex(EndpointSlice slice) {
        return SliceEndpoints.ownerKey(slice, MirroredSlices.MANAGED_BY);
    }

    @Override
    protected Result reconcile(String key) {
        List<EndpointSlice> mirrored =
                slices.byIndex(MIRROR_INDEX, key).stream()
                        .filter(s -> s.getMetadata().getDeletionTimestamp() == null)
                        .toList();
        Optional<Endpoints> ep = endpoints.get(key);
        Optional<Service> svc = services.get(key);
        if (ep.isEmpty()
                || !MirroredSlices.shouldMirror(ep.get())
                || svc.isEmpty()
                || Services.selector(svc.get()) != null) {
            deleteAll(key, mirrored);
            return Result.done();
        }
        if (tracker.stale(key, mirrored)) {
            throw new StaleCacheException(
                    "EndpointSlice cache for " + key + " is older than our last write");
        }
        Endpoints endpointsObject = ep.get();
        MirroredSlices.Desired desired = MirroredSlices.desired(endpointsObject, maxPerSubset);
        if (desired.skippedOverCapacity() > 0) {
            events.event(
                    endpointsObject,
                    EventRecorder.WARNING,
                    "AddressesSkipped",
                    "%d addresses in %s Endpoints were skipped due to exceeding MaxEndpointsPerSubset",
                    desired.skippedOverCapacity(),
                    endpointsObject.getMetadata().getName());
        }
        if (desired.invalid() > 0) {
            events.event(
                    endpointsObject,
                    EventRecorder.WARNING,
                    "InvalidIPAddress",
                    "Skipped %d invalid IP addresses when mirroring to EndpointSlices",
                    desired.invalid());
        }
        Instant triggerTime =
                TriggerTimeTracker.triggerTimeOf(endpointsObject.getMetadata().getAnnotations());
        MirroredSlices.EndpointsOwner owner = new MirroredSlices.EndpointsOwner(endpointsObject);
        EndpointSliceReconciler.Plan plan =
                new EndpointSliceReconciler.Plan(List.of(), List.of(), List.of());
        for (String addressType : List.of("IPv4", "IPv6")) {
            List<EndpointSlice> existing =
                    mirrored.stream().filter(s -> addressType.equals(s.getAddressType())).toList();
            plan =
                    plan.plus(
                            reconciler.reconcile(
                                    owner,
                                    addressType,
                                    desired.groupsByAddressType()
                                            .getOrDefault(addressType, Map.of()),
                                    existing,
                                    triggerTime));
        }
        // slices of another address type than IPv4/IPv6 (FQDN) are never ours to keep
        plan =
                plan.plus(
                        new EndpointSliceReconciler.Plan(
                                List.of(),
                                List.of(),
                                mirrored.stream()
                                        .filter(
                                                s ->
                                                        !"IPv4".equals(s.getAddressType())
                                                                && !"IPv6"
                                                                        .equals(s.getAddressType()))
                                        .toList()));
        if (plan.isEmpty()) {
            return Result.done();
        }
        log.info(
                "Mirroring Endpoints {}: {} to create, {} to update, {} to delete",
                key,
                plan.toCreate().size(),
                plan.toUpdate().size(),
                plan.toDelete().size());
        writer.apply(key, plan, true);
        forgetIfGone(key, plan.toDelete());
        return Result.done();
    }

    private void deleteAll(String key, List<EndpointSlice> toDelete) {
        writer.delete(key, toDelete);
        forgetIfGone(key, toDelete);
    }

    private void forgetIfGone(String key, List<EndpointSlice> deleted) {
        if (deleted.isEmpty() && endpoints.get(key).isEmpty()) {
            tracker.forget(key);
        }
    }
}
