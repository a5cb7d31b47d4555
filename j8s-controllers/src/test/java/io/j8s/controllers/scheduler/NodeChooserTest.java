package io.j8s.controllers.scheduler;

import static io.j8s.controllers.testing.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeChooserTest {

    private static NodeBuilder node(String name) {
        return new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels("kubernetes.io/hostname", name)
                .endMetadata()
                .withNewSpec()
                .endSpec()
                .withNewStatus()
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .endStatus();
    }

    private static Pod unbound(String name, String ownerUid) {
        return new PodBuilder(pod(name, "", false).build())
                .editSpec()
                .withNodeName(null)
                .endSpec()
                .editMetadata()
                .addNewOwnerReference()
                .withUid(ownerUid)
                .withKind("ReplicaSet")
                .withName("rs")
                .withApiVersion("apps/v1")
                .withController(true)
                .endOwnerReference()
                .endMetadata()
                .build();
    }

    private static Pod boundTo(Pod p, String node) {
        return new PodBuilder(p).editSpec().withNodeName(node).endSpec().build();
    }

    @Test
    void choose_spreadsReplicasOfOneOwner() {
        List<Node> nodes = List.of(node("node01").build(), node("node02").build());
        List<Pod> assigned = new ArrayList<>();
        List<String> chosen = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Pod p = unbound("p" + i, "rs-1");
            String n = NodeChooser.choose(p, nodes, assigned).node().orElseThrow();
            chosen.add(n);
            assigned.add(boundTo(p, n));
        }
        assertThat(chosen).containsExactly("node01", "node02", "node01", "node02");
    }

    @Test
    void choose_prefersFewerPodsOverallThenName() {
        List<Node> nodes = List.of(node("node01").build(), node("node02").build());
        List<Pod> assigned = List.of(boundTo(unbound("other", "rs-2"), "node01"));
        assertThat(NodeChooser.choose(unbound("p", "rs-1"), nodes, assigned).node())
                .contains("node02");
    }

    @Test
    void choose_honoursSelectorTaintsUnschedulableReadinessAndCapacity() {
        Node notReady =
                node("a-not-ready")
                        .editStatus()
                        .editFirstCondition()
                        .withStatus("False")
                        .endCondition()
                        .endStatus()
                        .build();
        Node cordoned = node("b-cordoned").editSpec().withUnschedulable(true).endSpec().build();
        Node tainted =
                node("c-tainted")
                        .editMetadata()
                        .addToLabels("zone", "a")
                        .endMetadata()
                        .editSpec()
                        .addNewTaint()
                        .withKey("dedicated")
                        .withValue("db")
                        .withEffect("NoSchedule")
                        .endTaint()
                        .endSpec()
                        .build();
        Node full =
                node("d-full")
                        .editMetadata()
                        .addToLabels("zone", "a")
                        .endMetadata()
                        .editStatus()
                        .addToAllocatable("pods", new Quantity("1"))
                        .endStatus()
                        .build();
        Node wrongZone =
                node("e-zone-b").editMetadata().addToLabels("zone", "b").endMetadata().build();
        Node good = node("f-zone-a").editMetadata().addToLabels("zone", "a").endMetadata().build();
        List<Node> nodes = List.of(notReady, cordoned, tainted, full, wrongZone, good);
        Pod p =
                new PodBuilder(unbound("p", "rs-1"))
                        .editSpec()
                        .addToNodeSelector("zone", "a")
                        .endSpec()
                        .build();
        List<Pod> assigned = List.of(boundTo(unbound("x", "rs-9"), "d-full"));

        assertThat(NodeChooser.choose(p, nodes, assigned).node()).contains("f-zone-a");

        NodeChooser.Choice none =
                NodeChooser.choose(
                        p, List.of(notReady, cordoned, tainted, full, wrongZone), assigned);
        assertThat(none.node()).isEmpty();
        assertThat(none.failureMessage())
                .startsWith("0/5 nodes are available: ")
                .contains("1 node(s) were not ready")
                .contains("1 node(s) were unschedulable")
                .contains("1 node(s) had untolerated taint {dedicated: db}")
                .contains("1 Too many pods")
                .contains("1 node(s) didn't match Pod's node affinity/selector");
    }

    @Test
    void choose_toleratedTaintIsFine() {
        Node tainted =
                node("n")
                        .editSpec()
                        .addNewTaint()
                        .withKey("dedicated")
                        .withValue("db")
                        .withEffect("NoSchedule")
                        .endTaint()
                        .endSpec()
                        .build();
        Pod p =
                new PodBuilder(unbound("p", "rs-1"))
                        .editSpec()
                        .addNewToleration()
                        .withKey("dedicated")
                        .withOperator("Equal")
                        .withValue("db")
                        .withEffect("NoSchedule")
                        .endToleration()
                        .endSpec()
                        .build();
        assertThat(NodeChooser.choose(p, List.of(tainted), List.of()).node()).contains("n");
    }

    @Test
    void feasibleNodesToFind_followsKubeSchedulersAdaptivePercentage() {
        assertThat(NodeChooser.feasibleNodesToFind(50)).isEqualTo(50);
        assertThat(NodeChooser.feasibleNodesToFind(250)).isEqualTo(120);
        assertThat(NodeChooser.feasibleNodesToFind(1500)).isEqualTo(570);
        assertThat(NodeChooser.feasibleNodesToFind(5000)).isEqualTo(500);
    }

    @Test
    void choose_inALargeClusterLooksAtPartOfTheNodesFromWhereTheLastDecisionStopped() {
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            nodes.add(node(String.format("n%03d", i)).build());
        }
        NodeLoad load = new NodeLoad();
        NodeChooser.Choice first = NodeChooser.choose(unbound("p", "rs-1"), nodes, load, 0);
        assertThat(first.evaluated()).isEqualTo(120);
        assertThat(first.node()).contains("n000");
        NodeChooser.Choice second = NodeChooser.choose(unbound("q", "rs-1"), nodes, load, 200);
        assertThat(second.evaluated()).isEqualTo(120);
        assertThat(second.node())
                .contains("n000"); // 200..249 then 0..69: n000 is the lowest name among them
        NodeChooser.Choice third = NodeChooser.choose(unbound("r", "rs-1"), nodes, load, 70);
        assertThat(third.node()).contains("n070");
    }
}
