package io.j8s.controllers.nodeipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CidrAllocatorTest {

    private final CidrAllocator allocator = new CidrAllocator("127.244.0.0/16", 24);

    @Test
    void allocate_skipsTheZeroSubnetAndTakesTheLowestFree() {
        Set<String> used = new HashSet<>();
        assertThat(allocator.allocate(used)).contains("127.244.1.0/24");
        used.add("127.244.1.0/24");
        assertThat(allocator.allocate(used)).contains("127.244.2.0/24");
        used.add("127.244.2.0/24");
        used.remove("127.244.1.0/24");
        assertThat(allocator.allocate(used))
                .as("a freed subnet is reused")
                .contains("127.244.1.0/24");
    }

    @Test
    void allocate_isStableWhenRebuiltFromNodes() {
        Set<String> fromNodes = Set.of("127.244.1.0/24", "127.244.2.0/24");
        assertThat(new CidrAllocator("127.244.0.0/16", 24).allocate(fromNodes))
                .contains("127.244.3.0/24");
    }

    @Test
    void allocate_exhausted() {
        CidrAllocator small = new CidrAllocator("10.0.0.0/23", 24);
        assertThat(small.allocate(List.of("10.0.1.0/24"))).isEmpty();
    }

    @Test
    void contains_andValidation() {
        assertThat(allocator.contains("127.244.7.0/24")).isTrue();
        assertThat(allocator.contains("127.245.7.0/24")).isFalse();
        assertThatThrownBy(() -> new CidrAllocator("127.244.0.0/16", 16))
                .hasMessageContaining("longer");
        assertThatThrownBy(() -> new CidrAllocator("nonsense", 24))
                .hasMessageContaining("nonsense");
    }
}
