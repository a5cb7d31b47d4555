package io.j8s.controllers.endpoint;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.j8s.client.cache.Cache;
import io.j8s.client.cache.EventHandlers;
import io.j8s.client.cache.Keys;
import io.j8s.client.cache.LabelIndex;
import io.j8s.client.record.EventRecorder;
import io.j8s.controllers.runtime.ControllerContext;
import io.j8s.controllers.runtime.ReconcilingController;
import io.j8s.controllers.runtime.Result;
import io.j8s.controllers.util.Services;
import io.j8s.controllers.util.endpoint.PodChanges;
import io.j8s.controllers.util.endpoint.TriggerTimeTracker;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one {@code v1} Endpoints per Service with a selector (Kubernetes' endpoints controller; the
 * behaviour is described in docs/controllers.md and computed by {@link DesiredEndpoints}).
 *
 * <p>Keys are Service keys. Services without a selector (hand-written Endpoints, the {@code
 * kubernetes} Service) and ExternalName Services are left alone; the Endpoints of a deleted Service
 * is deleted; every existing Endpoints is enqueued once at start-up so orphans go.
 *
 * <p>Identity: {@value #IDENTITY}. Needs get/list/watch on services, pods and endpoints; create,
 * update and delete on endpoints; create/update on events.
 */
public final class EndpointsController extends ReconcilingController {

    public static final String NAME = "endpoints";
    public static final String IDENTITY = "endpoint-controller";

    /** Endpoints carrying this annotation are leader-election locks, never orphans. */
    static final String LEADER_ANNOTATION = "control-plane.alpha.kubernetes.io/leader";

    private static final Logger log = LoggerFactory.getLogger(EndpointsController.class);

    private final Cache<Service> services;
    private final Cache<Pod> pods;
    private final Cache<Endpoints> endpoints;
    private final EventRecorder events;
    private final TriggerTimeTracker triggerTimes = new TriggerTimeTracker();
    private final Timer syncDuration;
    private final Timer programmingLatency;

    public EndpointsController(ControllerContext context) {
        super(context, NAME, IDENTITY);
        this.services = context.informers().cache(Service.class);
        this.pods = context.informers().cache(Pod.class);
        LabelIndex.register(context.informers(), Pod.class);
        this.endpoints = context.informers().cache(Endpoints.class);
        this.events = context.eventRecorder(IDENTITY);
        this.syncDuration =
                Timer.builder("j8s_endpoints_sync_duration_seconds")
                        .description("Time to sync the Endpoints of one Service")
                        .register(context.meterRegistry());
        this.programmingLatency =
                Timer.builder("j8s_endpoints_programming_latency_seconds")
                        .description("From the last change trigger time to the Endpoints write")
                        .register(context.meterRegistry());
        newLoop(context.settings().workers(), List.of(services, pods, endpoints))
                .whenSynced(this::enqueueAllEndpoints);

        services.informer().addEventHandler(EventHandlers.onAny(svc -> queue.add(Keys.keyOf(svc))));
        pods.informer().addEventHandler(PodChanges.enqueueServices(services, queue::add));
        endpoints
                .informer()
                .addEventHandler(
                        EventHandlers.of(ep -> {}, (o, n) -> {}, ep -> queue.add(Keys.keyOf(ep))));
    }

    /** {@code checkLeftoverEndpoints}: every Endpoints once, so those of deleted Services go. */
    private void enqueueAllEndpoints() {
        for (Endpoints ep : endpoints.list()) {
            Map<String, String> annotations = ep.getMetadata().getAnnotations();
            if (annotations != null && annotations.containsKey(LEADER_ANNOTATION)) {
                continue;
            }
            queue.add(Keys.keyOf(ep));
        }
    }

    /** {@code syncService}. */
    @Override
    protected Result reconcile(String key) {
        long start = System.nanoTime();
        try {
            syncService(key);
            return Result.done();
        } finally {
            syncDuration.record(Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private void syncService(String key) {
        String namespace = Keys.namespace(key);
        String name = Keys.name(key);
        Optional<Service> found = services.get(key);
        if (found.isEmpty()) {
            triggerTimes.deleteService(key);
            if (endpoints.get(key).isPresent()) {
                log.info("Deleting Endpoints {} of a deleted Service", key);
                writes.record("delete", "endpoints");
                client.endpoints().inNamespace(namespace).withName(name).delete();
            }
            return;
        }
        Service service = found.get();
        if (Services.isExternalName(service)) {
            return;
        }
        Map<String, String> selector = Services.selector(service);
        if (selector == null) {
            return; // selectorless: Endpoints are written by hand (or by the API server)
        }
        List<Pod> selected = LabelIndex.select(pods.indexer(), namespace, selector);
        // computed on every sync so the tracker's state follows even when nothing is written
        TriggerTimeTracker.Sync trigger = triggerTimes.compute(service, selected);
        Instant triggerTime = trigger.triggerTime();
        DesiredEndpoints.Subsets desired = DesiredEndpoints.subsetsFor(service, selected);
        Endpoints current = endpoints.get(key).orElse(null);
        Optional<Endpoints> toWrite =
                DesiredEndpoints.endpointsToWrite(service, current, desired.subsets(), triggerTime);
        if (toWrite.isEmpty()) {
            log.debug("Endpoints {} unchanged", key);
            trigger.commit();
            return;
        }
        Endpoints write = toWrite.get();
        boolean create = current == null;
        log.info(
                "{} Endpoints {}: {} ready, {} not ready",
                create ? "Creating" : "Updating",
                key,
                desired.ready(),
                desired.notReady());
        try {
            if (create) {
                writes.record("create", "endpoints");
                client.endpoints().inNamespace(namespace).resource(write).create();
            } else {
                writes.record("update", "endpoints");
                client.endpoints().inNamespace(namespace).resource(write).update();
            }
        } catch (KubernetesClientException e) {
            if (create && e.getCode() == 403 && isNamespaceTerminating(e)) {
                log.debug("Namespace {} is terminating, not creating Endpoints {}", namespace, key);
                return;
            }
            if (create) {
                events.event(
                        write,
                        EventRecorder.WARNING,
                        "FailedToCreateEndpoint",
                        "Failed to create endpoint for service %s/%s: %s",
                        namespace,
                        name,
                        e.getMessage());
            } else {
                events.event(
                        write,
                        EventRecorder.WARNING,
                        "FailedToUpdateEndpoint",
                        "Failed to update endpoint %s/%s: %s",
                        namespace,
                        name,
                        e.getMessage());
            }
            throw e;
        }
        trigger.commit();
        if (triggerTime != null) {
            Duration latency = Duration.between(triggerTime, clock.instant());
            if (!latency.isNegative()) {
                programmingLatency.record(latency);
            }
        }
    }

    private static boolean isNamespaceTerminating(KubernetesClientException e) {
        return e.getStatus() != null
                && e.getStatus().getDetails() != null
                && e.getStatus().getDetails().getCauses() != null
                && e.getStatus().getDetails().getCauses().stream()
                        .anyMatch(c -> "NamespaceTerminating".equals(c.getReason()));
    }
}
