package io.j8s.bench.startup;

import io.j8s.junit.J8sCluster;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * One run of the start-up benchmark's {@code junit} case, in a fresh JVM as a test JVM: {@code
 * J8sCluster.start()} to a usable cluster for a first cluster (the cluster host JVM is started) and
 * a second one (the host is warm), printed on stdout as {@code first=<ms> second=<ms>}. Both are
 * then closed and the host stopped.
 *
 * <p>Usage: {@code J8sClusterStart <archive> dump|use}: {@code dump} writes the host's class data
 * sharing archive when the host exits ({@code -XX:ArchiveClassesAtExit}), {@code use} starts the
 * host with it ({@code -XX:SharedArchiveFile}, {@code -XX:TieredStopAtLevel=1}), as
 * docs/architecture.md, "Start-up" describes for the cluster host.
 */
public final class J8sClusterStart {
    private J8sClusterStart() {}

    public static void main(String[] args) throws Exception {
        Path archive = Path.of(args[0]).toAbsolutePath();
        String quiet = " -Xlog:cds=off -Xlog:cds+dynamic=off";
        String jvmArgs =
                switch (args[1]) {
                    case "dump" -> "-XX:ArchiveClassesAtExit=" + archive + quiet;
                    case "use" ->
                            "-XX:SharedArchiveFile=" + archive + quiet + " -XX:TieredStopAtLevel=1";
                    case "none" -> "";
                    default ->
                            throw new IllegalArgumentException("dump, use or none, got " + args[1]);
                };
        System.setProperty("j8s.host.jvmArgs", jvmArgs);
        long begin = System.nanoTime();
        J8sCluster first = J8sCluster.builder().serverArgs("--store-fsync=false").start();
        long firstMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
        begin = System.nanoTime();
        J8sCluster second = J8sCluster.builder().serverArgs("--store-fsync=false").start();
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
        // the archive is written while the host exits
        host.onExit().get(120, TimeUnit.SECONDS);
        System.exit(0);
    }
}
