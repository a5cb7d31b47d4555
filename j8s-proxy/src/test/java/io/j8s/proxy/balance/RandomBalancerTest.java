package io.j8s.proxy.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomBalancerTest {

    @Test
    void next_isUniform_chiSquare() {
        int n = 4;
        int picks = 40_000;
        List<Backend> backends = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            backends.add(new Backend("127.244.2." + i, 80));
        }
        RandomBalancer random = new RandomBalancer(new SplittableRandom(42));
        random.setBackends(backends);

        Map<Backend, Integer> counts = new HashMap<>();
        for (int i = 0; i < picks; i++) {
            counts.merge(random.next(Set.of()), 1, Integer::sum);
        }

        double expected = (double) picks / n;
        double chiSquare =
                counts.values().stream()
                        .mapToDouble(c -> (c - expected) * (c - expected) / expected)
                        .sum();
        // 3 degrees of freedom: the 99.9th percentile is 16.27.
        assertThat(counts).hasSize(n);
        assertThat(chiSquare).isLessThan(16.27);
    }

    @Test
    void next_avoidsExcluded() {
        Backend a = new Backend("127.244.2.1", 80);
        Backend b = new Backend("127.244.2.2", 80);
        RandomBalancer random = new RandomBalancer(new SplittableRandom(1));
        random.setBackends(List.of(a, b));

        for (int i = 0; i < 100; i++) {
            assertThat(random.next(Set.of(a))).isSameAs(b);
        }
        assertThat(random.next(Set.of(a, b))).isIn(a, b);
    }
}
