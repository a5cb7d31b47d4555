package io.j8s.controllers.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PodTemplateHashTest {

    private static PodTemplateSpec template(String image) {
        return new PodTemplateSpecBuilder()
                .withNewMetadata()
                .addToLabels("app", "nginx")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("nginx")
                .withImage(image)
                .endContainer()
                .endSpec()
                .build();
    }

    @Test
    void safeEncode_mapsDigitsOntoKubernetesAlphabet() {
        // the seed's deployment-nginx-6d84458cd8 is the encoding of the FNV value 2840014784
        assertThat(PodTemplateHash.safeEncode("2840014784")).isEqualTo("6d84458cd8");
        assertThat(PodTemplateHash.safeEncode("0123456789")).isEqualTo("456789bcdf");
    }

    @Test
    void fnv1a32_knownVectors() {
        int offset = 0x811c9dc5;
        assertThat(Integer.toUnsignedString(PodTemplateHash.fnv1a32(offset, new byte[0])))
                .isEqualTo("2166136261");
        assertThat(
                        Integer.toHexString(
                                PodTemplateHash.fnv1a32(
                                        offset, "a".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("e40c292c");
        assertThat(
                        Integer.toHexString(
                                PodTemplateHash.fnv1a32(
                                        offset, "foobar".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("bf9cf968");
    }

    @Test
    void compute_isStableAndSensitiveToTemplateAndCollisionCount() {
        String h = PodTemplateHash.compute(template("nginx:1.14.1"), null);
        assertThat(h).matches("[bcdfghjklmnpqrstvwxz2456789]{1,10}");
        assertThat(PodTemplateHash.compute(template("nginx:1.14.1"), null)).isEqualTo(h);
        assertThat(PodTemplateHash.compute(template("nginx:1.16.1"), null)).isNotEqualTo(h);
        assertThat(PodTemplateHash.compute(template("nginx:1.14.1"), 1)).isNotEqualTo(h);
        PodTemplateSpec restarted =
                new PodTemplateSpecBuilder(template("nginx:1.14.1"))
                        .editMetadata()
                        .addToAnnotations(
                                "kubectl.kubernetes.io/restartedAt", "2024-05-01T10:00:00Z")
                        .endMetadata()
                        .build();
        assertThat(PodTemplateHash.compute(restarted, null)).isNotEqualTo(h);
    }

    /**
     * Pinned: ReplicaSets are found again by this value after a restart, on any JVM; a change here
     * would make every Deployment roll out anew (with another fabric8 model, check it first).
     */
    @Test
    void compute_isPinnedAcrossJvmsAndBuilds() {
        assertThat(PodTemplateHash.compute(template("nginx:1.14.1"), null)).isEqualTo("bb44f8bcd");
        assertThat(PodTemplateHash.compute(template("nginx:1.14.1"), 1)).isEqualTo("759bcfb4dc");
    }

    @Test
    void compute_ignoresThePodTemplateHashLabel() {
        PodTemplateSpec labelled =
                new PodTemplateSpecBuilder(template("nginx:1.14.1"))
                        .editMetadata()
                        .addToLabels("pod-template-hash", "abc")
                        .endMetadata()
                        .build();
        assertThat(PodTemplateHash.compute(labelled, null))
                .isEqualTo(PodTemplateHash.compute(template("nginx:1.14.1"), null));
    }
}
