package io.j8s.proxy.balance;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The userspace kube-proxy's round-robin: when the set of endpoints changes, the list is shuffled
 * (so that many proxies do not all start on the same endpoint) and the rotation restarts at its
 * head; otherwise each pick takes the next endpoint in turn. Over {@code N * k} picks without
 * exclusions every endpoint is chosen exactly {@code k} times. Not thread-safe.
 */
public final class RoundRobinBalancer implements Balancer {

    private final RandomGenerator random;
    private List<Backend> order = List.of();
    private int index;

    public RoundRobinBalancer(RandomGenerator random) {
        this.random = random;
    }

    @Override
    public void setBackends(List<Backend> backends) {
        Map<String, Backend> byAddress = new HashMap<>();
        for (Backend b : backends) {
            byAddress.put(b.address(), b);
        }
        if (byAddress.size() == order.size()
                && order.stream().allMatch(b -> byAddress.containsKey(b.address()))) {
            // Same endpoints: keep the rotation, adopt the (possibly new) instances.
            List<Backend> same = new ArrayList<>(order.size());
            for (Backend b : order) {
                same.add(byAddress.get(b.address()));
            }
            order = List.copyOf(same);
            return;
        }
        List<Backend> shuffled = new ArrayList<>(byAddress.values());
        shuffled.sort((a, b) -> a.address().compareTo(b.address()));
        shuffle(shuffled);
        order = List.copyOf(shuffled);
        index = 0;
    }

    @Override
    public Backend next(Set<Backend> excluded) {
        int n = order.size();
        if (n == 0) {
            return null;
        }
        for (int i = 0; i < n; i++) {
            int candidate = (index + i) % n;
            Backend b = order.get(candidate);
            if (!excluded.contains(b)) {
                index = (candidate + 1) % n;
                return b;
            }
        }
        Backend b = order.get(index);
        index = (index + 1) % n;
        return b;
    }

    /** Fisher-Yates over a list sorted first, so a seeded generator gives a repeatable order. */
    private void shuffle(List<Backend> list) {
        for (int i = list.size() - 1; i > 0; i--) {
            Collections.swap(list, i, random.nextInt(i + 1));
        }
    }
}
