package io.j8s.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.LauncherSessionListener;
import org.junit.platform.launcher.core.LauncherFactory;

/** The cluster host started when a JUnit Platform launcher session opens. */
class HostPrestartTest {

    @AfterEach
    void restore() {
        System.clearProperty(HostPrestart.PROPERTY);
    }

    @Test
    void isAServiceOfTheJUnitPlatform() {
        assertThat(ServiceLoader.load(LauncherSessionListener.class).stream())
                .anyMatch(p -> p.type() == HostPrestart.class);
    }

    @Test
    void aNewLauncherSessionStartsTheHost_andTheFirstClusterUsesIt() throws Exception {
        J8sCluster.shutdownHost();
        assertThat(J8sCluster.hostProcess()).isEmpty();

        LauncherFactory.openSession().close();

        // the host JVM starts on a thread of its own; hostProcess() waits for it
        ProcessHandle host = awaitHost();
        try (J8sCluster cluster = J8sCluster.builder().nodes().proxy(false).start()) {
            assertThat(J8sCluster.hostProcess()).contains(host);
            assertThat(cluster.apiServerUrl()).startsWith("https://127.0.0.1:");
        }
    }

    @Test
    void offSwitch_leavesTheStartToTheFirstCluster() throws Exception {
        J8sCluster.shutdownHost();
        System.setProperty(HostPrestart.PROPERTY, "false");

        LauncherFactory.openSession().close();

        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().equals("j8s-host-prestart") && t.isAlive());
        assertThat(J8sCluster.hostProcess()).isEmpty();
    }

    private static ProcessHandle awaitHost() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            var host = J8sCluster.hostProcess();
            if (host.isPresent()) {
                return host.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no cluster host 90 s after the launcher session opened");
    }
}
