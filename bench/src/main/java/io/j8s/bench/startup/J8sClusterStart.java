package io.j8s.bench.startup;

import io.j8s.junit.J8sCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One run of the start-up benchmark's {@code junit} case, in a fresh JVM as a test JVM: {@code
 * J8sCluster.start()} to a usable cluster for a first cluster (the cluster host JVM is started) and
 * a second one (the host is warm), printed on stdout as {@code first=<ms> second=<ms>
 * prefetched=<bool> ...}; then everything is closed and the host stopped.
 *
 * <p>Without argument the second start follows the first at once, both open. With {@code test}, a
 * test runs on the first cluster before the second start, as one test class follows another: the
 * seed's Service and Deployment applied ({@code examples/seed/nginx-deploy.yaml}, from the
 * repository root), its 3 endpoints awaited, the cluster closed; the second start then gets the
 * cluster the host prefetched meanwhile (docs/junit.md, "Prefetched clusters"), unless {@code
 * -Dj8s.prefetch=false}.
 *
 * <p>No other flags: the host starts as users get it (docs/junit.md): its class data sharing
 * archive (the first run writes it), C1 only, {@code --store-fsync=false}, the shared test PKI.
 */
public final class J8sClusterStart {
    private J8sClusterStart() {}

    public static void main(String[] args) throws Exception {
        boolean testBetween = args.length > 0 && args[0].equals("test");
        long begin = System.nanoTime();
        J8sCluster first = J8sCluster.builder().start();
        long firstMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
        ProcessHandle host = J8sCluster.hostProcess().orElseThrow();
        long testMs = 0;
        if (testBetween) {
            begin = System.nanoTime();
            Path seed = Path.of("examples/seed/nginx-deploy.yaml");
            first.apply(Files.exists(seed) ? seed : Path.of("..").resolve(seed));
            first.awaitEndpoints("default", "nginx-svc-clusterip", 3, Duration.ofSeconds(120));
            first.close();
            testMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
        }
        begin = System.nanoTime();
        J8sCluster second = J8sCluster.builder().start();
        long secondMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
        System.out.println(
                "first="
                        + firstMs
                        + " second="
                        + secondMs
                        + " prefetched="
                        + second.prefetched()
                        + " testMs="
                        + testMs
                        + " hostFirst="
                        + first.startMillis()
                        + " hostSecond="
                        + second.startMillis());
        System.out.flush();
        second.close();
        first.close();
        J8sCluster.shutdownHost();
        // the first run's host writes the archive while it exits
        host.onExit().get(120, TimeUnit.SECONDS);
        System.exit(0);
    }
}
