package io.j8s.proxy.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LeastConnectionsBalancerTest {

    @Test
    void next_prefersTheIdleBackend() {
        Backend busy1 = new Backend("127.244.3.1", 80);
        Backend idle = new Backend("127.244.3.2", 80);
        Backend busy2 = new Backend("127.244.3.3", 80);
        busy1.acquire();
        busy1.acquire();
        busy2.acquire();
        LeastConnectionsBalancer lc = new LeastConnectionsBalancer();
        lc.setBackends(List.of(busy1, idle, busy2));

        assertThat(lc.next(Set.of())).isSameAs(idle);
        idle.acquire();
        idle.acquire();
        // Now busy2 has 1, the others 2.
        assertThat(lc.next(Set.of())).isSameAs(busy2);
    }

    @Test
    void next_tiesShareTheWork() {
        Backend a = new Backend("127.244.3.1", 80);
        Backend b = new Backend("127.244.3.2", 80);
        Backend c = new Backend("127.244.3.3", 80);
        LeastConnectionsBalancer lc = new LeastConnectionsBalancer();
        lc.setBackends(List.of(a, b, c));

        Map<Backend, Integer> counts = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            counts.merge(lc.next(Set.of()), 1, Integer::sum); // nobody acquires: always a tie
        }
        assertThat(counts).containsEntry(a, 10).containsEntry(b, 10).containsEntry(c, 10);
    }

    @Test
    void next_avoidsExcludedEvenIfIdlest() {
        Backend idle = new Backend("127.244.3.1", 80);
        Backend busy = new Backend("127.244.3.2", 80);
        busy.acquire();
        LeastConnectionsBalancer lc = new LeastConnectionsBalancer();
        lc.setBackends(List.of(idle, busy));

        assertThat(lc.next(Set.of(idle))).isSameAs(busy);
    }
}
