package io.j8s.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.j8s.proxy.model.ServiceKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgrammingTriggerTimesTest {

    private static final ServiceKey KEY = new ServiceKey("default", "web");
    private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

    private static EndpointSlice slice(String name, String triggerTime) {
        EndpointSliceBuilder b =
                new EndpointSliceBuilder()
                        .withNewMetadata()
                        .withNamespace("default")
                        .withName(name)
                        .endMetadata()
                        .withAddressType("IPv4");
        if (triggerTime != null) {
            b.editMetadata()
                    .withAnnotations(Map.of(ProgrammingTriggerTimes.ANNOTATION, triggerTime))
                    .endMetadata();
        }
        return b.build();
    }

    @Test
    void newTriggerTimes_reportsEachValueOnce() {
        ProgrammingTriggerTimes tracker = new ProgrammingTriggerTimes(START);
        EndpointSlice a = slice("web-a", "2025-01-01T00:00:01.123456789Z");

        assertThat(tracker.newTriggerTimes(KEY, List.of(a)))
                .containsExactly(Instant.parse("2025-01-01T00:00:01.123456789Z"));
        assertThat(tracker.newTriggerTimes(KEY, List.of(a))).isEmpty();

        EndpointSlice a2 = slice("web-a", "2025-01-01T00:00:05Z");
        EndpointSlice b = slice("web-b", "2025-01-01T00:00:04Z");
        assertThat(tracker.newTriggerTimes(KEY, List.of(a2, b)))
                .containsExactlyInAnyOrder(
                        Instant.parse("2025-01-01T00:00:05Z"),
                        Instant.parse("2025-01-01T00:00:04Z"));
    }

    @Test
    void newTriggerTimes_ignoresChangesFromBeforeStart_malformedAndMissingValues() {
        ProgrammingTriggerTimes tracker = new ProgrammingTriggerTimes(START);

        assertThat(
                        tracker.newTriggerTimes(
                                KEY,
                                List.of(
                                        slice("old", "2024-12-31T23:59:59Z"),
                                        slice("bad", "yesterday"),
                                        slice("none", null))))
                .isEmpty();
    }

    @Test
    void newTriggerTimes_sliceRecreatedWithSameValue_afterDeletion_isNewAgain() {
        ProgrammingTriggerTimes tracker = new ProgrammingTriggerTimes(START);
        EndpointSlice a = slice("web-a", "2025-01-01T00:00:01Z");
        tracker.newTriggerTimes(KEY, List.of(a));
        tracker.newTriggerTimes(KEY, List.of());

        assertThat(tracker.newTriggerTimes(KEY, List.of(a))).hasSize(1);
    }

    @Test
    void parse_acceptsOffsets() {
        assertThat(ProgrammingTriggerTimes.parse("2025-01-01T02:00:00+02:00"))
                .isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
    }
}
