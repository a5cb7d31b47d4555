package io.j8s.api.kinds;

import static io.j8s.api.TestData.obj;
import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.api.KindStrategy;
import io.j8s.api.ResourceTypes;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * The registry hooks of the kinds that have their own (the generic registry calls them; see
 * KindStrategy).
 */
class WriteHooksTest {

    private static KindStrategy s(String resource) {
        return ResourceTypes.resolve(resource).orElseThrow().strategy();
    }

    @Test
    void pod_startsPending_whateverStatusTheClientSent() {
        ObjectNode pod =
                obj(
                        "{metadata: {name: p}, spec: {containers: [{name: c, image: i}]},"
                                + " status: {phase: Running, podIP: 127.244.0.9}}");
        s("pods").prepareForCreate(pod);
        assertThat(pod.get("status").toString()).isEqualTo("{\"phase\":\"Pending\"}");
    }

    @Test
    void pod_boundAndRunning_isDeletedGracefully_withItsOwnGracePeriodUnlessTheClientAsks() {
        KindStrategy pods = s("pods");
        ObjectNode running =
                obj(
                        "{spec: {nodeName: n1, terminationGracePeriodSeconds: 5}, status: {phase: Running}}");
        assertThat(pods.deletionGracePeriodSeconds(running, null)).isEqualTo(5);
        assertThat(pods.deletionGracePeriodSeconds(running, 2L)).isEqualTo(2);
        assertThat(pods.deletionGracePeriodSeconds(running, 0L)).isZero();
        assertThat(pods.deletionGracePeriodSeconds(running, -7L))
                .as("negative counts as 0")
                .isZero();
        ObjectNode defaulted = obj("{spec: {nodeName: n1}, status: {phase: Pending}}");
        assertThat(pods.deletionGracePeriodSeconds(defaulted, null)).isEqualTo(30);
    }

    @Test
    void pod_unscheduledOrFinished_goesAtOnce() {
        KindStrategy pods = s("pods");
        assertThat(
                        pods.deletionGracePeriodSeconds(
                                obj("{spec: {terminationGracePeriodSeconds: 5}}"), null))
                .isZero();
        assertThat(
                        pods.deletionGracePeriodSeconds(
                                obj("{spec: {nodeName: n1}, status: {phase: Succeeded}}"), 10L))
                .isZero();
        assertThat(
                        pods.deletionGracePeriodSeconds(
                                obj("{spec: {nodeName: n1}, status: {phase: Failed}}"), null))
                .isZero();
    }

    @Test
    void namespace_createAddsTheKubernetesFinalizerOnce_andStartsActive() {
        KindStrategy namespaces = s("namespaces");
        ObjectNode ns =
                obj(
                        "{metadata: {name: dev}, spec: {finalizers: [kubernetes]}, status: {phase: Terminating}}");
        namespaces.prepareForCreate(ns);
        assertThat(ns.at("/spec/finalizers").toString()).isEqualTo("[\"kubernetes\"]");
        assertThat(ns.at("/status/phase").asString()).isEqualTo("Active");
        ObjectNode bare = obj("{metadata: {name: dev}}");
        namespaces.prepareForCreate(bare);
        assertThat(bare.at("/spec/finalizers").toString()).isEqualTo("[\"kubernetes\"]");
    }

    @Test
    void namespace_anUpdateKeepsTheStoredSpecFinalizers() {
        KindStrategy namespaces = s("namespaces");
        ObjectNode old = obj("{metadata: {name: dev}, spec: {finalizers: [kubernetes]}}");
        ObjectNode emptied = obj("{metadata: {name: dev}, spec: {finalizers: []}}");
        namespaces.prepareForUpdate(emptied, old);
        assertThat(emptied.at("/spec/finalizers").toString()).isEqualTo("[\"kubernetes\"]");
        ObjectNode added = obj("{metadata: {name: dev}, spec: {finalizers: [example.com/x]}}");
        namespaces.prepareForUpdate(added, obj("{metadata: {name: dev}}"));
        assertThat(added.at("/spec/finalizers").isMissingNode()).isTrue();
    }

    @Test
    void namespace_deletionMarksTerminating_andSpecFinalizersHoldIt() {
        KindStrategy namespaces = s("namespaces");
        ObjectNode ns =
                obj(
                        "{metadata: {name: dev}, spec: {finalizers: [kubernetes]}, status: {phase: Active}}");
        assertThat(namespaces.prepareForDelete(ns)).isTrue();
        assertThat(ns.at("/status/phase").asString()).isEqualTo("Terminating");
        assertThat(namespaces.prepareForDelete(ns))
                .as("already terminating: nothing changes")
                .isFalse();
        assertThat(namespaces.finalizationPending(ns)).isTrue();
        ((ObjectNode) ns.get("spec")).putArray("finalizers");
        assertThat(namespaces.finalizationPending(ns)).isFalse();
    }

    @Test
    void service_startsWithAnEmptyLoadBalancerStatus() {
        ObjectNode svc =
                obj("{metadata: {name: web}, status: {loadBalancer: {ingress: [{ip: 1.2.3.4}]}}}");
        s("services").prepareForCreate(svc);
        assertThat(svc.get("status").toString()).isEqualTo("{\"loadBalancer\":{}}");
    }

    @Test
    void workloads_startWithoutStatus() {
        for (String resource : new String[] {"deployments", "replicasets"}) {
            ObjectNode o = obj("{metadata: {name: w}, status: {replicas: 3}}");
            s(resource).prepareForCreate(o);
            assertThat(o.has("status")).as(resource).isFalse();
        }
    }

    @Test
    void onlyEndpointsAreCreatedByAnUpdate() {
        assertThat(s("endpoints").allowCreateOnUpdate()).isTrue();
        for (String resource :
                new String[] {"pods", "services", "configmaps", "namespaces", "endpointslices"}) {
            assertThat(s(resource).allowCreateOnUpdate()).as(resource).isFalse();
        }
    }

    @Test
    void endpointSlice_storedWithoutEndpoints_isServedWithAnEmptyList() {
        ObjectNode slice = obj("{metadata: {name: web-1}, addressType: IPv4}");
        s("endpointslices").prepareForServing(slice);
        assertThat(slice.get("endpoints").toString()).isEqualTo("[]");
        ObjectNode cm = obj("{metadata: {name: c}}");
        s("configmaps").prepareForServing(cm);
        assertThat(cm.toString()).isEqualTo("{\"metadata\":{\"name\":\"c\"}}");
    }

    @Test
    void kindsWithoutHooks_doNothingKindSpecific() {
        KindStrategy configMaps = s("configmaps");
        ObjectNode cm = obj("{metadata: {name: c}, data: {a: b}}");
        ObjectNode before = cm.deepCopy();
        configMaps.prepareForCreate(cm);
        configMaps.prepareForUpdate(cm, before);
        assertThat(configMaps.prepareForDelete(cm)).isFalse();
        assertThat(cm).isEqualTo(before);
        assertThat(configMaps.deletionGracePeriodSeconds(cm, 30L)).isZero();
        assertThat(configMaps.finalizationPending(cm)).isFalse();
        ObjectNode node = obj("{metadata: {name: n1}, status: {capacity: {cpu: '2'}}}");
        s("nodes").prepareForCreate(node);
        assertThat(node.at("/status/capacity/cpu").asString())
                .as("a node reports its own status on create")
                .isEqualTo("2");
    }
}
