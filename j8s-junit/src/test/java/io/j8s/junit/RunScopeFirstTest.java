package io.j8s.junit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** With {@code scope = RUN}, this class and {@link RunScopeSecondTest} share one cluster. */
@J8sTest(
        nodes = {},
        scope = J8sTest.Scope.RUN)
class RunScopeFirstTest {
    @J8s static J8sCluster cluster;

    @Test
    void sharesItsCluster() {
        RunScope.IDS.add(cluster.id());
        assertThat(RunScope.IDS).containsOnly(cluster.id());
    }
}
