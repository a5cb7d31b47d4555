package io.j8s.controllers.util.endpointslice;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.j8s.controllers.util.Semantic;
import io.j8s.controllers.util.endpoint.TriggerTimeTracker;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Plans the EndpointSlice writes that make one owner's slices hold the desired endpoints with the
 * least churn — Kubernetes' {@code reconciler.reconcileByAddressType} and {@code
 * reconcileByPortMapping}:
 *
 * <ol>
 *   <li>endpoints are grouped by the exact ports they serve; each group has its own slices;
 *   <li>existing slices keep the endpoints still desired (updated in place when their conditions
 *       changed), lose the others, and are deleted when empty; a slice whose endpoints and labels
 *       are unchanged is not written;
 *   <li>new endpoints first fill slices that are being updated anyway (fullest first), then the
 *       unchanged slice that they fit best, then new slices of at most {@code
 *       maxEndpointsPerSlice};
 *   <li>a slice to create takes over the name of one to delete (an update instead of two writes);
 *   <li>an owner with no endpoints keeps one empty placeholder slice.
 * </ol>
 *
 * <p>Used by the EndpointSlice controller (owner: a Service) and the mirroring controller (owner:
 * an Endpoints). Pure; thread-safe.
 */
public final class EndpointSliceReconciler {

    public static final String LABEL_SERVICE_NAME = "kubernetes.io/service-name";
    public static final String LABEL_MANAGED_BY = "endpointslice.kubernetes.io/managed-by";

    /** What slices of one owner look like apart from their endpoints and ports. */
    public interface SliceOwner {

        /**
         * Whether {@code slice} belongs to this owner (its owner reference carries the owner's
         * UID).
         */
        boolean owns(EndpointSlice slice);

        /**
         * A new slice (namespace, generateName, owner reference) with no name, endpoints or ports.
         */
        EndpointSlice newSlice(String addressType);

        /** The labels every slice of the owner must carry. */
        Map<String, String> labels();

        /**
         * The annotations a slice must carry, the trigger time aside; {@code existing} is null for
         * a new slice.
         */
        Map<String, String> annotations(EndpointSlice existing);
    }

    /** The endpoints that serve exactly {@code ports}. */
    public record DesiredGroup(List<EndpointPort> ports, List<Endpoint> endpoints) {
        public DesiredGroup {
            ports = List.copyOf(ports);
            endpoints = List.copyOf(endpoints);
        }
    }

    /** The writes to make; slices in it are new objects, safe to send. */
    public record Plan(
            List<EndpointSlice> toCreate,
            List<EndpointSlice> toUpdate,
            List<EndpointSlice> toDelete) {
        public boolean isEmpty() {
            return toCreate.isEmpty() && toUpdate.isEmpty() && toDelete.isEmpty();
        }

        /** This plan's writes followed by {@code other}'s. */
        public Plan plus(Plan other) {
            return new Plan(
                    concat(toCreate, other.toCreate),
                    concat(toUpdate, other.toUpdate),
                    concat(toDelete, other.toDelete));
        }

        private static List<EndpointSlice> concat(List<EndpointSlice> a, List<EndpointSlice> b) {
            List<EndpointSlice> all = new ArrayList<>(a);
            all.addAll(b);
            return all;
        }
    }

    private final int maxEndpointsPerSlice;
    private final boolean placeholder;

    /**
     * @param placeholder whether an owner without endpoints keeps one empty slice (the
     *     EndpointSlice controller does; mirroring does not)
     */
    public EndpointSliceReconciler(int maxEndpointsPerSlice, boolean placeholder) {
        this.placeholder = placeholder;
        if (maxEndpointsPerSlice < 1 || maxEndpointsPerSlice > 1000) {
            throw new IllegalArgumentException(
                    "max endpoints per slice must be 1..1000 but was " + maxEndpointsPerSlice);
        }
        this.maxEndpointsPerSlice = maxEndpointsPerSlice;
    }

    /**
     * @param desired the desired groups by {@link SliceEndpoints#portMapKey} (endpoints of one
     *     group distinct by {@link SliceEndpoints#identity})
     * @param existing the owner's slices of this address type from the cache (not modified)
     * @param triggerTime written to created and updated slices; null removes the annotation
     */
    public Plan reconcile(
            SliceOwner owner,
            String addressType,
            Map<String, DesiredGroup> desired,
            List<EndpointSlice> existing,
            Instant triggerTime) {
        List<EndpointSlice> toCreate = new ArrayList<>();
        List<EndpointSlice> toUpdate = new ArrayList<>();
        List<EndpointSlice> toDelete = new ArrayList<>();

        Map<String, List<EndpointSlice>> existingByPorts = new TreeMap<>();
        for (EndpointSlice slice : sortedByName(existing)) {
            if (owner.owns(slice)) {
                existingByPorts
                        .computeIfAbsent(
                                SliceEndpoints.portMapKey(slice.getPorts()), k -> new ArrayList<>())
                        .add(slice);
            } else {
                toDelete.add(slice);
            }
        }
        for (Map.Entry<String, DesiredGroup> group : new TreeMap<>(desired).entrySet()) {
            List<EndpointSlice> slices = existingByPorts.getOrDefault(group.getKey(), List.of());
            reconcileByPorts(
                    owner, addressType, group.getValue(), slices, toCreate, toUpdate, toDelete);
        }
        for (Map.Entry<String, List<EndpointSlice>> e : existingByPorts.entrySet()) {
            if (!desired.containsKey(e.getKey())) {
                toDelete.addAll(e.getValue());
            }
        }

        // An owner without endpoints keeps one empty placeholder slice.
        if (placeholder && existing.size() == toDelete.size() && toCreate.isEmpty()) {
            EndpointSlice placeholder = newSlice(owner, addressType, List.of());
            if (toDelete.size() == 1 && samePlaceholder(toDelete.get(0), placeholder)) {
                toDelete.clear();
            } else {
                toCreate.add(placeholder);
            }
        }

        // Turn a create plus a delete into one update of the slice that would go.
        for (int i = 0; i < toDelete.size() && !toCreate.isEmpty(); ) {
            EndpointSlice doomed = toDelete.get(i);
            EndpointSlice fresh = toCreate.get(toCreate.size() - 1);
            if (Objects.equals(doomed.getAddressType(), fresh.getAddressType())
                    && owner.owns(doomed)) {
                fresh.getMetadata().setName(doomed.getMetadata().getName());
                fresh.getMetadata().setResourceVersion(doomed.getMetadata().getResourceVersion());
                fresh.getMetadata().setUid(doomed.getMetadata().getUid());
                toCreate.remove(toCreate.size() - 1);
                toUpdate.add(fresh);
                toDelete.remove(i);
            } else {
                i++;
            }
        }

        for (EndpointSlice s : toCreate) {
            setTriggerTime(s, triggerTime);
        }
        for (EndpointSlice s : toUpdate) {
            setTriggerTime(s, triggerTime);
        }
        return new Plan(List.copyOf(toCreate), List.copyOf(toUpdate), List.copyOf(toDelete));
    }

    private void reconcileByPorts(
            SliceOwner owner,
            String addressType,
            DesiredGroup group,
            List<EndpointSlice> existing,
            List<EndpointSlice> toCreate,
            List<EndpointSlice> toUpdate,
            List<EndpointSlice> toDelete) {
        // Remaining desired endpoints, in a stable order.
        Map<String, Endpoint> remaining = new LinkedHashMap<>();
        group.endpoints().stream()
                .sorted(Comparator.comparing(SliceEndpoints::identity))
                .forEach(e -> remaining.putIfAbsent(SliceEndpoints.identity(e), e));

        Map<String, EndpointSlice> byName = new LinkedHashMap<>();
        Set<String> unchanged = new LinkedHashSet<>();
        Set<String> updated = new LinkedHashSet<>();
        Set<String> deleted = new LinkedHashSet<>();
        Map<String, String> labels = owner.labels();

        // 1. Keep what is still desired in existing slices; drop the rest.
        for (EndpointSlice slice : existing) {
            String name = slice.getMetadata().getName();
            byName.put(name, slice);
            List<Endpoint> kept = new ArrayList<>();
            boolean endpointChanged = false;
            List<Endpoint> current =
                    slice.getEndpoints() == null ? List.of() : slice.getEndpoints();
            for (Endpoint e : current) {
                Endpoint want = remaining.remove(SliceEndpoints.identity(e));
                if (want != null) {
                    kept.add(want);
                    if (!SliceEndpoints.equalBeyondIdentity(want, e)) {
                        endpointChanged = true;
                    }
                }
            }
            Map<String, String> annotations = owner.annotations(slice);
            boolean metaChanged =
                    !labels.equals(SliceEndpoints.orEmpty(slice.getMetadata().getLabels()))
                            || !annotations.equals(
                                    withoutTriggerTime(slice.getMetadata().getAnnotations()));
            if (endpointChanged || kept.size() != current.size()) {
                if (kept.isEmpty()) {
                    deleted.add(name);
                } else {
                    EndpointSlice copy = Semantic.copy(slice);
                    copy.setEndpoints(kept);
                    applyMeta(copy, labels, annotations);
                    byName.put(name, copy);
                    updated.add(name);
                }
            } else if (metaChanged) {
                EndpointSlice copy = Semantic.copy(slice);
                applyMeta(copy, labels, annotations);
                byName.put(name, copy);
                updated.add(name);
            } else {
                unchanged.add(name);
            }
        }

        // 2. Fill slices that are being updated anyway, fullest first.
        if (!remaining.isEmpty() && !updated.isEmpty()) {
            List<EndpointSlice> slices = new ArrayList<>();
            for (String name : updated) {
                slices.add(byName.get(name));
            }
            slices.sort(
                    Comparator.comparingInt((EndpointSlice s) -> s.getEndpoints().size())
                            .reversed()
                            .thenComparing(s -> s.getMetadata().getName()));
            for (EndpointSlice slice : slices) {
                while (!remaining.isEmpty() && slice.getEndpoints().size() < maxEndpointsPerSlice) {
                    slice.getEndpoints().add(pop(remaining));
                }
            }
        }

        // 3. The rest goes into the unchanged slice it fits best, else into new slices.
        while (!remaining.isEmpty()) {
            EndpointSlice toFill = null;
            if (remaining.size() < maxEndpointsPerSlice && !unchanged.isEmpty()) {
                List<EndpointSlice> candidates = new ArrayList<>();
                for (String name : unchanged) {
                    candidates.add(byName.get(name));
                }
                toFill = sliceToFill(candidates, remaining.size());
            }
            if (toFill == null) {
                toFill = newSlice(owner, addressType, group.ports());
            } else {
                toFill = Semantic.copy(toFill);
                byName.put(toFill.getMetadata().getName(), toFill);
            }
            if (toFill.getEndpoints() == null) {
                toFill.setEndpoints(new ArrayList<>());
            } else {
                toFill.setEndpoints(new ArrayList<>(toFill.getEndpoints()));
            }
            while (!remaining.isEmpty() && toFill.getEndpoints().size() < maxEndpointsPerSlice) {
                toFill.getEndpoints().add(pop(remaining));
            }
            String name = toFill.getMetadata().getName();
            if (name != null && !name.isEmpty()) {
                updated.add(name);
                unchanged.remove(name);
            } else {
                toCreate.add(toFill);
            }
        }
        for (String name : updated) {
            toUpdate.add(byName.get(name));
        }
        for (String name : deleted) {
            toDelete.add(byName.get(name));
        }
    }

    /**
     * {@code getSliceToFill}: the unchanged slice whose free room fits {@code count} most tightly.
     */
    private EndpointSlice sliceToFill(List<EndpointSlice> slices, int count) {
        int closestDiff = maxEndpointsPerSlice;
        EndpointSlice closest = null;
        for (EndpointSlice slice : slices) {
            int size = slice.getEndpoints() == null ? 0 : slice.getEndpoints().size();
            int diff = maxEndpointsPerSlice - (count + size);
            if (diff >= 0 && diff < closestDiff) {
                closestDiff = diff;
                closest = slice;
                if (closestDiff == 0) {
                    return closest;
                }
            }
        }
        return closest;
    }

    private static Endpoint pop(Map<String, Endpoint> remaining) {
        String key = remaining.keySet().iterator().next();
        return remaining.remove(key);
    }

    private static EndpointSlice newSlice(
            SliceOwner owner, String addressType, List<EndpointPort> ports) {
        EndpointSlice slice = owner.newSlice(addressType);
        slice.setAddressType(addressType);
        slice.setPorts(new ArrayList<>(SliceEndpoints.sortedPorts(ports)));
        slice.setEndpoints(new ArrayList<>());
        applyMeta(slice, owner.labels(), owner.annotations(null));
        return slice;
    }

    private static void applyMeta(
            EndpointSlice slice, Map<String, String> labels, Map<String, String> annotations) {
        slice.getMetadata().setLabels(new LinkedHashMap<>(labels));
        Map<String, String> merged = new LinkedHashMap<>(annotations);
        Map<String, String> old = slice.getMetadata().getAnnotations();
        if (old != null && old.containsKey(TriggerTimeTracker.TRIGGER_TIME_ANNOTATION)) {
            merged.put(
                    TriggerTimeTracker.TRIGGER_TIME_ANNOTATION,
                    old.get(TriggerTimeTracker.TRIGGER_TIME_ANNOTATION));
        }
        slice.getMetadata().setAnnotations(merged);
    }

    private static Map<String, String> withoutTriggerTime(Map<String, String> annotations) {
        Map<String, String> m = new HashMap<>(annotations == null ? Map.of() : annotations);
        m.remove(TriggerTimeTracker.TRIGGER_TIME_ANNOTATION);
        return m;
    }

    private static void setTriggerTime(EndpointSlice slice, Instant triggerTime) {
        slice.getMetadata()
                .setAnnotations(
                        TriggerTimeTracker.withTriggerTime(
                                slice.getMetadata().getAnnotations(), triggerTime));
    }

    /** The placeholder comparison: namespace, labels, address type, ports and endpoints. */
    private static boolean samePlaceholder(EndpointSlice existing, EndpointSlice placeholder) {
        return Objects.equals(
                        existing.getMetadata().getNamespace(),
                        placeholder.getMetadata().getNamespace())
                && SliceEndpoints.orEmpty(existing.getMetadata().getLabels())
                        .equals(placeholder.getMetadata().getLabels())
                && Objects.equals(existing.getAddressType(), placeholder.getAddressType())
                && Semantic.equal(existing.getPorts(), placeholder.getPorts())
                && Semantic.equal(existing.getEndpoints(), placeholder.getEndpoints());
    }

    private static List<EndpointSlice> sortedByName(List<EndpointSlice> slices) {
        List<EndpointSlice> sorted = new ArrayList<>(slices);
        sorted.sort(
                Comparator.comparing(
                        s -> s.getMetadata().getName() == null ? "" : s.getMetadata().getName()));
        return sorted;
    }
}
