package io.j8s.node.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodIpAllocatorTest {

    @TempDir Path dir;

    @Test
    void allocate_skipsNetworkGatewayAndBroadcast() throws Exception {
        PodIpAllocator a = new PodIpAllocator(Ipv4Cidr.parse("127.244.1.0/24"), dir.resolve("ips"));
        assertThat(a.allocate("uid-1")).isEqualTo("127.244.1.2");
        assertThat(a.allocate("uid-2")).isEqualTo("127.244.1.3");
        Set<String> all = new HashSet<>();
        for (int i = 3; i <= 253; i++) {
            all.add(a.allocate("uid-" + i));
        }
        assertThat(all).hasSize(251).doesNotContain("127.244.1.0", "127.244.1.1", "127.244.1.255");
        assertThat(all).contains("127.244.1.254");
        assertThatThrownBy(() -> a.allocate("one-too-many"))
                .isInstanceOf(IpExhaustedException.class)
                .hasMessageContaining("127.244.1.0/24");
    }

    @Test
    void allocate_isIdempotentPerPod() throws Exception {
        PodIpAllocator a = new PodIpAllocator(Ipv4Cidr.parse("127.244.1.0/24"), dir.resolve("ips"));
        String ip = a.allocate("uid-1");
        assertThat(a.allocate("uid-1")).isEqualTo(ip);
        assertThat(a.get("uid-1")).contains(ip);
    }

    @Test
    void release_doesNotReuseTheFreedAddressUntilTheRangeWraps() throws Exception {
        PodIpAllocator a = new PodIpAllocator(Ipv4Cidr.parse("127.244.1.0/29"), dir.resolve("ips"));
        // usable: .2 .3 .4 .5 .6
        assertThat(a.allocate("a")).isEqualTo("127.244.1.2");
        assertThat(a.allocate("b")).isEqualTo("127.244.1.3");
        a.release("a");
        assertThat(a.get("a")).isEmpty();
        assertThat(a.allocate("c")).isEqualTo("127.244.1.4");
        assertThat(a.allocate("d")).isEqualTo("127.244.1.5");
        assertThat(a.allocate("e")).isEqualTo("127.244.1.6");
        assertThat(a.allocate("f")).isEqualTo("127.244.1.2"); // wrapped around: the freed one
        assertThatThrownBy(() -> a.allocate("g")).isInstanceOf(IpExhaustedException.class);
    }

    @Test
    void reopen_keepsEveryPodsAddressAndTheRoundRobinPosition() throws Exception {
        Path file = dir.resolve("state/pod-ips");
        PodIpAllocator a = new PodIpAllocator(Ipv4Cidr.parse("127.244.1.0/24"), file);
        String ip1 = a.allocate("uid-1");
        String ip2 = a.allocate("uid-2");
        a.release("uid-1");
        assertThat(file).exists();
        assertThat(Files.list(file.getParent())).noneMatch(p -> p.toString().endsWith(".tmp"));

        PodIpAllocator reopened = new PodIpAllocator(Ipv4Cidr.parse("127.244.1.0/24"), file);
        assertThat(reopened.allocations()).containsExactly(java.util.Map.entry("uid-2", ip2));
        assertThat(reopened.allocate("uid-3"))
                .isEqualTo("127.244.1.4"); // continues after .3, not ip1
        assertThat(ip1).isEqualTo("127.244.1.2");
    }

    @Test
    void reopen_withAnotherCidrDropsForeignEntries() throws Exception {
        Path file = dir.resolve("pod-ips");
        new PodIpAllocator(Ipv4Cidr.parse("127.244.1.0/24"), file).allocate("uid-1");
        PodIpAllocator other = new PodIpAllocator(Ipv4Cidr.parse("127.244.2.0/24"), file);
        assertThat(other.allocations()).isEmpty();
        assertThat(other.allocate("uid-1")).isEqualTo("127.244.2.2");
    }

    @Test
    void claim_takesAFreeAddressInRangeOnly() {
        PodIpAllocator a = new PodIpAllocator(Ipv4Cidr.parse("127.244.1.0/24"), null);
        assertThat(a.claim("a", "127.244.1.77")).isTrue();
        assertThat(a.claim("b", "127.244.1.77")).isFalse();
        assertThat(a.claim("b", "127.244.2.5")).isFalse();
        assertThat(a.claim("b", "127.244.1.1")).isFalse(); // the gateway
        assertThat(a.get("a")).contains("127.244.1.77");
    }

    @Test
    void cidr_parsesAndChecks() {
        Ipv4Cidr c = Ipv4Cidr.parse("127.244.0.0/16");
        assertThat(c.size()).isEqualTo(65536);
        assertThat(c.contains("127.244.200.1")).isTrue();
        assertThat(c.contains("127.245.0.1")).isFalse();
        assertThat(c.addressAt(258)).isEqualTo("127.244.1.2");
        assertThatThrownBy(() -> Ipv4Cidr.parse("127.244.1.5/24"))
                .hasMessageContaining("host bits");
        assertThatThrownBy(() -> Ipv4Cidr.parse("127.244.1.0")).hasMessageContaining("no /prefix");
    }
}
