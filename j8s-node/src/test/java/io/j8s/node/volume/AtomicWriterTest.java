package io.j8s.node.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.j8s.node.volume.AtomicWriter.FileProjection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicWriterTest {

    @TempDir Path dir;

    private static FileProjection f(String s, int mode) {
        return new FileProjection(s.getBytes(StandardCharsets.UTF_8), mode);
    }

    private List<String> entries() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void write_layoutIsTheKubeletsAndUpdatesSwapTheDataLink() throws Exception {
        AtomicWriter w =
                new AtomicWriter(
                        dir, Clock.fixed(Instant.parse("2026-12-04T21:30:00Z"), ZoneOffset.UTC));
        assertThat(w.write(Map.of("app.conf", f("a=1", 0644), "nested/key", f("k", 0400))))
                .isTrue();
        Path data = dir.resolve("..data");
        assertThat(Files.isSymbolicLink(data)).isTrue();
        String ts = Files.readSymbolicLink(data).toString();
        assertThat(ts).matches("\\.\\.2026_12_04_21_30_00\\.\\d{9}");
        assertThat(Files.readSymbolicLink(dir.resolve("app.conf")))
                .isEqualTo(Path.of("..data/app.conf"));
        assertThat(Files.readSymbolicLink(dir.resolve("nested")))
                .isEqualTo(Path.of("..data/nested"));
        assertThat(Files.readString(dir.resolve("nested/key"))).isEqualTo("k");
        assertThat(
                        PosixFilePermissions.toString(
                                Files.getPosixFilePermissions(dir.resolve("nested/key"))))
                .isEqualTo("r--------");
        assertThat(
                        PosixFilePermissions.toString(
                                Files.getPosixFilePermissions(dir.resolve("app.conf"))))
                .isEqualTo("rw-r--r--");
        assertThat(entries()).containsExactly(ts, "..data", "app.conf", "nested");

        assertThat(w.write(Map.of("app.conf", f("a=1", 0644), "nested/key", f("k", 0400))))
                .isFalse();
        assertThat(Files.readSymbolicLink(data).toString()).isEqualTo(ts);

        assertThat(w.write(Map.of("app.conf", f("a=2", 0644), "extra", f("e", 0644)))).isTrue();
        String ts2 = Files.readSymbolicLink(data).toString();
        assertThat(ts2).isNotEqualTo(ts);
        assertThat(Files.readString(dir.resolve("app.conf"))).isEqualTo("a=2");
        assertThat(entries()).containsExactly(ts2, "..data", "app.conf", "extra");
    }

    @Test
    void write_refusesPathsLeavingTheVolume() {
        AtomicWriter w = new AtomicWriter(dir, Clock.systemUTC());
        assertThatThrownBy(() -> w.write(Map.of("../escape", f("x", 0644))))
                .hasMessageContaining("'..'");
        assertThatThrownBy(() -> w.write(Map.of("/abs", f("x", 0644))))
                .hasMessageContaining("relative");
    }
}
