package io.j8s.server.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.j8s.server.testing.TestCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.awaitility.Awaitility;

/** The two checks every controller passes against a real server: no change, no write. */
final class ControllerChecks {
    private ControllerChecks() {}

    /**
     * Lets {@code controller} finish, then waits for {@code minSyncs} more reconciles (the
     * informers' resync, every second in these tests, brings every object back) and checks that
     * none of them wrote anything.
     */
    static void resyncWritesNothing(TestCluster cluster, String controller, long minSyncs) {
        cluster.awaitQuiet(controller);
        double writes = cluster.controllerWrites(controller);
        long syncs = cluster.controllerSyncs(controller);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> cluster.controllerSyncs(controller) >= syncs + minSyncs);
        assertThat(cluster.controllerWrites(controller))
                .as("writes of %s during resyncs", controller)
                .isEqualTo(writes);
    }

    /**
     * Restarts the server (and so the controller, with empty caches and no memory), waits until the
     * controller has looked at everything again, and checks that it wrote nothing and that {@code
     * state} (names → resourceVersions, say) is what it was.
     */
    static void restartWritesNothing(TestCluster cluster, String controller, Supplier<Object> state)
            throws InterruptedException {
        cluster.awaitQuiet(controller);
        Object before = state.get();
        cluster.restart();
        cluster.awaitQuiet(controller);
        assertThat(cluster.controllerWrites(controller))
                .as("writes of %s after a restart", controller)
                .isZero();
        assertThat(state.get()).isEqualTo(before);
    }

    /** name → resourceVersion of {@code objects}, sorted: equal only if nothing was written. */
    static Map<String, String> versions(List<? extends HasMetadata> objects) {
        Map<String, String> m = new TreeMap<>();
        for (HasMetadata o : objects) {
            String ns = o.getMetadata().getNamespace();
            m.put(
                    o.getKind() + ":" + (ns == null ? "" : ns + "/") + o.getMetadata().getName(),
                    o.getMetadata().getResourceVersion());
        }
        return m;
    }
}
