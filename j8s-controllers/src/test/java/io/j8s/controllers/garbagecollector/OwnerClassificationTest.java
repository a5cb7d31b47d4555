package io.j8s.controllers.garbagecollector;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OwnerClassificationTest {

    private static OwnerReference ref(String uid) {
        return new OwnerReferenceBuilder()
                .withUid(uid)
                .withName(uid)
                .withKind("ReplicaSet")
                .withApiVersion("apps/v1")
                .build();
    }

    private static OwnerClassification classify(
            Map<String, OwnerClassification.OwnerState> states, String... uids) {
        return OwnerClassification.classify(
                java.util.Arrays.stream(uids).map(OwnerClassificationTest::ref).toList(),
                r -> states.get(r.getUid()));
    }

    @Test
    void allOwnersPresent_keep() {
        assertThat(classify(Map.of("a", OwnerClassification.OwnerState.PRESENT), "a").action())
                .isEqualTo(OwnerClassification.Action.KEEP);
    }

    @Test
    void ownerGone_delete_background() {
        OwnerClassification c = classify(Map.of("a", OwnerClassification.OwnerState.ABSENT), "a");
        assertThat(c.action()).isEqualTo(OwnerClassification.Action.DELETE);
        assertThat(c.deletionPolicy(true)).isEqualTo("Background");
    }

    @Test
    void oneOwnerGoneAnotherPresent_removeTheDanglingReference() {
        OwnerClassification c =
                classify(
                        Map.of(
                                "a",
                                OwnerClassification.OwnerState.ABSENT,
                                "b",
                                OwnerClassification.OwnerState.PRESENT),
                        "a",
                        "b");
        assertThat(c.action()).isEqualTo(OwnerClassification.Action.REMOVE_REFERENCES);
        assertThat(c.dangling()).extracting(OwnerReference::getUid).containsExactly("a");
    }

    @Test
    void ownerDeletingInForeground_deleteDependent_foregroundWhenItHasDependents() {
        OwnerClassification c =
                classify(Map.of("a", OwnerClassification.OwnerState.DELETING_FOREGROUND), "a");
        assertThat(c.action()).isEqualTo(OwnerClassification.Action.DELETE);
        assertThat(c.deletionPolicy(true)).isEqualTo("Foreground");
        assertThat(c.deletionPolicy(false)).isEqualTo("Background");
        assertThat(c.waiting()).hasSize(1);
        assertThat(List.of(c.solid(), c.dangling())).allSatisfy(l -> assertThat(l).isEmpty());
    }
}
