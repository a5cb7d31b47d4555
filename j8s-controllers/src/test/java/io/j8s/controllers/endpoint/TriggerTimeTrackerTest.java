package io.j8s.controllers.endpoint;

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
  private final Service web = service("web", port(null, 80, 8080)).withNewMetadataLike(
      service("web").build().getMetadata()).withCreationTimestamp("2024-05-01T09:00:00Z").endMetadata().build();

  private static Pod readyAt(String name, String time) {
    return pod(name, "127.244.1.2", true).editStatus().editFirstCondition().withLastTransitionTime(time)
        .endCondition().endStatus().build();
  }

  @Test
  void compute_firstSightIsTheServiceCreationTime() {
    assertThat(tracker.compute(web, List.of(readyAt("a", "2024-05-01T10:00:00Z"))))
        .isEqualTo(Instant.parse("2024-05-01T09:00:00Z"));
  }

  @Test
  void compute_nothingChangedGivesNull() {
    tracker.compute(web, List.of(readyAt("a", "2024-05-01T10:00:00Z")));
    assertThat(tracker.compute(web, List.of(readyAt("a", "2024-05-01T10:00:00Z")))).isNull();
  }

  @Test
  void compute_earliestOfTheChangedPodTimes() {
    tracker.compute(web, List.of(readyAt("a", "2024-05-01T10:00:00Z"), readyAt("b", "2024-05-01T10:00:00Z")));

    Instant t = tracker.compute(web, List.of(
        readyAt("a", "2024-05-01T10:05:00Z"), readyAt("b", "2024-05-01T10:03:00Z"), readyAt("c", "2024-05-01T10:04:00Z")));

    assertThat(t).isEqualTo(Instant.parse("2024-05-01T10:03:00Z"));
  }

  @Test
  void deleteService_forgetsState() {
    tracker.compute(web, List.of());
    tracker.deleteService("default/web");
    assertThat(tracker.compute(web, List.of())).isEqualTo(Instant.parse("2024-05-01T09:00:00Z"));
  }
}
