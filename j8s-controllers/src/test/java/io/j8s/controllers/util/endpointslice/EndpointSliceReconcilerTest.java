package io.j8s.controllers.util.endpointslice;

import static io.j8s.controllers.testing.TestObjects.pod;
import static io.j8s.controllers.testing.TestObjects.port;
import static io.j8s.controllers.testing.TestObjects.readyPod;
import static io.j8s.controllers.testing.TestObjects.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.j8s.controllers.util.Semantic;
import io.j8s.controllers.util.endpoint.TriggerTimeTracker;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EndpointSliceReconcilerTest {

    private final Service web = service("web", port(null, 80, 8080)).build();
    private final EndpointSliceReconciler reconciler = new EndpointSliceReconciler(100, true);
    private final Node node =
            new NodeBuilder()
                    .withNewMetadata()
                    .withName("node01")
                    .withLabels(Map.of("topology.kubernetes.io/zone", "zone-a"))
                    .endMetadata()
                    .build();
    private int nextName;
    private int nextVersion = 10;

    private Map<String, EndpointSliceReconciler.DesiredGroup> desired(Service svc, List<Pod> pods) {
        Map<String, List<Endpoint>> eps = new LinkedHashMap<>();
        Map<String, List<EndpointPort>> ports = new LinkedHashMap<>();
        for (Pod p : pods) {
            List<EndpointPort> pp = SliceEndpoints.portsFor(svc, p);
            String key = SliceEndpoints.portMapKey(pp);
            ports.putIfAbsent(key, pp);
            eps.computeIfAbsent(key, k -> new ArrayList<>())
                    .add(SliceEndpoints.endpointFor(p, node, svc, p.getStatus().getPodIP()));
        }
        Map<String, EndpointSliceReconciler.DesiredGroup> out = new LinkedHashMap<>();
        eps.forEach(
                (k, v) -> out.put(k, new EndpointSliceReconciler.DesiredGroup(ports.get(k), v)));
        return out;
    }

    private EndpointSliceReconciler.Plan plan(
            Service svc, List<Pod> pods, List<EndpointSlice> existing) {
        return reconciler.reconcile(
                new ServiceOwner(svc), "IPv4", desired(svc, pods), existing, null);
    }

    /** Applies a plan the way the API server would and returns the resulting slices. */
    private List<EndpointSlice> apply(
            List<EndpointSlice> existing, EndpointSliceReconciler.Plan plan) {
        Map<String, EndpointSlice> store = new LinkedHashMap<>();
        existing.forEach(s -> store.put(s.getMetadata().getName(), s));
        for (EndpointSlice s : plan.toCreate()) {
            EndpointSlice created = Semantic.copy(s);
            created.getMetadata().setName(s.getMetadata().getGenerateName() + "x" + (nextName++));
            created.getMetadata().setUid("uid-" + created.getMetadata().getName());
            created.getMetadata().setResourceVersion(String.valueOf(nextVersion++));
            store.put(created.getMetadata().getName(), created);
        }
        for (EndpointSlice s : plan.toUpdate()) {
            EndpointSlice updated = Semantic.copy(s);
            updated.getMetadata().setResourceVersion(String.valueOf(nextVersion++));
            store.put(updated.getMetadata().getName(), updated);
        }
        plan.toDelete().forEach(s -> store.remove(s.getMetadata().getName()));
        return new ArrayList<>(store.values());
    }

    private static List<Pod> readyPods(int n, int offset) {
        List<Pod> pods = new ArrayList<>();
        for (int i = offset; i < offset + n; i++) {
            pods.add(readyPod("p" + i, "127.244." + (i / 200 + 1) + "." + (i % 200 + 1)));
        }
        return pods;
    }

    @Test
    void reconcile_noPodsCreatesOnePlaceholder_thenNothing() {
        EndpointSliceReconciler.Plan first = plan(web, List.of(), List.of());

        assertThat(first.toCreate())
                .singleElement()
                .satisfies(
                        s -> {
                            assertThat(s.getEndpoints()).isEmpty();
                            assertThat(s.getPorts()).isEmpty();
                            assertThat(s.getAddressType()).isEqualTo("IPv4");
                            assertThat(s.getMetadata().getGenerateName()).isEqualTo("web-");
                            assertThat(s.getMetadata().getLabels())
                                    .containsEntry("kubernetes.io/service-name", "web")
                                    .containsEntry(
                                            "endpointslice.kubernetes.io/managed-by",
                                            "endpointslice-controller.k8s.io")
                                    .containsEntry("app", "web");
                            assertThat(s.getMetadata().getOwnerReferences())
                                    .singleElement()
                                    .satisfies(
                                            r -> {
                                                assertThat(r.getKind()).isEqualTo("Service");
                                                assertThat(r.getUid()).isEqualTo("uid-svc-web");
                                                assertThat(r.getController()).isTrue();
                                                assertThat(r.getBlockOwnerDeletion()).isTrue();
                                            });
                        });
        List<EndpointSlice> stored = apply(List.of(), first);
        assertThat(plan(web, List.of(), stored).isEmpty()).isTrue();
    }

    @Test
    void reconcile_placeholderIsReusedForTheFirstEndpoints() {
        List<EndpointSlice> stored = apply(List.of(), plan(web, List.of(), List.of()));

        EndpointSliceReconciler.Plan plan = plan(web, readyPods(2, 0), stored);

        assertThat(plan.toCreate()).isEmpty();
        assertThat(plan.toDelete()).isEmpty();
        assertThat(plan.toUpdate())
                .singleElement()
                .satisfies(
                        s -> {
                            assertThat(s.getMetadata().getName())
                                    .isEqualTo(stored.get(0).getMetadata().getName());
                            assertThat(s.getEndpoints()).hasSize(2);
                        });
    }

    @Test
    void reconcile_packsAtMost100PerSlice() {
        EndpointSliceReconciler.Plan plan = plan(web, readyPods(250, 0), List.of());

        assertThat(plan.toCreate())
                .extracting(s -> s.getEndpoints().size())
                .containsExactly(100, 100, 50);
        assertThat(plan.toUpdate()).isEmpty();
    }

    @Test
    void reconcile_endpointFields() {
        Pod terminating =
                new PodBuilder(readyPod("t", "127.244.1.9"))
                        .editMetadata()
                        .withDeletionTimestamp("2024-05-01T10:01:00Z")
                        .endMetadata()
                        .build();
        EndpointSlice slice =
                plan(
                                web,
                                List.of(
                                        readyPod("a", "127.244.1.2"),
                                        pod("b", "127.244.1.3", false).build(),
                                        terminating),
                                List.of())
                        .toCreate()
                        .get(0);

        assertThat(slice.getPorts())
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.getName()).isEqualTo("");
                            assertThat(p.getPort()).isEqualTo(8080);
                            assertThat(p.getProtocol()).isEqualTo("TCP");
                        });
        assertThat(Semantic.canonicalJson(slice.getPorts())).contains("\"name\":\"\"");
        Map<String, Endpoint> byName = new LinkedHashMap<>();
        slice.getEndpoints().forEach(e -> byName.put(e.getTargetRef().getName(), e));
        assertThat(byName.get("a").getConditions().getReady()).isTrue();
        assertThat(byName.get("a").getConditions().getServing()).isTrue();
        assertThat(byName.get("a").getConditions().getTerminating()).isFalse();
        assertThat(byName.get("a").getNodeName()).isEqualTo("node01");
        assertThat(byName.get("a").getZone()).isEqualTo("zone-a");
        assertThat(byName.get("a").getAddresses()).containsExactly("127.244.1.2");
        assertThat(byName.get("a").getTargetRef().getUid()).isEqualTo("uid-a");
        assertThat(byName.get("b").getConditions().getReady()).isFalse();
        assertThat(byName.get("b").getConditions().getServing()).isFalse();
        assertThat(byName.get("t").getConditions().getReady()).isFalse();
        assertThat(byName.get("t").getConditions().getServing()).isTrue();
        assertThat(byName.get("t").getConditions().getTerminating()).isTrue();
    }

    @Test
    void reconcile_unchangedWorldWritesNothing() {
        List<Pod> pods = readyPods(250, 0);
        List<EndpointSlice> stored = apply(List.of(), plan(web, pods, List.of()));

        assertThat(plan(web, pods, stored).isEmpty()).isTrue();
    }

    @Test
    void reconcile_oneEndpointChangeUpdatesOnlyItsSlice() {
        List<Pod> pods = readyPods(250, 0);
        List<EndpointSlice> stored = apply(List.of(), plan(web, pods, List.of()));
        List<Pod> changed = new ArrayList<>(pods);
        changed.set(7, pod("p7", pods.get(7).getStatus().getPodIP(), false).build());

        EndpointSliceReconciler.Plan plan = plan(web, changed, stored);

        assertThat(plan.toCreate()).isEmpty();
        assertThat(plan.toDelete()).isEmpty();
        assertThat(plan.toUpdate())
                .singleElement()
                .satisfies(
                        s ->
                                assertThat(s.getEndpoints())
                                        .hasSize(
                                                stored.stream()
                                                        .filter(
                                                                x ->
                                                                        x.getMetadata()
                                                                                .getName()
                                                                                .equals(
                                                                                        s.getMetadata()
                                                                                                .getName()))
                                                        .findFirst()
                                                        .orElseThrow()
                                                        .getEndpoints()
                                                        .size()));
    }

    @Test
    void reconcile_newEndpointGoesIntoTheSliceItFitsBest() {
        List<EndpointSlice> stored = apply(List.of(), plan(web, readyPods(150, 0), List.of()));
        List<Pod> more = new ArrayList<>(readyPods(150, 0));
        more.addAll(readyPods(3, 500));

        EndpointSliceReconciler.Plan plan = plan(web, more, stored);

        assertThat(plan.toCreate()).isEmpty();
        assertThat(plan.toUpdate())
                .singleElement()
                .satisfies(s -> assertThat(s.getEndpoints()).hasSize(53));
    }

    @Test
    void reconcile_removingAllEndpointsOfASliceDeletesIt_andKeepsThePlaceholderRule() {
        List<EndpointSlice> stored = apply(List.of(), plan(web, readyPods(2, 0), List.of()));

        EndpointSliceReconciler.Plan plan = plan(web, List.of(), stored);

        // the emptied slice becomes the placeholder: an update, not a delete plus a create
        assertThat(plan.toDelete()).isEmpty();
        assertThat(plan.toCreate()).isEmpty();
        assertThat(plan.toUpdate())
                .singleElement()
                .satisfies(s -> assertThat(s.getEndpoints()).isEmpty());
    }

    @Test
    void reconcile_portChangeReusesTheOldSliceName() {
        List<EndpointSlice> stored = apply(List.of(), plan(web, readyPods(3, 0), List.of()));
        Service retargeted =
                new ServiceBuilder(web)
                        .editSpec()
                        .editFirstPort()
                        .withTargetPort(new io.fabric8.kubernetes.api.model.IntOrString(9090))
                        .endPort()
                        .endSpec()
                        .build();

        EndpointSliceReconciler.Plan plan = plan(retargeted, readyPods(3, 0), stored);

        assertThat(plan.toCreate()).isEmpty();
        assertThat(plan.toDelete()).isEmpty();
        assertThat(plan.toUpdate())
                .singleElement()
                .satisfies(
                        s -> {
                            assertThat(s.getMetadata().getName())
                                    .isEqualTo(stored.get(0).getMetadata().getName());
                            assertThat(s.getPorts())
                                    .singleElement()
                                    .satisfies(p -> assertThat(p.getPort()).isEqualTo(9090));
                        });
    }

    @Test
    void reconcile_slicesOfAnotherServiceWithTheSameNameAreDeleted() {
        List<EndpointSlice> stored = apply(List.of(), plan(web, readyPods(2, 0), List.of()));
        Service recreated =
                new ServiceBuilder(web).editMetadata().withUid("uid-new").endMetadata().build();

        EndpointSliceReconciler.Plan plan = plan(recreated, readyPods(2, 0), stored);

        assertThat(plan.toDelete()).hasSize(1);
        assertThat(plan.toCreate()).hasSize(1);
        assertThat(plan.toUpdate()).isEmpty();
    }

    @Test
    void reconcile_serviceLabelChangeRelabelsSlices() {
        List<EndpointSlice> stored = apply(List.of(), plan(web, readyPods(2, 0), List.of()));
        Service relabelled =
                new ServiceBuilder(web)
                        .editMetadata()
                        .addToLabels("tier", "front")
                        .endMetadata()
                        .build();

        EndpointSliceReconciler.Plan plan = plan(relabelled, readyPods(2, 0), stored);

        assertThat(plan.toUpdate())
                .singleElement()
                .satisfies(
                        s ->
                                assertThat(s.getMetadata().getLabels())
                                        .containsEntry("tier", "front"));
    }

    @Test
    void reconcile_triggerTimeIsWrittenOnlyOnWrittenSlices() {
        Instant t = Instant.parse("2024-05-01T10:00:00.5Z");
        EndpointSliceReconciler.Plan plan =
                reconciler.reconcile(
                        new ServiceOwner(web), "IPv4", desired(web, readyPods(1, 0)), List.of(), t);

        assertThat(plan.toCreate().get(0).getMetadata().getAnnotations())
                .containsEntry(
                        "endpoints.kubernetes.io/last-change-trigger-time",
                        "2024-05-01T10:00:00.5Z");
    }

    @Test
    void reconcile_podsWithDifferentPortsGetDifferentSlices() {
        Service named = service("web", port("http", 80, "http")).build();
        Pod other =
                new PodBuilder(readyPod("b", "127.244.1.3"))
                        .editSpec()
                        .editFirstContainer()
                        .editFirstPort()
                        .withContainerPort(9999)
                        .endPort()
                        .endContainer()
                        .endSpec()
                        .build();

        EndpointSliceReconciler.Plan plan =
                plan(named, List.of(readyPod("a", "127.244.1.2"), other), List.of());

        assertThat(plan.toCreate()).hasSize(2);
        assertThat(plan.toCreate())
                .allSatisfy(
                        s ->
                                assertThat(s.getPorts())
                                        .singleElement()
                                        .satisfies(p -> assertThat(p.getName()).isEqualTo("http")));
    }

    @Test
    void plan_plusKeepsTheOrderOfBoth() {
        EndpointSliceReconciler.Plan first = plan(web, readyPods(1, 0), List.of());
        EndpointSliceReconciler.Plan second =
                plan(service("api", port(null, 80, 8080)).build(), readyPods(1, 0), List.of());

        EndpointSliceReconciler.Plan both = first.plus(second);

        assertThat(both.toCreate())
                .extracting(s -> s.getMetadata().getGenerateName())
                .containsExactly("web-", "api-");
        assertThat(both.toUpdate()).isEmpty();
        assertThat(both.toDelete()).isEmpty();
        assertThat(
                        new EndpointSliceReconciler.Plan(List.of(), List.of(), List.of())
                                .plus(first)
                                .toCreate())
                .isEqualTo(first.toCreate());
    }

    /**
     * Slices owned by a Service and labelled like the EndpointSlice controller's: the Service's
     * labels, its name and the controller's managed-by value.
     */
    private static final class ServiceOwner extends ObjectSliceOwner {
        ServiceOwner(Service service) {
            super(service, "v1", "Service", labelsOf(service));
        }

        private static Map<String, String> labelsOf(Service service) {
            Map<String, String> l =
                    new LinkedHashMap<>(SliceEndpoints.orEmpty(service.getMetadata().getLabels()));
            l.put(EndpointSliceReconciler.LABEL_SERVICE_NAME, service.getMetadata().getName());
            l.put(EndpointSliceReconciler.LABEL_MANAGED_BY, "endpointslice-controller.k8s.io");
            return l;
        }

        @Override
        public Map<String, String> annotations(EndpointSlice existing) {
            Map<String, String> a =
                    new LinkedHashMap<>(
                            existing == null
                                    ? Map.of()
                                    : SliceEndpoints.orEmpty(
                                            existing.getMetadata().getAnnotations()));
            a.remove(TriggerTimeTracker.TRIGGER_TIME_ANNOTATION);
            return a;
        }
    }
}
