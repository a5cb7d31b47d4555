package io.j8s.client.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.j8s.client.clock.FakeClock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class EventRecorderTest {

    static KubernetesClient client;

    private final FakeClock clock = new FakeClock();
    private final ExecutorService executor = Executors.newFixedThreadPool(2);

    @AfterEach
    void tearDown() {
        client.v1().events().inAnyNamespace().delete();
        executor.shutdownNow();
    }

    private static Pod pod(String name) {
        return new PodBuilder()
                .withNewMetadata()
                .withNamespace("ns")
                .withName(name)
                .withUid("uid-" + name)
                .endMetadata()
                .build();
    }

    private List<Event> events() {
        return client.v1().events().inNamespace("ns").list().getItems().stream()
                .sorted(Comparator.comparing(Event::getFirstTimestamp))
                .toList();
    }

    @Test
    void controllerEvent_isWrittenWithSourceAndReference() {
        try (EventRecorder recorder = new EventRecorder(client, "deployment-controller", clock)) {
            recorder.event(pod("web"), EventRecorder.NORMAL, "Scaled", "Scaled up to %d", 3);
        }
        List<Event> events = events();
        assertThat(events).hasSize(1);
        Event e = events.get(0);
        assertThat(e.getMetadata().getName()).startsWith("web.");
        assertThat(e.getInvolvedObject().getKind()).isEqualTo("Pod");
        assertThat(e.getInvolvedObject().getUid()).isEqualTo("uid-web");
        assertThat(e.getMessage()).isEqualTo("Scaled up to 3");
        assertThat(e.getSource().getComponent()).isEqualTo("deployment-controller");
        assertThat(e.getSource().getHost()).isNull();
        assertThat(e.getReportingComponent()).isEqualTo("deployment-controller");
        assertThat(e.getCount()).isEqualTo(1);
        assertThat(e.getFirstTimestamp()).isEqualTo("2024-01-01T00:00:00.000Z");
    }

    @Test
    void repeats_bumpCountAndLastTimestampOfOneEvent_otherFieldsMakeNewOnes() {
        EventRecorder recorder = new EventRecorder(client, "kubelet", "node-1", clock, executor);
        Pod pod = pod("web");
        recorder.eventOnField(
                pod, "spec.containers{c}", EventRecorder.WARNING, "BackOff", "Back-off restarting");
        clock.advance(Duration.ofSeconds(10));
        recorder.eventOnField(
                pod, "spec.containers{c}", EventRecorder.WARNING, "BackOff", "Back-off restarting");
        clock.advance(Duration.ofSeconds(10));
        recorder.eventOnField(
                pod, "spec.containers{c}", EventRecorder.WARNING, "BackOff", "Back-off restarting");
        recorder.eventOnField(
                pod,
                "spec.containers{other}",
                EventRecorder.WARNING,
                "BackOff",
                "Back-off restarting");
        recorder.close();

        List<Event> events = events();
        assertThat(events).hasSize(2);
        Event repeated = events.get(0);
        assertThat(repeated.getCount()).isEqualTo(3);
        assertThat(repeated.getFirstTimestamp()).isEqualTo("2024-01-01T00:00:00.000Z");
        assertThat(repeated.getLastTimestamp()).isEqualTo("2024-01-01T00:00:20.000Z");
        assertThat(repeated.getInvolvedObject().getFieldPath()).isEqualTo("spec.containers{c}");
        assertThat(repeated.getSource().getHost()).isEqualTo("node-1");
        assertThat(repeated.getReportingInstance()).isEqualTo("node-1");
        assertThat(events.get(1).getInvolvedObject().getFieldPath())
                .isEqualTo("spec.containers{other}");
        assertThat(events.get(1).getCount()).isEqualTo(1);
    }

    @Test
    void timestampsStrictlyIncrease_soEventsOfOneInstantKeepTheirOrder() {
        try (EventRecorder recorder =
                new EventRecorder(client, "kubelet", "node-1", clock, executor)) {
            Pod pod = pod("web");
            recorder.eventOnField(
                    pod, "spec.containers{c}", EventRecorder.NORMAL, "Pulled", "pulled");
            recorder.eventOnField(
                    pod, "spec.containers{c}", EventRecorder.NORMAL, "Created", "created");
            recorder.eventOnField(
                    pod, "spec.containers{c}", EventRecorder.NORMAL, "Started", "started");
        }
        assertThat(events())
                .extracting(Event::getReason)
                .containsExactly("Pulled", "Created", "Started");
        assertThat(events())
                .extracting(Event::getFirstTimestamp)
                .containsExactly(
                        "2024-01-01T00:00:00.000Z",
                        "2024-01-01T00:00:00.001Z",
                        "2024-01-01T00:00:00.002Z");
    }

    @Test
    void anExpiredEvent_isCreatedAnew() {
        EventRecorder recorder = new EventRecorder(client, "kubelet", "node-1", clock, executor);
        Pod pod = pod("web");
        recorder.eventOnField(pod, null, EventRecorder.NORMAL, "Killing", "stopping");
        await().atMost(Duration.ofSeconds(5)).until(() -> events().size() == 1);
        client.v1().events().inNamespace("ns").delete();
        await().atMost(Duration.ofSeconds(5)).until(() -> events().isEmpty());
        clock.advance(Duration.ofSeconds(1));
        recorder.eventOnField(pod, null, EventRecorder.NORMAL, "Killing", "stopping");
        recorder.close();
        assertThat(events()).singleElement().satisfies(e -> assertThat(e.getCount()).isEqualTo(1));
    }

    @Test
    void afterClose_eventsAreIgnored() {
        EventRecorder recorder = new EventRecorder(client, "c", clock);
        recorder.close();
        recorder.event(pod("web"), EventRecorder.NORMAL, "R", "m");
        assertThat(events()).isEmpty();
    }
}
