package io.j8s.junit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Prefetched clusters (docs/junit.md, "Prefetched clusters"): once a cluster is handed over, the
 * host starts the next one of the same options, and the next {@code start()} with them gets it: a
 * fresh cluster that holds nothing of the one before.
 */
class PrefetchTest {

    /** Options no other test class uses, so no other class takes this class's cluster. */
    private static J8sCluster.Builder options() {
        return J8sCluster.builder().nodes().proxy(false).serverArgs("--lb-policy=random");
    }

    @Test
    void theNextStartWithTheSameOptionsGetsAPrefetchedFreshCluster() {
        String firstUrl;
        try (J8sCluster first = options().start()) {
            firstUrl = first.apiServerUrl();
            assertThat(first.kubectl("create", "namespace", "only-in-the-first").ok())
                    .contains("only-in-the-first");
        }
        // the host started the next cluster of these options when it handed the first over;
        // start() takes it, waiting for the rest of its start if needed
        try (J8sCluster second = options().start()) {
            assertThat(second.prefetched()).isTrue();
            assertThat(second.apiServerUrl()).isNotEqualTo(firstUrl);
            assertThat(second.kubectl("get", "namespaces", "-o", "name").ok())
                    .contains("namespace/default")
                    .doesNotContain("only-in-the-first");
        }
    }

    @Test
    void offSwitch_neverPrefetches() {
        try (J8sCluster first =
                options().prefetch(false).serverArgs("--lb-policy=round-robin").start()) {
            assertThat(first.prefetched()).isFalse();
        }
        try (J8sCluster second =
                options().prefetch(false).serverArgs("--lb-policy=round-robin").start()) {
            assertThat(second.prefetched()).isFalse();
        }
    }
}
