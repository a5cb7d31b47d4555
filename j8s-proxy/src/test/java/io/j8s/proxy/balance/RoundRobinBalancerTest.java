package io.j8s.proxy.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RoundRobinBalancerTest {

    private static List<Backend> backends(int n) {
        List<Backend> list = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            list.add(new Backend("127.244.1." + i, 8080));
        }
        return list;
    }

    @Test
    void next_nTimesK_picksEachExactlyKTimes() {
        RoundRobinBalancer rr = new RoundRobinBalancer(new SplittableRandom(7));
        List<Backend> backends = backends(5);
        rr.setBackends(backends);

        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 5 * 40; i++) {
            counts.merge(rr.next(Set.of()).address(), 1, Integer::sum);
        }

        assertThat(counts)
                .hasSize(5)
                .allSatisfy((address, count) -> assertThat(count).isEqualTo(40));
    }

    @Test
    void next_takesEndpointsInTurn() {
        RoundRobinBalancer rr = new RoundRobinBalancer(new SplittableRandom(1));
        rr.setBackends(backends(3));

        List<Backend> firstRound = List.of(rr.next(Set.of()), rr.next(Set.of()), rr.next(Set.of()));
        List<Backend> secondRound =
                List.of(rr.next(Set.of()), rr.next(Set.of()), rr.next(Set.of()));

        assertThat(Set.copyOf(firstRound)).hasSize(3);
        assertThat(secondRound).isEqualTo(firstRound);
    }

    @Test
    void setBackends_sameSet_keepsRotation() {
        RoundRobinBalancer rr = new RoundRobinBalancer(new SplittableRandom(3));
        List<Backend> backends = backends(3);
        rr.setBackends(backends);
        Backend first = rr.next(Set.of());
        Backend second = rr.next(Set.of());

        rr.setBackends(List.of(backends.get(2), backends.get(0), backends.get(1)));

        Backend third = rr.next(Set.of());
        assertThat(Set.of(first, second, third)).hasSize(3);
    }

    @Test
    void setBackends_changedSet_shufflesAndRestarts() {
        // Different seeds give different orders: the list really is shuffled, not sorted.
        Set<List<String>> orders = new java.util.HashSet<>();
        for (long seed = 0; seed < 20; seed++) {
            RoundRobinBalancer rr = new RoundRobinBalancer(new SplittableRandom(seed));
            rr.setBackends(backends(4));
            List<String> order = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                order.add(rr.next(Set.of()).address());
            }
            orders.add(order);
        }
        assertThat(orders.size()).isGreaterThan(5);
    }

    @Test
    void next_skipsExcluded_unlessNothingElseIsLeft() {
        RoundRobinBalancer rr = new RoundRobinBalancer(new SplittableRandom(5));
        List<Backend> backends = backends(2);
        rr.setBackends(backends);
        Backend a = backends.get(0);
        Backend b = backends.get(1);

        for (int i = 0; i < 4; i++) {
            assertThat(rr.next(Set.of(a))).isSameAs(b);
        }
        assertThat(rr.next(Set.of(a, b))).isIn(a, b);
    }

    @Test
    void next_withoutBackends_returnsNull() {
        RoundRobinBalancer rr = new RoundRobinBalancer(new SplittableRandom(5));
        assertThat(rr.next(Set.of())).isNull();
        rr.setBackends(backends(2));
        rr.setBackends(List.of());
        assertThat(rr.next(Set.of())).isNull();
    }
}
