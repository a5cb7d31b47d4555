package io.j8s.node.status;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Pod's QoS class, computed as {@code pkg/apis/core/v1/helper/qos} does from the cpu and memory
 * requests and limits of all its containers (init containers included).
 *
 * <ul>
 *   <li>{@code BestEffort}: no container requests or limits cpu or memory;
 *   <li>{@code Guaranteed}: every container limits both cpu and memory, and the summed requests
 *       equal the summed limits;
 *   <li>{@code Burstable}: anything else.
 * </ul>
 *
 * A request left unset where a limit is set counts as equal to the limit, as API defaulting makes
 * it. Zero quantities are ignored. Pure.
 */
public final class QosClasses {

    private static final Set<String> COMPUTE = Set.of("cpu", "memory");

    private QosClasses() {}

    public static String of(PodSpec spec) {
        List<Container> all = new ArrayList<>();
        if (spec.getInitContainers() != null) {
            all.addAll(spec.getInitContainers());
        }
        if (spec.getContainers() != null) {
            all.addAll(spec.getContainers());
        }
        Map<String, BigDecimal> requests = new HashMap<>();
        Map<String, BigDecimal> limits = new HashMap<>();
        boolean guaranteed = true;
        for (Container c : all) {
            Map<String, Quantity> req =
                    c.getResources() == null ? null : c.getResources().getRequests();
            Map<String, Quantity> lim =
                    c.getResources() == null ? null : c.getResources().getLimits();
            Map<String, Quantity> effectiveReq = new HashMap<>();
            if (lim != null) {
                effectiveReq.putAll(lim); // defaulting: requests default to limits
            }
            if (req != null) {
                effectiveReq.putAll(req);
            }
            effectiveReq.forEach((name, q) -> add(requests, name, q));
            Set<String> limitsFound = new HashSet<>();
            if (lim != null) {
                lim.forEach(
                        (name, q) -> {
                            if (add(limits, name, q)) {
                                limitsFound.add(name);
                            }
                        });
            }
            if (!limitsFound.containsAll(COMPUTE)) {
                guaranteed = false;
            }
        }
        if (requests.isEmpty() && limits.isEmpty()) {
            return "BestEffort";
        }
        if (guaranteed) {
            for (Map.Entry<String, BigDecimal> e : requests.entrySet()) {
                BigDecimal l = limits.get(e.getKey());
                if (l == null || l.compareTo(e.getValue()) != 0) {
                    guaranteed = false;
                    break;
                }
            }
        }
        return guaranteed && requests.size() == limits.size() ? "Guaranteed" : "Burstable";
    }

    /** Adds a supported, non-zero quantity; returns whether it counted. */
    private static boolean add(Map<String, BigDecimal> sum, String name, Quantity q) {
        if (!COMPUTE.contains(name) || q == null) {
            return false;
        }
        BigDecimal v = q.getNumericalAmount();
        if (v.signum() == 0) {
            return false;
        }
        sum.merge(name, v, BigDecimal::add);
        return true;
    }
}
