package io.j8s.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.j8s.store.KeyValue;
import io.j8s.store.RangeResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** An acknowledged write survives {@code kill -9} of the process that made it. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SqliteCrashTest {
    private record Ack(int thread, int n, long revision) {}

    @TempDir Path dataDir;

    @Test
    void killDashNine_losesNoAcknowledgedWriteAndNoHalfTxn() throws Exception {
        List<Ack> acks = Collections.synchronizedList(new ArrayList<>());
        Process child =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-cp",
                                System.getProperty("java.class.path"),
                                CrashWriter.class.getName(),
                                dataDir.toString(),
                                "4")
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
        try {
            Thread reader = new Thread(() -> readAcks(child, acks), "crash-test-reader");
            reader.start();
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> acks.size() >= 2_000 || !child.isAlive());
            assertThat(child.isAlive()).as("child is still writing").isTrue();

            child.destroyForcibly(); // SIGKILL
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            reader.join(10_000);
        } finally {
            child.destroyForcibly();
        }

        try (SqliteStore store =
                SqliteStore.open(
                        SqliteStoreOptions.defaults(dataDir)
                                .withCompactionInterval(Duration.ZERO))) {
            long maxAcked = 0;
            for (Ack ack : List.copyOf(acks)) {
                String suffix = ack.thread() + "-" + ack.n();
                KeyValue a =
                        store.get("/registry/a/" + suffix)
                                .orElseThrow(
                                        () ->
                                                new AssertionError(
                                                        "acknowledged write lost: " + ack));
                KeyValue b =
                        store.get("/registry/b/" + suffix)
                                .orElseThrow(
                                        () ->
                                                new AssertionError(
                                                        "acknowledged write lost: " + ack));
                assertThat(a.modRevision()).isEqualTo(ack.revision());
                assertThat(b.modRevision()).isEqualTo(ack.revision());
                maxAcked = Math.max(maxAcked, ack.revision());
            }
            assertThat(store.currentRevision()).isGreaterThanOrEqualTo(maxAcked);

            // Writes that were in flight at the kill: each txn is there whole or not at all.
            RangeResult as = store.range("/registry/a/", 0, null, 0);
            RangeResult bs = store.range("/registry/b/", 0, null, 0);
            assertThat(as.kvs()).hasSameSizeAs(bs.kvs()).hasSizeGreaterThanOrEqualTo(acks.size());
            for (int i = 0; i < as.kvs().size(); i++) {
                assertThat(bs.kvs().get(i).key().substring("/registry/b/".length()))
                        .isEqualTo(as.kvs().get(i).key().substring("/registry/a/".length()));
                assertThat(bs.kvs().get(i).modRevision()).isEqualTo(as.kvs().get(i).modRevision());
            }
            long next = store.create("/registry/after-crash", new byte[] {1});
            assertThat(next).isEqualTo(store.currentRevision()).isGreaterThan(maxAcked);
        }
    }

    private static void readAcks(Process child, List<Ack> acks) {
        try (BufferedReader in =
                new BufferedReader(
                        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                String[] f = line.split(" ");
                // A line cut off by the kill has no trailing " .": it was never fully acknowledged.
                if (f.length == 5 && f[0].equals("ack") && f[4].equals(".")) {
                    acks.add(
                            new Ack(
                                    Integer.parseInt(f[1]),
                                    Integer.parseInt(f[2]),
                                    Long.parseLong(f[3])));
                }
            }
        } catch (IOException e) {
            // The pipe breaks when the child dies.
        }
    }
}
