package io.j8s.proxy.balance;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/** Uniformly random choice, as kube-proxy's iptables mode. Not thread-safe. */
public final class RandomBalancer implements Balancer {

    private final RandomGenerator random;
    private List<Backend> backends = List.of();

    public RandomBalancer(RandomGenerator random) {
        this.random = random;
    }

    @Override
    public void setBackends(List<Backend> newBackends) {
        backends = List.copyOf(newBackends);
    }

    @Override
    public Backend next(Set<Backend> excluded) {
        if (backends.isEmpty()) {
            return null;
        }
        List<Backend> candidates = backends;
        if (!excluded.isEmpty()) {
            candidates = new ArrayList<>(backends);
            candidates.removeAll(excluded);
            if (candidates.isEmpty()) {
                candidates = backends;
            }
        }
        return candidates.get(random.nextInt(candidates.size()));
    }
}
