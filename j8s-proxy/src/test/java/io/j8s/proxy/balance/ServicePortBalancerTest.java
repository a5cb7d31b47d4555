package io.j8s.proxy.balance;

import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.proxy.model.LbPolicy;
import io.j8s.testkit.MutableClock;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ServicePortBalancerTest {

    private final MutableClock clock = MutableClock.startingAt("2025-01-01T00:00:00Z");
    private final Backend a = new Backend("127.244.4.1", 80);
    private final Backend b = new Backend("127.244.4.2", 80);
    private final Backend c = new Backend("127.244.4.3", 80);

    private ServicePortBalancer withAffinity(Duration timeout) {
        ServicePortBalancer balancer =
                new ServicePortBalancer(
                        LbPolicy.ROUND_ROBIN,
                        Optional.of(timeout),
                        clock,
                        new SplittableRandom(11));
        balancer.setBackends(List.of(a, b, c));
        return balancer;
    }

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void pick_withAffinity_pinsClientToOneEndpoint() throws Exception {
        ServicePortBalancer balancer = withAffinity(Duration.ofSeconds(10800));

        Backend first = balancer.pick(ip("127.0.0.2"), Set.of());
        for (int i = 0; i < 20; i++) {
            clock.advance(Duration.ofMinutes(30));
            assertThat(balancer.pick(ip("127.0.0.2"), Set.of())).isSameAs(first);
        }
    }

    @Test
    void pick_withoutAffinity_rotates() throws Exception {
        ServicePortBalancer balancer =
                new ServicePortBalancer(
                        LbPolicy.ROUND_ROBIN, Optional.empty(), clock, new SplittableRandom(11));
        balancer.setBackends(List.of(a, b, c));

        Set<Backend> seen = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            seen.add(balancer.pick(ip("127.0.0.2"), Set.of()));
        }
        assertThat(seen).containsExactlyInAnyOrder(a, b, c);
    }

    @Test
    void pick_affinityExpires_afterTimeoutWithoutUse() throws Exception {
        ServicePortBalancer balancer = withAffinity(Duration.ofSeconds(10));
        Backend first = balancer.pick(ip("127.0.0.2"), Set.of());

        clock.advance(Duration.ofSeconds(9));
        assertThat(balancer.pick(ip("127.0.0.2"), Set.of())).isSameAs(first); // refreshes lastUsed
        clock.advance(Duration.ofSeconds(9));
        assertThat(balancer.pick(ip("127.0.0.2"), Set.of())).isSameAs(first);

        clock.advance(Duration.ofSeconds(10)); // now - lastUsed == timeout: expired
        // Round-robin moves on from `first`, so the next choice differs.
        assertThat(balancer.pick(ip("127.0.0.2"), Set.of())).isNotSameAs(first);
    }

    @Test
    void expireAffinity_dropsOnlyStaleEntries() throws Exception {
        ServicePortBalancer balancer = withAffinity(Duration.ofSeconds(10));
        balancer.pick(ip("127.0.0.2"), Set.of());
        clock.advance(Duration.ofSeconds(6));
        balancer.pick(ip("127.0.0.3"), Set.of());
        clock.advance(Duration.ofSeconds(6));

        assertThat(balancer.expireAffinity()).isEqualTo(1);
        assertThat(balancer.affinityEntries()).isEqualTo(1);
    }

    @Test
    void setBackends_dropsAffinityOfRemovedEndpoint() throws Exception {
        ServicePortBalancer balancer = withAffinity(Duration.ofSeconds(10800));
        Backend pinned = balancer.pick(ip("127.0.0.2"), Set.of());
        List<Backend> remaining = new ArrayList<>(List.of(a, b, c));
        remaining.remove(pinned);

        balancer.setBackends(remaining);

        assertThat(balancer.affinityEntries()).isZero();
        Backend next = balancer.pick(ip("127.0.0.2"), Set.of());
        assertThat(remaining).contains(next);
        // ... and the client is pinned to the new choice.
        assertThat(balancer.pick(ip("127.0.0.2"), Set.of())).isSameAs(next);
    }

    @Test
    void pick_afterFailure_bypassesAffinityAndRepins() throws Exception {
        ServicePortBalancer balancer = withAffinity(Duration.ofSeconds(10800));
        Backend pinned = balancer.pick(ip("127.0.0.2"), Set.of());

        Backend retry = balancer.pick(ip("127.0.0.2"), Set.of(pinned));

        assertThat(retry).isNotSameAs(pinned);
        assertThat(balancer.pick(ip("127.0.0.2"), Set.of())).isSameAs(retry);
    }

    @Test
    void pick_countsActiveUntilReleased() throws Exception {
        ServicePortBalancer balancer =
                new ServicePortBalancer(
                        LbPolicy.LEAST_CONNECTIONS,
                        Optional.empty(),
                        clock,
                        new SplittableRandom(1));
        balancer.setBackends(List.of(a, b));

        Backend first = balancer.pick(ip("127.0.0.2"), Set.of());
        Backend second = balancer.pick(ip("127.0.0.2"), Set.of());
        assertThat(second).isNotSameAs(first);
        first.release();
        assertThat(balancer.pick(ip("127.0.0.2"), Set.of())).isSameAs(first);
    }

    @Test
    void pick_withoutBackends_returnsNull() throws Exception {
        ServicePortBalancer balancer = withAffinity(Duration.ofSeconds(1));
        balancer.setBackends(List.of());
        assertThat(balancer.pick(ip("127.0.0.2"), Set.of())).isNull();
    }
}
