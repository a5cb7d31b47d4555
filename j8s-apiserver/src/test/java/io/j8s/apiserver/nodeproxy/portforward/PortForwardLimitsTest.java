package io.j8s.apiserver.nodeproxy.portforward;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PortForwardLimitsTest {

    @Test
    void perUserAndPerNodeLimits_areCountedAndReleased() {
        PortForwardLimits limits =
                new PortForwardLimits(3, 2, 10, Duration.ofHours(4), Duration.ofSeconds(30));
        assertThat(limits.acquire("n1", "alice")).isNull();
        assertThat(limits.acquire("n1", "alice")).isNull();
        assertThat(limits.acquire("n1", "alice"))
                .isEqualTo("too many port-forward connections for user \"alice\" (limit 2)");
        assertThat(limits.refusal("n1", "alice")).isNotNull();
        assertThat(limits.acquire("n1", "bob")).isNull();
        assertThat(limits.acquire("n1", "carol"))
                .isEqualTo("too many port-forward connections to node \"n1\" (limit 3)");
        assertThat(limits.acquire("n2", "carol")).isNull();
        assertThat(limits.active()).isEqualTo(4);
        limits.release("n1", "alice");
        assertThat(limits.refusal("n1", "alice")).isNull();
        limits.release("n1", "alice");
        limits.release("n1", "bob");
        limits.release("n2", "carol");
        assertThat(limits.active()).isZero();
        assertThat(limits.activeForUser("alice")).isZero();
        assertThat(limits.activeForNode("n1")).isZero();
    }

    @Test
    void defaults_areTheKubeletsIdleTimeout() {
        assertThat(PortForwardLimits.defaults().idleTimeout()).isEqualTo(Duration.ofHours(4));
        assertThat(
                        PortForwardLimits.defaults()
                                .withIdleTimeout(Duration.ofMinutes(5))
                                .idleTimeout())
                .isEqualTo(Duration.ofMinutes(5));
    }
}
