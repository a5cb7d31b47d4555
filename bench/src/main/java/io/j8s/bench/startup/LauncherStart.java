package io.j8s.bench.startup;

import io.j8s.junit.J8sCluster;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/**
 * One run of the start-up benchmark's {@code launcher} case, in a fresh JVM as a build tool's test
 * fork: the JUnit Platform launcher runs {@link Clusters}, whose test starts a first and a second
 * cluster with {@code J8sCluster.start()}. j8s-junit's launcher-session listener starts the cluster
 * host when the session opens (unless {@code -Dj8s.host.prestart=false}). Printed on stdout: {@code
 * first=<ms>} and {@code second=<ms>} measured around {@code start()}, and {@code launchFirst=<ms>}
 * from the benchmark launching this JVM ({@code -Dbench.launchedAt}, its wall clock in ms) to the
 * first cluster usable.
 */
public final class LauncherStart {
    private LauncherStart() {}

    static volatile String result;

    public static void main(String[] args) throws Exception {
        ProcessHandle host;
        try (LauncherSession session = LauncherFactory.openSession()) {
            SummaryGeneratingListener summary = new SummaryGeneratingListener();
            session.getLauncher()
                    .execute(
                            LauncherDiscoveryRequestBuilder.request()
                                    .selectors(DiscoverySelectors.selectClass(Clusters.class))
                                    .build(),
                            summary);
            if (summary.getSummary().getTotalFailureCount() > 0) {
                summary.getSummary().getFailures().forEach(f -> f.getException().printStackTrace());
                System.exit(1);
            }
            host = J8sCluster.hostProcess().orElseThrow();
        }
        System.out.println(result);
        System.out.flush();
        J8sCluster.shutdownHost();
        host.onExit().get(120, TimeUnit.SECONDS);
        System.exit(0);
    }

    /** The "test class": two clusters, one after the other, both closed. */
    public static final class Clusters {
        @Test
        void twoClusters() {
            long begin = System.nanoTime();
            try (J8sCluster first = J8sCluster.builder().start()) {
                long usable = System.currentTimeMillis();
                long firstMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
                begin = System.nanoTime();
                try (J8sCluster second = J8sCluster.builder().start()) {
                    long secondMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
                    result =
                            "first="
                                    + firstMs
                                    + " second="
                                    + secondMs
                                    + " launchFirst="
                                    + (usable - Long.getLong("bench.launchedAt"));
                }
            }
        }
    }
}
