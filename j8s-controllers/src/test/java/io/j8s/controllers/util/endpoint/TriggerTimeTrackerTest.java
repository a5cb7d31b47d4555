package io.j8s.controllers.util.endpoint;

import static io.j8s.controllers.testing.TestObjects.pod;
import static io.j8s.controllers.testing.TestObjects.port;
import static io.j8s.controllers.testing.TestObjects.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TriggerTimeTrackerTest {

    private final TriggerTimeTracker tracker = new TriggerTimeTracker();
    private final Service web =
            service("web", port(null, 80, 8080))
                    .withNewMetadataLike(service("web").build().getMetadata())
                    .withCreationTimestamp("2024-05-01T09:00:00Z")
                    .endMetadata()
                    .build();

    private static Pod readyAt(String name, String time) {
        return pod(name, "127.244.1.2", true)
                .editStatus()
                .editFirstCondition()
                .withLastTransitionTime(time)
                .endCondition()
                .endStatus()
                .build();
    }

    /** A sync whose write succeeded. */
    private Instant synced(Service service, List<Pod> pods) {
        TriggerTimeTracker.Sync sync = tracker.compute(service, pods);
        sync.commit();
        return sync.triggerTime();
    }

    @Test
    void compute_firstSightIsTheServiceCreationTime() {
        assertThat(synced(web, List.of(readyAt("a", "2024-05-01T10:00:00Z"))))
                .isEqualTo(Instant.parse("2024-05-01T09:00:00Z"));
    }

    @Test
    void compute_nothingChangedGivesNull() {
        synced(web, List.of(readyAt("a", "2024-05-01T10:00:00Z")));
        assertThat(synced(web, List.of(readyAt("a", "2024-05-01T10:00:00Z")))).isNull();
    }

    @Test
    void compute_earliestOfTheChangedPodTimes() {
        synced(
                web,
                List.of(
                        readyAt("a", "2024-05-01T10:00:00Z"),
                        readyAt("b", "2024-05-01T10:00:00Z")));

        Instant t =
                synced(
                        web,
                        List.of(
                                readyAt("a", "2024-05-01T10:05:00Z"),
                                readyAt("b", "2024-05-01T10:03:00Z"),
                                readyAt("c", "2024-05-01T10:04:00Z")));

        assertThat(t).isEqualTo(Instant.parse("2024-05-01T10:03:00Z"));
    }

    @Test
    void deleteService_forgetsState() {
        synced(web, List.of());
        tracker.deleteService("default/web");
        assertThat(synced(web, List.of())).isEqualTo(Instant.parse("2024-05-01T09:00:00Z"));
    }

    @Test
    void compute_aSyncNotCommittedIsRetriedWithTheSameTriggerTime() {
        synced(web, List.of(readyAt("a", "2024-05-01T10:00:00Z")));
        List<Pod> changed = List.of(readyAt("a", "2024-05-01T10:05:00Z"));

        tracker.compute(web, changed); // its write failed: not committed

        assertThat(synced(web, changed)).isEqualTo(Instant.parse("2024-05-01T10:05:00Z"));
        assertThat(synced(web, changed)).isNull();
    }

    @Test
    void annotation_isWrittenAtNanosecondPrecisionReadBackAndRemoved() {
        Instant t = Instant.parse("2024-05-01T10:00:00.123456789Z");

        java.util.Map<String, String> written =
                TriggerTimeTracker.withTriggerTime(java.util.Map.of("a", "b"), t);

        assertThat(written)
                .containsEntry(
                        "endpoints.kubernetes.io/last-change-trigger-time",
                        "2024-05-01T10:00:00.123456789Z")
                .containsEntry("a", "b");
        assertThat(TriggerTimeTracker.triggerTimeOf(written)).isEqualTo(t);
        assertThat(TriggerTimeTracker.withTriggerTime(written, null)).containsOnlyKeys("a");
        assertThat(
                        TriggerTimeTracker.triggerTimeOf(
                                java.util.Map.of(
                                        TriggerTimeTracker.TRIGGER_TIME_ANNOTATION, "soon")))
                .isNull();
        assertThat(TriggerTimeTracker.triggerTimeOf(null)).isNull();
    }
}
