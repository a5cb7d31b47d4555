package io.j8s.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code every-kind.yaml}: one object of each kind j8s serves, {@code NS} standing for the
 * namespace.
 */
final class EveryKind {
    private EveryKind() {}

    static String yaml() {
        try (InputStream in = EveryKind.class.getResourceAsStream("/every-kind.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String yaml(String namespace) {
        return yaml().replace("NS", namespace);
    }
}
