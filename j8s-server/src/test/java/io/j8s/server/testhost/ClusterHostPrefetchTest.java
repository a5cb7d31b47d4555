package io.j8s.server.testhost;

import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.api.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Prefetched clusters (docs/junit.md, "Prefetched clusters"): the host starts the next cluster of a
 * test's options in the background and hands it over at the next start with the same options; a
 * prefetched cluster of other options is stopped; nothing is left when the host stops. (That a
 * prefetched cluster is fresh, holding nothing of the one before, is shown with kubectl by
 * j8s-junit's {@code PrefetchTest}.)
 */
class ClusterHostPrefetchTest {
    private static final List<String> SMALL =
            List.of("--nodes=", "--no-proxy", "--no-serve-cluster-dns");

    @TempDir Path dir;

    @Test
    void prefetchable_notForEtcdOrGivenAddresses() {
        assertThat(ClusterHost.prefetchable(List.of("--nodes=node01", "--store=sqlite"))).isTrue();
        assertThat(ClusterHost.prefetchable(List.of("--store=etcd"))).isFalse();
        assertThat(ClusterHost.prefetchable(List.of("--store", "etcd"))).isFalse();
        assertThat(ClusterHost.prefetchable(List.of("--etcd-endpoints=http://127.0.0.1:2379")))
                .isFalse();
        assertThat(ClusterHost.prefetchable(List.of("--secure-port=6443"))).isFalse();
        assertThat(ClusterHost.prefetchable(List.of("--cluster-cidr", "127.250.0.0/16"))).isFalse();
    }

    @Test
    void theNextStartWithTheSameOptionsGetsTheCluster_startedBeforeItWasAskedFor()
            throws Exception {
        try (Driver host = new Driver(dir)) {
            JsonNode first = host.call("start", SMALL, true);
            assertThat(first.path("ok").asBoolean()).as(first.toString()).isTrue();
            assertThat(first.path("prefetched").asBoolean()).isFalse();
            // the prefetched cluster is starting before the next start asks for it
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> clusterDirs().size() == 2);

            JsonNode second = host.call("start", SMALL, true);
            assertThat(second.path("ok").asBoolean()).as(second.toString()).isTrue();
            assertThat(second.path("prefetched").asBoolean()).isTrue();
            assertThat(second.path("url").asString()).isNotEqualTo(first.path("url").asString());

            // other options: a fresh cluster; the one prefetched for SMALL is stopped and one of
            // these options prefetched instead
            List<String> other =
                    List.of(
                            "--nodes=",
                            "--no-proxy",
                            "--no-serve-cluster-dns",
                            "--lb-policy=random");
            JsonNode third = host.call("start", other, true);
            assertThat(third.path("prefetched").asBoolean()).isFalse();
            JsonNode fourth = host.call("start", other, false);
            assertThat(fourth.path("prefetched").asBoolean()).isTrue();
            // what runs now: the four handed over, nothing prefetched (the last start asked for
            // none), the one prefetched for SMALL gone
            java.util.Set<String> handed =
                    java.util.Set.of(
                            first.path("cluster").asString(),
                            second.path("cluster").asString(),
                            third.path("cluster").asString(),
                            fourth.path("cluster").asString());
            assertThat(handed).hasSize(4);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(clusterDirs()).isEqualTo(handed));
        }
        // the host stopped every cluster and deleted their data
        assertThat(clusterDirs()).isEmpty();
    }

    private java.util.Set<String> clusterDirs() throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(name -> name.matches("c\\d+"))
                    .collect(java.util.stream.Collectors.toSet());
        }
    }

    @Test
    void aHostStoppingWhileAClusterIsPrefetched_stopsItToo() throws Exception {
        try (Driver host = new Driver(dir)) {
            assertThat(host.call("start", SMALL, true).path("ok").asBoolean()).isTrue();
        }
        assertThat(clusterDirs()).isEmpty();
    }

    /** A host served over pipes, as the test side drives it; closing it closes its stdin. */
    private static final class Driver implements AutoCloseable {
        private final ClusterHost host;
        private final OutputStream stdin;
        private final Thread serving;
        private final AtomicLong ids = new AtomicLong();
        private final Map<Long, CompletableFuture<JsonNode>> answers = new ConcurrentHashMap<>();

        Driver(Path dir) throws IOException {
            PipedInputStream hostIn = new PipedInputStream(1 << 16);
            stdin = new PipedOutputStream(hostIn);
            PipedInputStream testIn = new PipedInputStream(1 << 20);
            PrintStream hostOut =
                    new PrintStream(new PipedOutputStream(testIn), true, StandardCharsets.UTF_8);
            host = new ClusterHost(dir, hostOut);
            serving =
                    new Thread(
                            () -> {
                                try {
                                    host.serve(hostIn);
                                } catch (IOException e) {
                                    throw new java.io.UncheckedIOException(e);
                                } finally {
                                    host.stopAll();
                                }
                            });
            serving.start();
            Thread reader =
                    new Thread(
                            () -> {
                                try (BufferedReader lines =
                                        new BufferedReader(
                                                new InputStreamReader(
                                                        testIn, StandardCharsets.UTF_8))) {
                                    String line;
                                    while ((line = lines.readLine()) != null) {
                                        JsonNode answer = Json.parse(line);
                                        answers.computeIfAbsent(
                                                        answer.path("id").asLong(-1),
                                                        id -> new CompletableFuture<>())
                                                .complete(answer);
                                    }
                                } catch (IOException ended) {
                                    // the host's side closed
                                }
                            });
            reader.setDaemon(true);
            reader.start();
        }

        JsonNode call(String op, List<String> args, boolean prefetch) throws Exception {
            long id = ids.incrementAndGet();
            var request = Json.object();
            request.put("id", id);
            request.put("op", op);
            request.put("timeoutMs", 120_000);
            var array = request.putArray("args");
            args.forEach(array::add);
            request.put("prefetch", prefetch);
            synchronized (stdin) {
                stdin.write((Json.write(request) + "\n").getBytes(StandardCharsets.UTF_8));
                stdin.flush();
            }
            return answers.computeIfAbsent(id, k -> new CompletableFuture<>())
                    .get(150, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws Exception {
            stdin.close();
            serving.join(TimeUnit.SECONDS.toMillis(90));
            assertThat(serving.isAlive()).as("the host stopped").isFalse();
        }
    }
}
