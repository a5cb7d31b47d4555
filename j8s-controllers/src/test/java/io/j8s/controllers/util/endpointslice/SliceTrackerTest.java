package io.j8s.controllers.util.endpointslice;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SliceTrackerTest {

    private final SliceTracker tracker = new SliceTracker();

    private static EndpointSlice slice(String uid, String version, String managedBy) {
        return new EndpointSliceBuilder()
                .withNewMetadata()
                .withNamespace("default")
                .withName("web-" + uid)
                .withUid(uid)
                .withResourceVersion(version)
                .withLabels(
                        Map.of(
                                EndpointSliceReconciler.LABEL_SERVICE_NAME,
                                "web",
                                EndpointSliceReconciler.LABEL_MANAGED_BY,
                                managedBy))
                .endMetadata()
                .withAddressType("IPv4")
                .build();
    }

    @Test
    void stale_untilTheCacheHoldsWhatWasWritten() {
        assertThat(tracker.stale("default/web", List.of())).isFalse();

        tracker.wrote("default/web", slice("u1", "7", "m"));

        assertThat(tracker.stale("default/web", List.of())).isTrue();
        assertThat(tracker.stale("default/web", List.of(slice("u1", "6", "m")))).isTrue();
        assertThat(tracker.stale("default/web", List.of(slice("u1", "7", "m")))).isFalse();
        assertThat(tracker.stale("default/web", List.of(slice("u1", "9", "m")))).isFalse();
    }

    @Test
    void stale_whileADeletedSliceIsStillCached() {
        EndpointSlice s = slice("u1", "7", "m");
        tracker.deleted("default/web", s);

        assertThat(tracker.stale("default/web", List.of(s))).isTrue();
        assertThat(tracker.stale("default/web", List.of())).isFalse();

        tracker.observedDeletion("default/web", s);
        assertThat(tracker.stale("default/web", List.of(s))).isFalse();
    }

    @Test
    void forget_dropsTheOwner() {
        tracker.wrote("default/web", slice("u1", "7", "m"));
        tracker.forget("default/web");

        assertThat(tracker.stale("default/web", List.of())).isFalse();
    }

    @Test
    void ownerKey_onlyForSlicesOfTheGivenManager() {
        assertThat(SliceEndpoints.ownerKey(slice("u1", "1", "mine"), "mine"))
                .containsExactly("default/web");
        assertThat(SliceEndpoints.ownerKey(slice("u1", "1", "other"), "mine")).isEmpty();
        assertThat(
                        SliceEndpoints.ownerKey(
                                new EndpointSliceBuilder()
                                        .withNewMetadata()
                                        .withName("x")
                                        .endMetadata()
                                        .build(),
                                "mine"))
                .isEmpty();
    }
}
