package io.j8s.controllers.endpointslice;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.j8s.client.cache.Cache;
import io.j8s.client.cache.EventHandlers;
import io.j8s.client.cache.Keys;
import io.j8s.client.cache.LabelIndex;
import io.j8s.client.cache.StaleCacheException;
import io.j8s.client.record.EventRecorder;
import io.j8s.controllers.runtime.ControllerContext;
import io.j8s.controllers.runtime.ReconcilingController;
import io.j8s.controllers.runtime.Result;
import io.j8s.controllers.util.Services;
import io.j8s.controllers.util.endpoint.PodChanges;
import io.j8s.controllers.util.endpoint.TriggerTimeTracker;
import io.j8s.controllers.util.endpointslice.EndpointSliceReconciler;
import io.j8s.controllers.util.endpointslice.ObjectSliceOwner;
import io.j8s.controllers.util.endpointslice.SliceEndpoints;
import io.j8s.controllers.util.endpointslice.SliceTracker;
import io.j8s.controllers.util.endpointslice.SliceWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@code discovery.k8s.io/v1} EndpointSlices of every Service with a selector (see {@link
 * EndpointSliceReconciler} for the packing rules and docs/controllers.md for the fields).
 *
 * <p>Slices are labelled {@code kubernetes.io/service-name} and {@code
 * endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io} plus the Service's
 * labels, owned (controller reference) by the Service — so the garbage collector deletes them with
 * it — and named by the API server from {@code generateName: <service>-}.
 *
 * <p>Identity: {@value #IDENTITY}. Needs get/list/watch on services, pods, nodes and
 * endpointslices; create/update/delete on endpointslices; create/update on events.
 */
public final class EndpointSliceController extends ReconcilingController {

    public static final String NAME = "endpointslice";
    public static final String IDENTITY = "endpointslice-controller";
    public static final String MANAGED_BY = "endpointslice-controller.k8s.io";
    static final String SERVICE_INDEX = "j8s/service-name";

    private static final Logger log = LoggerFactory.getLogger(EndpointSliceController.class);

    private final Cache<Service> services;
    private final Cache<Pod> pods;
    private final Cache<Node> nodes;
    private final Cache<EndpointSlice> slices;
    private final EventRecorder events;
    private final EndpointSliceReconciler reconciler;
    private final SliceTracker tracker = new SliceTracker();
    private final SliceWriter writer;
    private final TriggerTimeTracker triggerTimes = new TriggerTimeTracker();

    public EndpointSliceController(ControllerContext context) {
        super(context, NAME, IDENTITY);
        this.services = context.informers().cache(Service.class);
        this.pods = context.informers().cache(Pod.class);
        LabelIndex.register(context.informers(), Pod.class);
        this.nodes = context.informers().cache(Node.class);
        this.slices = context.informers().cache(EndpointSlice.class);
        context.informers()
                .addIndexer(
                        EndpointSlice.class, SERVICE_INDEX, EndpointSliceController::serviceIndex);
        this.events = context.eventRecorder(IDENTITY);
        this.reconciler =
                new EndpointSliceReconciler(context.settings().maxEndpointsPerSlice(), true);
        this.writer = new SliceWriter(client, writes, tracker);
        newLoop(context.settings().workers(), List.of(services, pods, nodes, slices));

        services.informer().addEventHandler(EventHandlers.onAny(svc -> queue.add(Keys.keyOf(svc))));
        pods.informer().addEventHandler(PodChanges.enqueueServices(services, queue::add));
        slices.informer()
                .addEventHandler(
                        EventHandlers.of(
                                this::onSliceChange,
                                (o, n) -> onSliceChange(n),
                                this::onSliceDelete));
    }

    static List<String> serviceIndex(EndpointSlice slice) {
        return SliceEndpoints.ownerKey(slice, MANAGED_BY);
    }

    private void onSliceChange(EndpointSlice slice) {
        serviceIndex(slice).forEach(queue::add);
    }

    private void onSliceDelete(EndpointSlice slice) {
        for (String key : serviceIndex(slice)) {
            tracker.observedDeletion(key, slice);
            queue.add(key);
        }
    }

    @Override
    protected Result reconcile(String key) {
        Optional<Service> found = services.get(key);
        if (found.isEmpty()) {
            // the slices go with the Service through their owner reference (garbage collector)
            tracker.forget(key);
            triggerTimes.deleteService(key);
            return Result.done();
        }
        Service service = found.get();
        if (Services.isExternalName(service)) {
            return Result.done();
        }
        Map<String, String> selector = Services.selector(service);
        if (selector == null) {
            return Result.done(); // selectorless: the mirroring controller's business
        }
        String namespace = Keys.namespace(key);
        List<EndpointSlice> existing =
                slices.byIndex(SERVICE_INDEX, key).stream()
                        .filter(s -> s.getMetadata().getDeletionTimestamp() == null)
                        .toList();
        if (tracker.stale(key, existing)) {
            throw new StaleCacheException(
                    "EndpointSlice cache for " + key + " is older than our last write");
        }
        List<Pod> selected = LabelIndex.select(pods.indexer(), namespace, selector);
        TriggerTimeTracker.Sync trigger = triggerTimes.compute(service, selected);
        Instant triggerTime = trigger.triggerTime();

        String addressType = Services.isIpv6(service) ? "IPv6" : "IPv4";
        Map<String, EndpointSliceReconciler.DesiredGroup> desired = new LinkedHashMap<>();
        Map<String, List<Endpoint>> endpointsByPorts = new LinkedHashMap<>();
        Map<String, List<EndpointPort>> portsByKey = new LinkedHashMap<>();
        List<String> missingNodes = new ArrayList<>();
        for (Pod pod : selected) {
            if (!Services.shouldPodBeInEndpoints(pod, true)) {
                continue;
            }
            String ip = Services.podIpFor(service, pod);
            List<EndpointPort> ports = SliceEndpoints.portsFor(service, pod);
            String portKey = SliceEndpoints.portMapKey(ports);
            portsByKey.putIfAbsent(portKey, ports);
            endpointsByPorts.computeIfAbsent(portKey, k -> new ArrayList<>());
            Node node =
                    nodes.get(
                                    pod.getSpec().getNodeName() == null
                                            ? ""
                                            : pod.getSpec().getNodeName())
                            .orElse(null);
            if (node == null && !Services.publishNotReadyAddresses(service)) {
                missingNodes.add(pod.getMetadata().getName());
                continue;
            }
            if (ip != null) {
                endpointsByPorts
                        .get(portKey)
                        .add(SliceEndpoints.endpointFor(pod, node, service, ip));
            }
        }
        for (Map.Entry<String, List<Endpoint>> e : endpointsByPorts.entrySet()) {
            desired.put(
                    e.getKey(),
                    new EndpointSliceReconciler.DesiredGroup(
                            portsByKey.get(e.getKey()), e.getValue()));
        }

        EndpointSliceReconciler.Plan plan =
                reconciler.reconcile(
                        new ServiceOwner(service), addressType, desired, existing, triggerTime);
        try {
            apply(key, service, plan);
        } catch (KubernetesClientException e) {
            events.event(
                    service,
                    EventRecorder.WARNING,
                    "FailedToUpdateEndpointSlices",
                    "Error updating Endpoint Slices for Service %s/%s: %s",
                    namespace,
                    service.getMetadata().getName(),
                    e.getMessage());
            throw e;
        }
        trigger.commit();
        if (!missingNodes.isEmpty()) {
            log.debug(
                    "Pods {} of Service {} are on Nodes not (yet) known; retrying",
                    missingNodes,
                    key);
            return Result.requeueAfter(Duration.ofSeconds(1));
        }
        return Result.done();
    }

    private void apply(String key, Service service, EndpointSliceReconciler.Plan plan) {
        if (plan.isEmpty()) {
            return;
        }
        log.info(
                "Syncing EndpointSlices of {}: {} to create, {} to update, {} to delete",
                key,
                plan.toCreate().size(),
                plan.toUpdate().size(),
                plan.toDelete().size());
        writer.apply(key, plan, service.getMetadata().getDeletionTimestamp() == null);
    }

    /** Slices of a Service. */
    static final class ServiceOwner extends ObjectSliceOwner {
        ServiceOwner(Service service) {
            super(service, "v1", "Service", labelsOf(service));
        }

        private static Map<String, String> labelsOf(Service service) {
            Map<String, String> l = new LinkedHashMap<>();
            Map<String, String> serviceLabels = service.getMetadata().getLabels();
            if (serviceLabels != null) {
                serviceLabels.forEach(
                        (k, v) -> {
                            if (!SliceEndpoints.isReservedLabel(k)) {
                                l.put(k, v);
                            }
                        });
            }
            l.put(EndpointSliceReconciler.LABEL_SERVICE_NAME, service.getMetadata().getName());
            l.put(EndpointSliceReconciler.LABEL_MANAGED_BY, MANAGED_BY);
            if (!Services.isClusterIpSet(service)) {
                l.put(Services.HEADLESS_LABEL, "");
            }
            return l;
        }

        @Override
        public Map<String, String> annotations(EndpointSlice existing) {
            Map<String, String> a =
                    new LinkedHashMap<>(
                            existing == null || existing.getMetadata().getAnnotations() == null
                                    ? Map.of()
                                    : existing.getMetadata().getAnnotations());
            a.remove(TriggerTimeTracker.TRIGGER_TIME_ANNOTATION);
            return a;
        }
    }
}
