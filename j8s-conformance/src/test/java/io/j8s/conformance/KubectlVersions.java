package io.j8s.conformance;

import io.j8s.server.testing.Kubectl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The kubectl binaries the suite runs: kubectl 1.20 (Debian's {@code kubernetes-client}, extracted
 * by {@code .ci/run} to {@code /opt/kubectl-1.20}) and the Cloud SDK's {@code kubectl.1.27} to
 * {@code kubectl.1.33}. Each one, with its own kubeconfig, discovery cache and home.
 */
final class KubectlVersions {
    static final Path KUBECTL_1_20 = Path.of("/opt/kubectl-1.20/usr/bin/kubectl");
    static final Path CLOUD_SDK_BIN = Path.of("/usr/lib/google-cloud-sdk/bin");

    private KubectlVersions() {}

    /** Every expected version, present or not: a missing one fails its tests. */
    static List<String> expected() {
        List<String> versions = new ArrayList<>(List.of("1.20"));
        for (int minor = 27; minor <= 33; minor++) {
            versions.add("1." + minor);
        }
        return versions;
    }

    static Path binary(String version) {
        return version.equals("1.20") ? KUBECTL_1_20 : CLOUD_SDK_BIN.resolve("kubectl." + version);
    }

    /** One kubectl binary against one server. */
    static final class Runner {
        private final String version;
        private final Path home;
        private final Kubectl kubectl;

        Runner(String version, Path kubeconfig, Path dir) {
            this.version = version;
            Path binary = binary(version);
            try {
                this.home = Files.createDirectories(dir.resolve("kubectl-" + version));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (!Files.isExecutable(binary)) {
                throw new AssertionError(
                        "kubectl "
                                + version
                                + " is not installed at "
                                + binary
                                + " (.ci/run installs"
                                + " 1.20; 1.27 to 1.33 come with the Cloud SDK of the machine)");
            }
            this.kubectl = new Kubectl(kubeconfig, home.resolve("cache"), home, binary.toString());
        }

        String version() {
            return version;
        }

        Path home() {
            return home;
        }

        /** Runs {@code kubectl <args>} and waits (at most two minutes). */
        Kubectl.Result run(String... args) {
            return kubectl.run(args);
        }

        /** Runs kubectl, failing with both streams shown unless it exits 0; returns stdout. */
        String ok(String... args) {
            Kubectl.Result r = run(args);
            if (r.exitCode() != 0) {
                throw new AssertionError(
                        "kubectl "
                                + version
                                + " "
                                + String.join(" ", args)
                                + " exited with "
                                + r.exitCode()
                                + "\nstdout:\n"
                                + r.stdout()
                                + "\nstderr:\n"
                                + r.stderr());
            }
            return r.stdout();
        }

        /** Starts {@code kubectl <args>} without waiting (for {@code -w}); the caller stops it. */
        Process start(Path stdout, String... args) throws IOException {
            return kubectl.start(stdout, args);
        }
    }
}
