package io.j8s.node.runtime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/**
 * The downward API's {@code resourceFieldRef} as the kubelet resolves it: {@code limits.*} and
 * {@code requests.*} of {@code cpu}, {@code memory} and {@code ephemeral-storage}, divided by
 * {@code divisor} (default 1) and rounded up; an unset limit is the node's allocatable amount, an
 * unset request 0. Pure.
 */
public final class ResourceValues {

    private ResourceValues() {}

    /** The value for {@code container} (the env form; volumes name the container explicitly). */
    public static String value(
            Pod pod,
            Container container,
            ResourceFieldSelector ref,
            Map<String, Quantity> allocatable)
            throws ContainerConfigException {
        String resource = ref.getResource();
        int dot = resource == null ? -1 : resource.indexOf('.');
        if (dot < 0) {
            throw new ContainerConfigException("unsupported container resource : " + resource);
        }
        String kind = resource.substring(0, dot);
        String name = resource.substring(dot + 1);
        if (!name.equals("cpu") && !name.equals("memory") && !name.equals("ephemeral-storage")) {
            throw new ContainerConfigException("unsupported container resource : " + resource);
        }
        Map<String, Quantity> values;
        var res = container.getResources();
        if (kind.equals("limits")) {
            values = res == null ? null : res.getLimits();
        } else if (kind.equals("requests")) {
            values = res == null ? null : res.getRequests();
        } else {
            throw new ContainerConfigException("unsupported container resource : " + resource);
        }
        Quantity q = values == null ? null : values.get(name);
        if (q == null && kind.equals("limits")) {
            q = allocatable.get(name);
        }
        BigDecimal amount = q == null ? BigDecimal.ZERO : Quantity.getAmountInBytes(q);
        BigDecimal divisor =
                ref.getDivisor() == null
                                || ref.getDivisor().getAmount() == null
                                || ref.getDivisor().getAmount().isEmpty()
                        ? BigDecimal.ONE
                        : Quantity.getAmountInBytes(ref.getDivisor());
        if (divisor.signum() == 0) {
            divisor = BigDecimal.ONE;
        }
        if (name.equals("cpu")) {
            // Go: ceil(MilliValue / divisor.MilliValue), each milli value rounded up.
            BigDecimal milli = amount.movePointRight(3).setScale(0, RoundingMode.CEILING);
            BigDecimal divMilli = divisor.movePointRight(3).setScale(0, RoundingMode.CEILING);
            return milli.divide(divMilli, 0, RoundingMode.CEILING).toPlainString();
        }
        BigDecimal v = amount.setScale(0, RoundingMode.CEILING);
        BigDecimal d = divisor.setScale(0, RoundingMode.CEILING);
        return v.divide(d, 0, RoundingMode.CEILING).toPlainString();
    }

    /** The container named {@code name} of the Pod (main or init), or null. */
    public static Container container(Pod pod, String name) {
        for (Container c : pod.getSpec().getContainers()) {
            if (c.getName().equals(name)) {
                return c;
            }
        }
        if (pod.getSpec().getInitContainers() != null) {
            for (Container c : pod.getSpec().getInitContainers()) {
                if (c.getName().equals(name)) {
                    return c;
                }
            }
        }
        return null;
    }
}
