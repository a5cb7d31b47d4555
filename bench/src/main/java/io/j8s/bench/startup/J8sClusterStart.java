package io.j8s.bench.startup;

import io.j8s.junit.J8sCluster;
import java.util.concurrent.TimeUnit;

/**
 * One run of the start-up benchmark's {@code junit} case, in a fresh JVM as a test JVM: {@code
 * J8sCluster.start()} to a usable cluster for a first cluster (the cluster host JVM is started) and
 * a second one (the host is warm), printed on stdout as {@code first=<ms> second=<ms>}. Both are
 * then closed and the host stopped.
 *
 * <p>No flags: the host starts as users get it (docs/junit.md): its class data sharing archive (the
 * first run writes it), C1 only, {@code --store-fsync=false}, the shared test PKI.
 */
public final class J8sClusterStart {
    private J8sClusterStart() {}

    public static void main(String[] args) throws Exception {
        long begin = System.nanoTime();
        J8sCluster first = J8sCluster.builder().start();
        long firstMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
        begin = System.nanoTime();
        J8sCluster second = J8sCluster.builder().start();
        long secondMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
        System.out.println(
                "first="
                        + firstMs
                        + " second="
                        + secondMs
                        + " hostFirst="
                        + first.startMillis()
                        + " hostSecond="
                        + second.startMillis());
        System.out.flush();
        ProcessHandle host = J8sCluster.hostProcess().orElseThrow();
        second.close();
        first.close();
        J8sCluster.shutdownHost();
        // the first run's host writes the archive while it exits
        host.onExit().get(120, TimeUnit.SECONDS);
        System.exit(0);
    }
}
