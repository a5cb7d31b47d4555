package io.j8s.controllers.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

class NodeLoadTest {

    private final NodeLoad load = new NodeLoad();

    @Test
    void countsBoundPodsPerNodeAndOwnerUntilDeletedOrTerminal() {
        Pod a = pod("a", "rs-1", "node01", "Running");
        Pod b = pod("b", "rs-1", "node01", "Running");
        Pod c = pod("c", null, "node02", "Running");
        load.observe(a);
        load.observe(b);
        load.observe(c);
        load.observe(b); // a resync changes nothing
        assertThat(load.onNode("node01")).isEqualTo(2);
        assertThat(load.ofOwnerOnNode("rs-1", "node01")).isEqualTo(2);
        assertThat(load.onNode("node02")).isEqualTo(1);
        assertThat(load.ofOwnerOnNode("rs-1", "node02")).isZero();

        load.observe(pod("a", "rs-1", "node01", "Succeeded"));
        load.forget(c);
        assertThat(load.onNode("node01")).isEqualTo(1);
        assertThat(load.ofOwnerOnNode("rs-1", "node01")).isEqualTo(1);
        assertThat(load.onNode("node02")).isZero();
    }

    @Test
    void anAssumedBindingCountsUntilTheCacheShowsItAndSurvivesOlderStates() {
        Pod unbound = pod("p", "rs-1", "", "Pending");
        load.observe(unbound);
        assertThat(load.onNode("node01")).isZero();
        load.assume(unbound, "node01");
        assertThat(load.ofOwnerOnNode("rs-1", "node01")).isEqualTo(1);
        load.observe(unbound); // a change from before the binding arrives late
        assertThat(load.onNode("node01")).isEqualTo(1);
        load.observe(pod("p", "rs-1", "node01", "Pending")); // the binding shows
        assertThat(load.onNode("node01")).isEqualTo(1);
        load.forget(unbound);
        assertThat(load.onNode("node01")).isZero();
        assertThat(load.ofOwnerOnNode("rs-1", "node01")).isZero();
    }

    @Test
    void aFailedBindingStopsCountingUnlessTheCacheShowedThePodMeanwhile() {
        Pod unbound = pod("p", "rs-1", "", "Pending");
        load.assume(unbound, "node01");
        load.unassume(unbound);
        assertThat(load.onNode("node01")).isZero();
        assertThat(load.ofOwnerOnNode("rs-1", "node01")).isZero();

        load.assume(unbound, "node01");
        load.observe(pod("p", "rs-1", "node02", "Pending")); // bound elsewhere by someone else
        load.unassume(unbound); // our binding's 409 arrives after the cache showed it
        assertThat(load.onNode("node01")).isZero();
        assertThat(load.onNode("node02")).isEqualTo(1);
    }

    private static Pod pod(String name, String ownerUid, String node, String phase) {
        PodBuilder b =
                new PodBuilder()
                        .withNewMetadata()
                        .withNamespace("default")
                        .withName(name)
                        .endMetadata()
                        .withNewSpec()
                        .withNodeName(node)
                        .endSpec()
                        .withNewStatus()
                        .withPhase(phase)
                        .endStatus();
        if (ownerUid != null) {
            b.editMetadata()
                    .addNewOwnerReference()
                    .withUid(ownerUid)
                    .withKind("ReplicaSet")
                    .withName("rs")
                    .withApiVersion("apps/v1")
                    .withController(true)
                    .endOwnerReference()
                    .endMetadata();
        }
        return b.build();
    }
}
