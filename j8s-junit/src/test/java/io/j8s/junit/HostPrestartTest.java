package io.j8s.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.LauncherSessionListener;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The cluster host started when a JUnit Platform launcher session opens. Each case runs in a test
 * JVM of its own ({@link Main}), so the host of this JVM, which other classes' clusters may share,
 * is left alone.
 */
class HostPrestartTest {

    @Test
    void isAServiceOfTheJUnitPlatform() {
        assertThat(ServiceLoader.load(LauncherSessionListener.class).stream())
                .anyMatch(p -> p.type() == HostPrestart.class);
    }

    @Test
    void aLauncherSessionStartsTheHost_andTheFirstClusterIsPrefetchedThere() throws Exception {
        String out = run();
        assertThat(out)
                .contains("prestarted=true")
                .contains("same host=true")
                .contains("prefetched=true");
    }

    @Test
    void offSwitch_leavesTheStartToTheFirstCluster() throws Exception {
        String out = run("-D" + HostPrestart.PROPERTY + "=false");
        assertThat(out).contains("prestart thread=false").contains("host=false");
    }

    private static String run(String... flags) throws Exception {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                Path.of(System.getProperty("java.home"), "bin", "java")
                                        .toString()));
        command.addAll(List.of(flags));
        for (String p : List.of("j8s.cache", "j8s.jar")) {
            if (System.getProperty(p) != null) {
                command.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        Process process =
                new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(process.waitFor(240, TimeUnit.SECONDS)).as("the child test JVM ended").isTrue();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(out).isZero();
        return out;
    }

    /** A test JVM: opens a launcher session, then reports what it finds. */
    public static final class Main {
        public static void main(String[] args) throws Exception {
            LauncherFactory.openSession().close();
            boolean thread =
                    Thread.getAllStackTraces().keySet().stream()
                            .anyMatch(t -> t.getName().equals("j8s-host-prestart"));
            if (!HostPrestart.enabled()) {
                System.out.println("prestart thread=" + thread);
                System.out.println("host=" + J8sCluster.hostProcess().isPresent());
                System.exit(0);
            }
            // hostProcess() waits while the pre-start thread starts the host
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (J8sCluster.hostProcess().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            ProcessHandle host = J8sCluster.hostProcess().orElseThrow();
            System.out.println("prestarted=true");
            // the host prefetched a cluster of the default options for this first start()
            try (J8sCluster cluster = J8sCluster.builder().start()) {
                System.out.println(
                        "same host=" + J8sCluster.hostProcess().orElseThrow().equals(host));
                System.out.println("prefetched=" + cluster.prefetched());
            }
            J8sCluster.shutdownHost();
            System.exit(0);
        }
    }
}
