package io.j8s.proxy.balance;

import java.util.List;
import java.util.Set;

/**
 * Picks the backend with the fewest connections held by this proxy (IPVS's {@code lc}). Ties go
 * round-robin, so idle backends share new work instead of the first one taking it all. Counts
 * include connection attempts in flight, so a burst does not pile onto one backend. Not
 * thread-safe.
 */
public final class LeastConnectionsBalancer implements Balancer {

    private List<Backend> backends = List.of();
    private int cursor;

    @Override
    public void setBackends(List<Backend> newBackends) {
        backends = List.copyOf(newBackends);
        cursor = 0;
    }

    @Override
    public Backend next(Set<Backend> excluded) {
        int n = backends.size();
        if (n == 0) {
            return null;
        }
        int best = pick(excluded);
        if (best < 0) {
            best = pick(Set.of());
        }
        cursor = (best + 1) % n;
        return backends.get(best);
    }

    private int pick(Set<Backend> excluded) {
        int n = backends.size();
        int best = -1;
        int bestCount = Integer.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            int candidate = (cursor + i) % n;
            Backend b = backends.get(candidate);
            if (excluded.contains(b)) {
                continue;
            }
            int count = b.activeConnections();
            if (count < bestCount) {
                best = candidate;
                bestCount = count;
            }
        }
        return best;
    }
}
