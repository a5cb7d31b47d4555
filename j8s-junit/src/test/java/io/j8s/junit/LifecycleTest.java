package io.j8s.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * When the extension's clusters stop: a class's after the class, a run's at the end of the run.
 * Sample classes run through a launcher of this test's own (a run of their own).
 */
class LifecycleTest {
    static final Map<String, J8sCluster> SEEN = new ConcurrentHashMap<>();

    @J8sTest(nodes = {})
    static class ClassScoped {
        @J8s static J8sCluster cluster;

        @Test
        void runs() {
            SEEN.put("class", cluster);
            assertThat(cluster.kubeconfigPath()).exists();
        }
    }

    @J8sTest(
            nodes = {},
            serverArgs = "--lb-policy=random",
            scope = J8sTest.Scope.RUN)
    static class RunScopedA {
        @Test
        void runs(J8sCluster cluster) {
            SEEN.put("a", cluster);
            assertThat(cluster.kubeconfigPath()).exists();
        }
    }

    @J8sTest(
            nodes = {},
            serverArgs = "--lb-policy=random",
            scope = J8sTest.Scope.RUN)
    static class RunScopedB {
        @Test
        void runs(J8sCluster cluster) {
            SEEN.put("b", cluster);
            // A's class is over, its run is not: the shared cluster still runs
            assertThat(cluster.kubeconfigPath()).exists();
        }
    }

    private static TestExecutionSummary run(Class<?>... classes) {
        LauncherDiscoveryRequest request =
                LauncherDiscoveryRequestBuilder.request()
                        .selectors(List.of(classes).stream().map(c -> selectClass(c)).toList())
                        .build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        return listener.getSummary();
    }

    @Test
    void aClassClusterStopsAfterItsClass_aRunClusterAtTheEndOfTheRun() {
        TestExecutionSummary summary = run(ClassScoped.class);
        assertThat(summary.getFailures()).extracting(f -> f.getException().toString()).isEmpty();
        assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
        J8sCluster classCluster = SEEN.get("class");
        assertThat(classCluster.kubeconfigPath()).doesNotExist();

        summary = run(RunScopedA.class, RunScopedB.class);
        assertThat(summary.getFailures()).extracting(f -> f.getException().toString()).isEmpty();
        assertThat(summary.getTestsSucceededCount()).isEqualTo(2);
        assertThat(SEEN.get("a")).isSameAs(SEEN.get("b"));
        assertThat(SEEN.get("a").kubeconfigPath()).doesNotExist();
    }
}
