package io.j8s.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Writing the kubeconfig kubectl uses as is. */
final class Kubeconfigs {
    static final String FILE = "kubeconfig.yaml";

    private Kubeconfigs() {}

    /** A kubeconfig for a plain-HTTP server. */
    static Path writePlain(Path dataDir, String server) {
        String yaml = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: j8s
                  cluster:
                    server: %s
                contexts:
                - name: j8s
                  context:
                    cluster: j8s
                    user: admin
                    namespace: default
                current-context: j8s
                users:
                - name: admin
                  user: {}
                """.formatted(server);
        return write(dataDir.resolve(FILE), yaml);
    }

    /** Writes {@code content} atomically with mode 0600. */
    static Path write(Path file, String content) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: the platform's default permissions apply.
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
