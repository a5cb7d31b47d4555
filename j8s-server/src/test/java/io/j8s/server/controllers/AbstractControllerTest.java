package io.j8s.server.controllers;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.j8s.server.ControllerOptions;
import io.j8s.server.testing.TestCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * A test class of controllers against a real server: {@link #cluster} runs the controllers that
 * {@link #controllers} enables and {@link #client} is an admin client of it, both made before the
 * class's first test and closed after its last. The test instance lives as long (one per class), so
 * the fixture belongs to its test class alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractControllerTest {
    TestCluster cluster;
    KubernetesClient client;

    /** The controllers to run and their settings, from the defaults (every controller). */
    abstract ControllerOptions controllers(ControllerOptions defaults);

    @BeforeAll
    void startCluster() throws Exception {
        cluster = TestCluster.withControllers(this::controllers);
        client = cluster.client();
    }

    @AfterAll
    void stopCluster() {
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }
}
