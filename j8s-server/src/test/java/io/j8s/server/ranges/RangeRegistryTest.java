package io.j8s.server.ranges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host-wide registry of ranges and ports: claim, release, conflict, across processes. */
class RangeRegistryTest {
    @TempDir Path dir;

    @Test
    void aClaimIsRefusedToOthersUntilReleased() {
        RangeRegistry registry = new RangeRegistry(dir.resolve("ranges"));
        RangeRegistry.Claim first =
                registry.claim(List.of("block-127.96"), "j8s server (data dir /a)", null);
        assertThatThrownBy(
                        () ->
                                registry.claim(
                                        List.of("block-127.96"), "j8s server (data dir /b)", null))
                .isInstanceOfSatisfying(
                        RangeRegistry.TakenException.class,
                        e -> {
                            assertThat(e.key()).isEqualTo("block-127.96");
                            assertThat(e.holder())
                                    .contains("data dir /a")
                                    .contains("pid " + ProcessHandle.current().pid())
                                    .contains("in this process");
                        });
        assertThat(registry.tryClaim("block-127.96", "b", null)).isEmpty();
        first.close();
        first.close(); // idempotent
        RangeRegistry.Claim again = registry.claim(List.of("block-127.96"), "b", null);
        assertThat(dir.resolve("ranges").resolve("block-127.96.lock"))
                .content()
                .contains("b, pid ");
        again.close();
        // the last holder deletes the file: files of ports used once do not pile up
        assertThat(dir.resolve("ranges").resolve("block-127.96.lock")).doesNotExist();
    }

    @Test
    void aClaimOfSeveralKeysTakesAllOrNone() {
        RangeRegistry registry = new RangeRegistry(dir.resolve("ranges"));
        RangeRegistry.Claim held = registry.claim(List.of("block-127.98"), "a", null);
        assertThatThrownBy(() -> registry.claim(List.of("block-127.97", "block-127.98"), "b", null))
                .isInstanceOf(RangeRegistry.TakenException.class);
        // 127.97 was released when 127.98 was refused
        registry.claim(List.of("block-127.97"), "c", null).close();
        held.close();
    }

    @Test
    void serversOfOneGroupShareAKey_othersAreRefused() {
        RangeRegistry registry = new RangeRegistry(dir.resolve("ranges"));
        RangeRegistry.Claim a = registry.claim(List.of("block-127.96"), "a", "etcd x /registry/");
        RangeRegistry.Claim b = registry.claim(List.of("block-127.96"), "b", "etcd x /registry/");
        assertThat(registry.tryClaim("block-127.96", "c", "etcd y /registry/")).isEmpty();
        assertThat(registry.tryClaim("block-127.96", "d", null)).isEmpty();
        a.close();
        assertThat(registry.tryClaim("block-127.96", "d", null)).isEmpty();
        assertThat(dir.resolve("ranges").resolve("block-127.96.lock")).exists();
        b.close();
        registry.claim(List.of("block-127.96"), "d", null).close();
    }

    @Test
    void anotherProcessHoldingAKeyIsNamedWithItsPid_andItsDeathReleasesIt() throws Exception {
        Path registryDir = dir.resolve("ranges");
        RangeRegistry registry = new RangeRegistry(registryDir);
        Process child = startHolder(registryDir, "block-127.200");
        try {
            assertThatThrownBy(() -> registry.claim(List.of("block-127.200"), "parent", null))
                    .isInstanceOfSatisfying(
                            RangeRegistry.TakenException.class,
                            e ->
                                    assertThat(e.holder())
                                            .contains("child holder")
                                            .contains("pid " + child.pid()));
            // killed without a chance to clean up: the operating system drops its lock
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            registry.claim(List.of("block-127.200"), "parent", null).close();
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aProcessReleasesWhatItHeldWhenItStops() throws Exception {
        Path registryDir = dir.resolve("ranges");
        RangeRegistry registry = new RangeRegistry(registryDir);
        Process child = startHolder(registryDir, "port-6443");
        try {
            assertThat(registry.tryClaim("port-6443", "parent", null)).isEmpty();
            child.getOutputStream().close(); // the child releases and exits
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).isZero();
            registry.claim(List.of("port-6443"), "parent", null).close();
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void freeRangesAreChosenAfterTheHistoricOnes_aGivenTakenRangeIsReportedWithItsHolder() {
        RangeRegistry registry = new RangeRegistry(dir.resolve("ranges"));
        try (HostClaims other = new HostClaims(registry, "j8s server (data dir /other)", null);
                HostClaims mine = new HostClaims(registry, "j8s server (data dir /mine)", null)) {
            HostClaims.Resolved first =
                    other.claimServer(null, null, "127.0.0.1", 0, dir.resolve("other"), false);
            assertThat(first)
                    .isEqualTo(new HostClaims.Resolved("127.96.0.0/16", "127.244.0.0/16", 0));
            HostClaims.Resolved second =
                    mine.claimServer(null, null, "127.0.0.1", 0, dir.resolve("mine"), false);
            assertThat(second.serviceRange()).isEqualTo("127.97.0.0/16");
            assertThat(second.clusterCidr()).isEqualTo("127.245.0.0/16");

            try (HostClaims third =
                    new HostClaims(registry, "j8s server (data dir /third)", null)) {
                assertThatThrownBy(
                                () ->
                                        third.claimServer(
                                                null,
                                                "127.244.0.0/16",
                                                "127.0.0.1",
                                                0,
                                                dir.resolve("third"),
                                                false))
                        .isInstanceOf(CollisionException.class)
                        .hasMessageContaining(
                                "the Pod range (--cluster-cidr) 127.244.0.0/16 (given) is taken")
                        .hasMessageContaining("data dir /other")
                        .hasMessageContaining("pid ");
            }
        }
    }

    @Test
    void aDataDirKeepsItsRanges_andARestartRefusesWhenAnotherServerHoldsThem() throws IOException {
        RangeRegistry registry = new RangeRegistry(dir.resolve("ranges"));
        Path data = dir.resolve("data");
        HostClaims blocker = new HostClaims(registry, "blocker", null);
        blocker.claimServer(null, null, "127.0.0.1", 0, dir.resolve("blocker"), false);
        HostClaims first = new HostClaims(registry, "first", null);
        HostClaims.Resolved chosen = first.claimServer(null, null, "127.0.0.1", 0, data, false);
        assertThat(chosen.serviceRange()).isEqualTo("127.97.0.0/16");
        assertThat(Files.readString(data.resolve(HostClaims.FILE)))
                .contains("cluster-cidr=127.245.0.0/16");
        first.close();
        blocker.close();
        // the historic ranges are free again, the data dir keeps its own
        try (HostClaims restarted = new HostClaims(registry, "restarted", null)) {
            assertThat(restarted.claimServer(null, null, "127.0.0.1", 0, data, false))
                    .isEqualTo(chosen);
            try (HostClaims twin = new HostClaims(registry, "twin", null)) {
                assertThatThrownBy(() -> twin.claimServer(null, null, "127.0.0.1", 0, data, false))
                        .isInstanceOf(CollisionException.class)
                        .hasMessageContaining(
                                "127.97.0.0/16 (kept in the data dir from its first start) is taken")
                        .hasMessageContaining("restarted");
            }
        }
    }

    @Test
    void portsAreTheDefaultWhenFree_elseAFreeOne_aGivenTakenPortIsReported() {
        RangeRegistry registry = new RangeRegistry(dir.resolve("ranges"));
        try (HostClaims a = new HostClaims(registry, "a", null);
                HostClaims b = new HostClaims(registry, "b", null)) {
            int preferred = 47123;
            assertThat(a.claimPort("API port", "127.0.0.1", HostClaims.AUTO_PORT, 0, preferred))
                    .isEqualTo(preferred);
            int other = b.claimPort("API port", "127.0.0.1", HostClaims.AUTO_PORT, 0, preferred);
            assertThat(other).isPositive().isNotEqualTo(preferred);
            try (HostClaims c = new HostClaims(registry, "c", null)) {
                assertThatThrownBy(
                                () ->
                                        c.claimPort(
                                                "API port (--secure-port)",
                                                "127.0.0.1",
                                                preferred,
                                                0,
                                                6443))
                        .isInstanceOf(CollisionException.class)
                        .hasMessageContaining(
                                "the API port (--secure-port) "
                                        + preferred
                                        + " is taken: held by a");
                assertThat(c.claimPort("x", "127.0.0.1", 0, 0, 6443)).isZero();
            }
        }
    }

    @Test
    void blocksOfAGivenRange() {
        assertThat(HostClaims.blockKeys("127.96.0.0/24")).containsExactly("block-127.96");
        assertThat(HostClaims.blockKeys("127.96.0.0/12"))
                .hasSize(16)
                .startsWith("block-127.96")
                .endsWith("block-127.111");
        assertThat(HostClaims.blockKeys("10.96.0.0/12")).isEmpty();
        assertThat(HostClaims.blockKeys("126.0.0.0/7")).hasSize(256);
    }

    private static Process startHolder(Path registryDir, String key) throws IOException {
        String java =
                ProcessHandle.current()
                        .info()
                        .command()
                        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Process child =
                new ProcessBuilder(
                                java,
                                "-cp",
                                System.getProperty("java.class.path"),
                                Holder.class.getName(),
                                registryDir.toString(),
                                key)
                        .redirectErrorStream(true)
                        .start();
        BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line;
        StringBuilder all = new StringBuilder();
        while ((line = out.readLine()) != null) {
            all.append(line).append('\n');
            if (line.equals("held")) {
                return child;
            }
        }
        throw new AssertionError("the holder process ended without claiming: " + all);
    }

    /** A second JVM: claims a key, prints "held", releases and exits when its stdin closes. */
    public static final class Holder {
        public static void main(String[] args) throws IOException {
            try (RangeRegistry.Claim claim =
                    new RangeRegistry(Path.of(args[0]))
                            .claim(List.of(args[1]), "child holder", null)) {
                System.out.println("held");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // until the parent closes our stdin
                }
            }
        }
    }
}
