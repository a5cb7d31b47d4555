package io.j8s.server.controllers;

import static io.j8s.server.controllers.TestObjects.create;
import static io.j8s.server.controllers.TestObjects.node;
import static io.j8s.server.controllers.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.j8s.server.testing.TestCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The scheduler alone against a real server: two Ready schedulable Nodes, one cordoned, one
 * tainted, one not Ready.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SchedulerTest {
    private static final String NS = "default";
    private static TestCluster cluster;
    private static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        cluster =
                TestCluster.withControllers(
                        c ->
                                c.withEnabled(Set.of("scheduler"))
                                        .withResyncPeriod(Duration.ofSeconds(1)));
        client = cluster.client();
        client.nodes().resource(node("node-a", Map.of("disk", "ssd"))).create();
        client.nodes().resource(node("node-b", Map.of("disk", "hdd"))).create();
        client.nodes()
                .resource(
                        new NodeBuilder(node("cordoned", Map.of("disk", "ssd")))
                                .editSpec()
                                .withUnschedulable(true)
                                .endSpec()
                                .build())
                .create();
        client.nodes()
                .resource(
                        new NodeBuilder(node("tainted", Map.of("disk", "nvme")))
                                .editSpec()
                                .addNewTaint()
                                .withKey("dedicated")
                                .withValue("db")
                                .withEffect("NoSchedule")
                                .endTaint()
                                .endSpec()
                                .build())
                .create();
        Node notReady = node("not-ready", Map.of("disk", "ssd"));
        notReady.getStatus().getConditions().get(0).setStatus("False");
        client.nodes().resource(notReady).create();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String awaitNode(String pod) {
        return Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                client.pods()
                                        .inNamespace(NS)
                                        .withName(pod)
                                        .get()
                                        .getSpec()
                                        .getNodeName(),
                        n -> n != null);
    }

    private static List<Event> events(String pod, String reason) {
        return client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(
                        e ->
                                pod.equals(e.getInvolvedObject().getName())
                                        && reason.equals(e.getReason()))
                .toList();
    }

    @Test
    @Order(1)
    void replicasOfOneOwner_spreadOverTheSchedulableReadyNodes() {
        String owner = UUID.randomUUID().toString();
        for (int i = 0; i < 4; i++) {
            Pod p = pod("spread-" + i, Map.of("app", "spread"), null);
            p.getMetadata()
                    .setOwnerReferences(
                            List.of(
                                    new OwnerReferenceBuilder()
                                            .withApiVersion("apps/v1")
                                            .withKind("ReplicaSet")
                                            .withName("spread")
                                            .withUid(owner)
                                            .withController(true)
                                            .build()));
            create(client, NS, p);
        }
        Map<String, Long> perNode =
                java.util.stream.IntStream.range(0, 4)
                        .mapToObj(i -> awaitNode("spread-" + i))
                        .collect(Collectors.groupingBy(n -> n, Collectors.counting()));
        assertThat(perNode).isEqualTo(Map.of("node-a", 2L, "node-b", 2L));

        Pod bound = client.pods().inNamespace(NS).withName("spread-0").get();
        assertThat(bound.getStatus().getConditions())
                .anySatisfy(
                        c -> {
                            assertThat(c.getType()).isEqualTo("PodScheduled");
                            assertThat(c.getStatus()).isEqualTo("True");
                        });
        Event scheduled =
                Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> events("spread-0", "Scheduled"), l -> !l.isEmpty())
                        .get(0);
        assertThat(scheduled.getType()).isEqualTo("Normal");
        assertThat(scheduled.getSource().getComponent()).isEqualTo("default-scheduler");
        assertThat(scheduled.getMessage())
                .isEqualTo(
                        "Successfully assigned default/spread-0 to "
                                + bound.getSpec().getNodeName());
    }

    @Test
    @Order(2)
    void nodeSelector_picksTheMatchingNode() {
        Pod p = pod("hdd", Map.of(), null);
        p.getSpec().setNodeSelector(Map.of("disk", "hdd"));
        create(client, NS, p);
        assertThat(awaitNode("hdd")).isEqualTo("node-b");
    }

    @Test
    @Order(3)
    void taintedNode_takesOnlyPodsThatTolerateIt() {
        Pod p = pod("db", Map.of(), null);
        p.getSpec().setNodeSelector(Map.of("disk", "nvme"));
        p.getSpec()
                .setTolerations(
                        List.of(
                                new TolerationBuilder()
                                        .withKey("dedicated")
                                        .withOperator("Equal")
                                        .withValue("db")
                                        .withEffect("NoSchedule")
                                        .build()));
        create(client, NS, p);
        assertThat(awaitNode("db")).isEqualTo("tainted");
    }

    @Test
    @Order(4)
    void podThatFitsNowhere_staysPendingWithFailedScheduling_untilANodeFits() {
        Pod p = pod("nowhere", Map.of(), null);
        p.getSpec().setNodeSelector(Map.of("disk", "ssd"));
        p.getSpec().setTolerations(List.of());
        Pod q = pod("intolerant", Map.of(), null);
        q.getSpec().setNodeSelector(Map.of("disk", "nvme"));
        create(client, NS, q);
        Event failed =
                Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> events("intolerant", "FailedScheduling"), l -> !l.isEmpty())
                        .get(0);
        assertThat(failed.getType()).isEqualTo("Warning");
        assertThat(failed.getMessage())
                .isEqualTo(
                        "0/5 nodes are available: 1 node(s) had untolerated taint"
                                + " {dedicated: db}, 1 node(s) were not ready, 1 node(s) were unschedulable, 2 node(s) didn't match"
                                + " Pod's node affinity/selector.");
        assertThat(failed.getSource().getComponent()).isEqualTo("default-scheduler");
        assertThat(
                        client.pods()
                                .inNamespace(NS)
                                .withName("intolerant")
                                .get()
                                .getSpec()
                                .getNodeName())
                .isNull();

        // uncordoning the ssd node lets the next Pod in, and a new matching Node the waiting one
        client.nodes()
                .withName("cordoned")
                .edit(
                        n ->
                                new NodeBuilder(n)
                                        .editSpec()
                                        .withUnschedulable(false)
                                        .endSpec()
                                        .build());
        create(client, NS, p);
        assertThat(awaitNode("nowhere")).isEqualTo("cordoned");
        client.nodes().resource(node("nvme-2", Map.of("disk", "nvme"))).create();
        assertThat(awaitNode("intolerant")).isEqualTo("nvme-2");
    }

    @Test
    @Order(5)
    void resync_writesNothing() {
        Pod p = pod("pending-forever", Map.of(), null);
        p.getSpec().setNodeSelector(Map.of("disk", "floppy"));
        create(client, NS, p);
        ControllerChecks.resyncWritesNothing(cluster, "scheduler", 2);
    }

    @Test
    @Order(6)
    void restart_bindsNothingTwice() throws Exception {
        ControllerChecks.restartWritesNothing(
                cluster,
                "scheduler",
                () ->
                        client.pods().inNamespace(NS).list().getItems().stream()
                                .collect(
                                        Collectors.toMap(
                                                x -> x.getMetadata().getName(),
                                                x -> String.valueOf(x.getSpec().getNodeName()))));
    }
}
