package io.j8s.junit;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Starts the cluster host JVM when the test run opens (the JUnit Platform's launcher session,
 * before test discovery), on a thread of its own, so that a test's first {@code J8sCluster.start()}
 * finds the host running or already on its way, instead of paying the JVM's start and class loading
 * itself (docs/junit.md, "The cluster host"). Registered as a service ({@code
 * META-INF/services/org.junit.platform.launcher.LauncherSessionListener}): the JUnit Platform loads
 * it wherever j8s-junit is on the test class path. {@code -Dj8s.host.prestart=false} turns it off
 * (then the first cluster starts the host, as before). Unless {@code -Dj8s.prefetch=false}, the
 * host then also prefetches a cluster of the default options ({@code J8sCluster.builder()}, which
 * {@code @J8sTest} without options also gives) for the first {@code start()}. A failure here is not
 * reported: the first {@code start()} starts the host again and reports its own.
 */
public final class HostPrestart implements LauncherSessionListener {
    /** The system property that turns the pre-start off ({@code false}). */
    static final String PROPERTY = "j8s.host.prestart";

    /** Whether the host is started at the launcher session's opening. */
    static boolean enabled() {
        return !"false".equalsIgnoreCase(System.getProperty(PROPERTY, "true").trim());
    }

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (!enabled() || ClusterHostProcess.running() != null) {
            return;
        }
        Thread starter =
                new Thread(
                        () -> {
                            try {
                                // with a cluster of the default options, for the first start()
                                ClusterHostProcess.get(
                                        J8sCluster.prefetchEnabled()
                                                ? J8sCluster.builder().args()
                                                : null,
                                        true);
                            } catch (RuntimeException e) {
                                // the first start() tries again and reports it
                            }
                        },
                        "j8s-host-prestart");
        starter.setDaemon(true);
        starter.start();
    }
}
