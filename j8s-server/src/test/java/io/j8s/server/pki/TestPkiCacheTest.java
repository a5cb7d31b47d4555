package io.j8s.server.pki;

import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.testkit.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestPkiCacheTest {
    private static final List<String> HOSTS = List.of("127.0.0.1", "localhost");

    @TempDir Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void clustersAdoptingOneCache_shareTheCaAndServiceAccountKey_butIssueTheirOwnLeaves() {
        Path cache = dir.resolve("cache");
        TestPkiCache.adoptInto(cache, dir.resolve("a"), clock);
        TestPkiCache.adoptInto(cache, dir.resolve("b"), clock);
        ClusterPki a = ClusterPki.loadOrCreate(dir.resolve("a"), HOSTS, clock);
        ClusterPki b = ClusterPki.loadOrCreate(dir.resolve("b"), HOSTS, clock);

        assertThat(b.ca().certificate()).isEqualTo(a.ca().certificate());
        assertThat(b.serviceAccountKeys().getPublic())
                .isEqualTo(a.serviceAccountKeys().getPublic());
        assertThat(b.serving().certificate()).isNotEqualTo(a.serving().certificate());
        assertThat(b.admin().certificate()).isNotEqualTo(a.admin().certificate());
    }

    @Test
    void concurrentFirstUses_endWithOneCa() throws Exception {
        Path cache = dir.resolve("cache");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Path data = dir.resolve("d" + i);
                done.add(pool.submit(() -> TestPkiCache.adoptInto(cache, data, clock)));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        String ca = Files.readString(dir.resolve("d0/tls/ca.crt"));
        for (int i = 1; i < 4; i++) {
            assertThat(Files.readString(dir.resolve("d" + i + "/tls/ca.crt"))).isEqualTo(ca);
        }
        try (var left = Files.list(cache)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("pki");
        }
    }
}
