package io.j8s.controllers.deployment;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.j8s.controllers.util.Semantic;
import java.nio.charset.StandardCharsets;

/**
 * The {@code pod-template-hash} of a Deployment's Pod template (Kubernetes' {@code
 * controller.ComputeHash}): FNV-1a (32 bit) over the template, then, if a collision count is set,
 * over its value as 8 bytes little-endian; the decimal value of the hash is mapped character by
 * character onto the alphabet {@code bcdfghjklmnpqrstvwxz2456789} ({@code rand.SafeEncodeString}).
 *
 * <p>Kubernetes feeds the hash with go-spew's dump of the Go struct, which no other language can
 * reproduce; j8s feeds it with the template's canonical JSON (keys sorted, empty values dropped).
 * Both are stable for an unchanged template, which is all the controller relies on; the values
 * differ from a real cluster's. Pure.
 */
public final class PodTemplateHash {

    private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";
    private static final int FNV32_OFFSET = 0x811c9dc5;
    private static final int FNV32_PRIME = 0x01000193;

    private PodTemplateHash() {}

    public static String compute(PodTemplateSpec template, Integer collisionCount) {
        int hash =
                fnv1a32(
                        FNV32_OFFSET,
                        Semantic.canonicalJson(withoutHashLabel(template))
                                .getBytes(StandardCharsets.UTF_8));
        if (collisionCount != null) {
            byte[] bytes = new byte[8];
            int c = collisionCount;
            bytes[0] = (byte) c;
            bytes[1] = (byte) (c >>> 8);
            bytes[2] = (byte) (c >>> 16);
            bytes[3] = (byte) (c >>> 24);
            hash = fnv1a32(hash, bytes);
        }
        return safeEncode(Integer.toUnsignedString(hash));
    }

    /** FNV-1a over {@code data}, continuing from {@code hash}. */
    static int fnv1a32(int hash, byte[] data) {
        int h = hash;
        for (byte b : data) {
            h ^= b & 0xff;
            h *= FNV32_PRIME;
        }
        return h;
    }

    /** {@code rand.SafeEncodeString}: each byte mapped to {@code ALPHANUMS[b % 27]}. */
    static String safeEncode(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            out.append(ALPHANUMS.charAt((b & 0xff) % ALPHANUMS.length()));
        }
        return out.toString();
    }

    private static PodTemplateSpec withoutHashLabel(PodTemplateSpec template) {
        if (template.getMetadata() == null
                || template.getMetadata().getLabels() == null
                || !template.getMetadata()
                        .getLabels()
                        .containsKey(DeploymentUtil.POD_TEMPLATE_HASH_LABEL)) {
            return template;
        }
        PodTemplateSpec copy = Semantic.copy(template);
        copy.getMetadata().getLabels().remove(DeploymentUtil.POD_TEMPLATE_HASH_LABEL);
        return copy;
    }
}
