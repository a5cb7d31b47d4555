package io.j8s.server;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.j8s.server.pki.Identity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The training run of the class data sharing (AppCDS) archive: starts a server as a test cluster
 * starts one ({@link #testMode}: sqlite without fsync, one node, the proxy, every controller) in a
 * temporary directory on free ports, waits until it is ready, drives a few requests through a
 * fabric8 client, stops it and exits. Run under {@code -XX:ArchiveClassesAtExit=j8s.jsa}, the JVM
 * writes every class loaded meanwhile into the archive; a later JVM started with {@code
 * -XX:SharedArchiveFile=j8s.jsa} and the same {@code java} and jar path maps them instead of
 * loading them (see docs/architecture.md, "Start-up"). The build runs it after shading {@code
 * j8s.jar}.
 *
 * <p>Usage: {@code java -XX:ArchiveClassesAtExit=target/j8s.jsa -cp target/j8s.jar
 * io.j8s.server.StartupTraining}. Exits 0 even when the server does not get ready (the archive then
 * holds fewer classes, which only costs start-up time), 1 when it cannot start at all.
 */
public final class StartupTraining {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private StartupTraining() {}

    /**
     * The options of a throw-away cluster that starts fast: {@code base} with sqlite not fsyncing
     * ({@code --store-fsync=false}). Everything else that makes a start fast is the default.
     */
    public static ServerOptions testMode(ServerOptions base) {
        return base.withStoreFsync(false);
    }

    /**
     * Starts the training server on ranges of its own (127.93.0.0/16 and 127.243.0.0/16), so that
     * it does not take the default ones a developer's {@code j8s server} may be about to claim, or
     * on free ones when another build's training holds those (docs/architecture.md, "Many clusters
     * on one host").
     */
    private static J8sServer start(ServerOptions options) throws InterruptedException {
        try {
            return J8sServer.start(options.withRanges("127.93.0.0/16", "127.243.0.0/16"));
        } catch (io.j8s.server.ranges.CollisionException taken) {
            System.err.println("j8s training: " + taken.getMessage() + "; taking free ranges");
            return J8sServer.start(options);
        }
    }

    public static void main(String[] args) throws Exception {
        long begin = System.nanoTime();
        Path dir = Files.createTempDirectory("j8s-training");
        int status = 0;
        try {
            ServerOptions options =
                    testMode(ServerOptions.defaults(dir.resolve("data")))
                            .withSecurePort(freePort())
                            .withDataPlane(
                                    DataPlaneOptions.defaults()
                                            .withNodes(List.of("training"))
                                            .withKubeletPort(freePort()))
                            .withClusterDns(ClusterDnsOptions.defaults().withEnabled(false));
            try (J8sServer server = start(options)) {
                Map<String, String> notReady = server.awaitReady(READY_TIMEOUT);
                if (!notReady.isEmpty()) {
                    System.err.println(
                            "j8s training: not ready after "
                                    + READY_TIMEOUT.toSeconds()
                                    + " s: "
                                    + notReady);
                }
                exercise(server.client(Identity.admin()));
            }
            System.err.println(
                    "j8s training: done in " + (System.nanoTime() - begin) / 1_000_000 + " ms");
        } catch (RuntimeException e) {
            System.err.println("j8s training: failed: " + e);
            status = 1;
        } finally {
            deleteTree(dir);
        }
        System.exit(status);
    }

    /** What a test does first: lists, a create, a patch, a get, a delete. */
    private static void exercise(KubernetesClient client) {
        client.namespaces().list();
        client.nodes().list();
        client.pods().inAnyNamespace().list();
        client.services().inNamespace("default").list();
        client.configMaps()
                .inNamespace("default")
                .resource(
                        new ConfigMapBuilder()
                                .withNewMetadata()
                                .withName("training")
                                .endMetadata()
                                .addToData("key", "value")
                                .build())
                .create();
        client.configMaps()
                .inNamespace("default")
                .withName("training")
                .edit(cm -> new ConfigMapBuilder(cm).addToData("key", "edited").build());
        client.configMaps().inNamespace("default").withName("training").get();
        client.configMaps().inNamespace("default").withName("training").delete();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket =
                new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
