package io.j8s.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster host's class data sharing archive: which flags, and when a file gets its name. */
class HostArchiveTest {
    @TempDir Path dir;

    private Path jar() throws Exception {
        Path jar = dir.resolve("j8s.jar");
        if (!Files.exists(jar)) {
            Files.writeString(jar, "jar");
            Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(60)));
        }
        return jar;
    }

    private static Path written(List<String> flags) {
        String flag =
                flags.stream()
                        .filter(f -> f.startsWith("-XX:ArchiveClassesAtExit="))
                        .findFirst()
                        .orElseThrow();
        return Path.of(flag.substring("-XX:ArchiveClassesAtExit=".length()));
    }

    @Test
    void firstHost_writesToATemporaryName_andANormalExitGivesItTheArchiveName() throws Exception {
        Path jar = jar();
        HostArchive archive = HostArchive.forJar(jar, true);
        List<String> flags = archive.flags(jar);
        assertThat(flags).containsAll(HostArchive.QUIET);
        assertThat(HostArchive.writes(flags)).isTrue();
        Path temp = written(flags);
        assertThat(temp.getParent()).isEqualTo(dir);
        assertThat(temp.getFileName().toString())
                .startsWith(archive.archive().getFileName() + "." + ProcessHandle.current().pid())
                .endsWith(".tmp");

        Files.writeString(temp, "archive"); // what the host JVM writes at its exit
        archive.adopt(0);

        assertThat(temp).doesNotExist();
        assertThat(archive.archive()).hasContent("archive");
        List<String> next = HostArchive.forJar(jar, true).flags(jar);
        assertThat(next)
                .contains("-XX:SharedArchiveFile=" + archive.archive())
                .containsAll(HostArchive.QUIET);
        assertThat(HostArchive.writes(next)).isFalse();
    }

    @Test
    void aHostThatDidNotExitNormally_leavesNoArchive() throws Exception {
        Path jar = jar();
        HostArchive archive = HostArchive.forJar(jar, true);
        Path temp = written(archive.flags(jar));
        Files.writeString(temp, "half an archive");

        archive.adopt(137);

        assertThat(temp).doesNotExist();
        assertThat(archive.archive()).doesNotExist();
    }

    @Test
    void anArchiveOlderThanItsJar_isWrittenAgain() throws Exception {
        Path jar = jar();
        HostArchive archive = HostArchive.forJar(jar, true);
        Files.writeString(archive.archive(), "old");
        Files.setLastModifiedTime(
                archive.archive(), FileTime.from(Instant.now().minusSeconds(3600)));

        assertThat(archive.present(jar)).isFalse();
        assertThat(HostArchive.writes(archive.flags(jar))).isTrue();
    }

    @Test
    void temporaryArchivesOfGoneTestJvms_areDeleted_livingOnesKept() throws Exception {
        Path jar = jar();
        HostArchive archive = HostArchive.forJar(jar, true);
        String name = archive.archive().getFileName().toString();
        long gone = 9_000_000_000L; // above any pid
        Path orphan = Files.writeString(dir.resolve(name + "." + gone + ".x.tmp"), "left");
        Path living =
                Files.writeString(
                        dir.resolve(name + "." + ProcessHandle.current().pid() + ".y.tmp"),
                        "writing");

        archive.flags(jar);

        assertThat(orphan).doesNotExist();
        assertThat(living).exists();
    }

    @Test
    void theHostsFlags_keepJvmOutputOffStdout_andUseC1() {
        assertThat(ClusterHostProcess.jvmFlags(List.of()))
                .contains("-XX:+DisplayVMOutputToStderr", "-XX:TieredStopAtLevel=1");
    }

    @Test
    void theArchiveCanBeTurnedOff() {
        String before = System.getProperty(HostArchive.PROPERTY);
        try {
            System.setProperty(HostArchive.PROPERTY, "false");
            assertThat(HostArchive.enabled()).isFalse();
            System.setProperty(HostArchive.PROPERTY, "true");
            assertThat(HostArchive.enabled()).isTrue();
        } finally {
            if (before == null) {
                System.clearProperty(HostArchive.PROPERTY);
            } else {
                System.setProperty(HostArchive.PROPERTY, before);
            }
        }
    }
}
