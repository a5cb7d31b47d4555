package io.j8s.junit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** With {@code scope = RUN}, this class and {@link RunScopeFirstTest} share one cluster. */
@J8sTest(
        nodes = {},
        scope = J8sTest.Scope.RUN)
class RunScopeSecondTest {

    @Test
    void sharesItsCluster(J8sCluster cluster) {
        RunScope.IDS.add(cluster.id());
        assertThat(RunScope.IDS).containsOnly(cluster.id());
        assertThat(cluster.kubectl("get", "ns", "default", "-o", "name").ok())
                .isEqualTo("namespace/default\n");
    }
}
