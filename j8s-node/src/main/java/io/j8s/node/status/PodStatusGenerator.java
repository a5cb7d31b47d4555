package io.j8s.node.status;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateRunning;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodReadinessGate;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Turns a {@link PodSnapshot} into the {@code PodStatus} the kubelet would write: phase, conditions
 * ({@code PodReadyToStartContainers}, {@code Initialized}, {@code Ready}, {@code ContainersReady},
 * {@code PodScheduled}, in the kubelet's order), IPs, start time, container statuses and QoS class.
 *
 * <p>A condition's {@code lastTransitionTime} is carried over from the old status while its status
 * is unchanged and set to the snapshot's time when it flips — Endpoints' trigger time and network
 * programming latency are measured from the Ready condition's. Conditions owned by others (e.g.
 * readiness gates, {@code DisruptionTarget}) and fields the node does not manage are kept. A
 * terminal phase never goes back. Pure and thread-safe.
 */
public final class PodStatusGenerator {

    /** Condition types the node agent owns. */
    static final Set<String> OWNED =
            Set.of(
                    "PodReadyToStartContainers",
                    "Initialized",
                    "Ready",
                    "ContainersReady",
                    "PodScheduled");

    private PodStatusGenerator() {}

    /**
     * @param pod the Pod as last read from the API (its {@code status} is the old status)
     * @param hostIp the node's address
     */
    public static PodStatus generate(Pod pod, PodSnapshot snap, String hostIp) {
        PodSpec spec = pod.getSpec();
        PodStatus old = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
        String restartPolicy = spec.getRestartPolicy() == null ? "Always" : spec.getRestartPolicy();
        List<Container> specContainers =
                spec.getContainers() == null ? List.of() : spec.getContainers();
        List<Container> specInit =
                spec.getInitContainers() == null ? List.of() : spec.getInitContainers();

        String phase;
        if (snap.rejection() != null) {
            phase = PodPhases.FAILED;
        } else if (PodPhases.isTerminal(old.getPhase())) {
            phase = old.getPhase();
        } else {
            phase =
                    PodPhases.phase(
                            restartPolicy,
                            snap.initContainers(),
                            snap.containers(),
                            specContainers.size(),
                            snap.terminal());
        }

        List<ContainerStatus> statuses = new ArrayList<>();
        for (ContainerSnapshot c : snap.containers()) {
            statuses.add(toApi(c));
        }
        List<ContainerStatus> initStatuses = new ArrayList<>();
        for (ContainerSnapshot c : snap.initContainers()) {
            initStatuses.add(toApi(c));
        }

        List<PodCondition> conditions = new ArrayList<>();
        if (snap.rejection() == null) {
            conditions.add(
                    condition(
                            "PodReadyToStartContainers",
                            snap.sandboxReady() ? "True" : "False",
                            null,
                            null));
            conditions.add(initialized(specInit, snap.initContainers()));
            PodCondition containersReady =
                    containersReady(specContainers, snap.containers(), phase);
            conditions.add(ready(spec, old, containersReady));
            conditions.add(containersReady);
        }
        conditions.add(condition("PodScheduled", "True", null, null));
        List<PodCondition> merged = new ArrayList<>();
        String now = format(snap.observedAt());
        for (PodCondition c : conditions) {
            PodCondition prev = find(old.getConditions(), c.getType());
            c.setLastTransitionTime(
                    prev != null
                                    && c.getStatus().equals(prev.getStatus())
                                    && prev.getLastTransitionTime() != null
                            ? prev.getLastTransitionTime()
                            : now);
            if (prev != null && prev.getLastProbeTime() != null) {
                c.setLastProbeTime(prev.getLastProbeTime());
            }
            merged.add(c);
        }
        if (old.getConditions() != null) {
            for (PodCondition c : old.getConditions()) {
                if (!OWNED.contains(c.getType())) {
                    merged.add(c);
                }
            }
        }

        PodStatusBuilder b = new PodStatusBuilder(old);
        b.withPhase(phase)
                .withConditions(merged)
                .withContainerStatuses(statuses)
                .withInitContainerStatuses(initStatuses.isEmpty() ? null : initStatuses)
                .withQosClass(QosClasses.of(spec));
        if (hostIp != null) {
            b.withHostIP(hostIp).withHostIPs(new HostIP(hostIp));
        }
        String podIp = snap.podIp() != null ? snap.podIp() : old.getPodIP();
        if (podIp != null) {
            b.withPodIP(podIp).withPodIPs(new PodIP(podIp));
        }
        if (old.getStartTime() != null) {
            b.withStartTime(old.getStartTime());
        } else if (snap.startTime() != null) {
            b.withStartTime(format(snap.startTime()));
        }
        if (snap.rejection() != null) {
            b.withReason(snap.rejection().reason()).withMessage(snap.rejection().message());
        }
        return b.build();
    }

    /** The status a node would show for one container. */
    public static ContainerStatus toApi(ContainerSnapshot c) {
        ContainerStatus s = new ContainerStatus();
        s.setName(c.name());
        s.setImage(c.image());
        s.setImageID(imageId(c.image()));
        if (c.containerId() != null) {
            s.setContainerID("j8s://" + c.containerId());
        }
        s.setReady(c.ready());
        s.setStarted(c.started());
        s.setRestartCount(c.restartCount());
        s.setState(toApi(c.state()));
        s.setLastState(
                c.lastTerminated() == null ? new ContainerState() : toApi(c.lastTerminated()));
        return s;
    }

    private static ContainerState toApi(RunState state) {
        ContainerState s = new ContainerState();
        if (state instanceof RunState.Waiting w) {
            s.setWaiting(new ContainerStateWaiting(w.message(), w.reason()));
        } else if (state instanceof RunState.Running r) {
            s.setRunning(new ContainerStateRunning(format(r.startedAt())));
        } else if (state instanceof RunState.Terminated t) {
            ContainerStateTerminated term = new ContainerStateTerminated();
            term.setExitCode(t.exitCode());
            term.setReason(t.reason());
            term.setMessage(t.message());
            term.setStartedAt(t.startedAt() == null ? null : format(t.startedAt()));
            term.setFinishedAt(t.finishedAt() == null ? null : format(t.finishedAt()));
            term.setContainerID(t.containerId() == null ? null : "j8s://" + t.containerId());
            s.setTerminated(term);
        }
        return s;
    }

    /**
     * A stable image ID for an image reference: {@code
     * docker-pullable://<repository>@sha256:<hex>}, the digest being the SHA-256 of the reference
     * (no image is pulled, so there is no real digest; the same reference always gives the same
     * ID).
     */
    public static String imageId(String image) {
        if (image == null || image.isEmpty()) {
            return "";
        }
        String repo = image;
        int at = repo.indexOf('@');
        if (at >= 0) {
            return "docker-pullable://" + repo;
        }
        int slash = repo.lastIndexOf('/');
        int colon = repo.lastIndexOf(':');
        if (colon > slash) {
            repo = repo.substring(0, colon);
        }
        try {
            byte[] d =
                    MessageDigest.getInstance("SHA-256")
                            .digest(image.getBytes(StandardCharsets.UTF_8));
            return "docker-pullable://" + repo + "@sha256:" + HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    static PodCondition initialized(List<Container> specInit, List<ContainerSnapshot> init) {
        List<String> incomplete = new ArrayList<>();
        for (Container c : specInit) {
            ContainerSnapshot s =
                    init.stream()
                            .filter(x -> x.name().equals(c.getName()))
                            .findFirst()
                            .orElse(null);
            boolean done =
                    s != null && s.state() instanceof RunState.Terminated t && t.exitCode() == 0;
            if (!done) {
                incomplete.add(c.getName());
            }
        }
        if (incomplete.isEmpty()) {
            return condition("Initialized", "True", null, null);
        }
        return condition(
                "Initialized",
                "False",
                "ContainersNotInitialized",
                "containers with incomplete status: " + goList(incomplete));
    }

    static PodCondition containersReady(
            List<Container> spec, List<ContainerSnapshot> containers, String phase) {
        if (PodPhases.FAILED.equals(phase)) {
            return condition("ContainersReady", "False", "PodFailed", null);
        }
        List<String> unknown = new ArrayList<>();
        List<String> unready = new ArrayList<>();
        for (Container c : spec) {
            ContainerSnapshot s =
                    containers.stream()
                            .filter(x -> x.name().equals(c.getName()))
                            .findFirst()
                            .orElse(null);
            if (s == null) {
                unknown.add(c.getName());
            } else if (!s.ready()) {
                unready.add(c.getName());
            }
        }
        if (PodPhases.SUCCEEDED.equals(phase) && unknown.isEmpty()) {
            return condition("ContainersReady", "False", "PodCompleted", null);
        }
        List<String> messages = new ArrayList<>();
        if (!unknown.isEmpty()) {
            messages.add("containers with unknown status: " + goList(unknown));
        }
        if (!unready.isEmpty()) {
            messages.add("containers with unready status: " + goList(unready));
        }
        if (!messages.isEmpty()) {
            return condition(
                    "ContainersReady", "False", "ContainersNotReady", String.join(", ", messages));
        }
        return condition("ContainersReady", "True", null, null);
    }

    static PodCondition ready(PodSpec spec, PodStatus old, PodCondition containersReady) {
        if (!"True".equals(containersReady.getStatus())) {
            return condition(
                    "Ready",
                    containersReady.getStatus(),
                    containersReady.getReason(),
                    containersReady.getMessage());
        }
        List<String> messages = new ArrayList<>();
        if (spec.getReadinessGates() != null) {
            for (PodReadinessGate g : spec.getReadinessGates()) {
                PodCondition c = find(old.getConditions(), g.getConditionType());
                if (c == null) {
                    messages.add(
                            "corresponding condition of pod readiness gate \""
                                    + g.getConditionType()
                                    + "\" does not exist.");
                } else if (!"True".equals(c.getStatus())) {
                    messages.add(
                            "the status of pod readiness gate \""
                                    + g.getConditionType()
                                    + "\" is not \"True\", but "
                                    + c.getStatus());
                }
            }
        }
        if (!messages.isEmpty()) {
            return condition(
                    "Ready", "False", "ReadinessGatesNotReady", String.join(", ", messages));
        }
        return condition("Ready", "True", null, null);
    }

    private static PodCondition condition(
            String type, String status, String reason, String message) {
        PodCondition c = new PodCondition();
        c.setType(type);
        c.setStatus(status);
        c.setReason(reason);
        c.setMessage(message);
        return c;
    }

    private static PodCondition find(List<PodCondition> conditions, String type) {
        if (conditions == null) {
            return null;
        }
        for (PodCondition c : conditions) {
            if (type.equals(c.getType())) {
                return c;
            }
        }
        return null;
    }

    /** Go's {@code %s} of a string slice: {@code [a b]}. */
    private static String goList(List<String> names) {
        return "[" + String.join(" ", names) + "]";
    }

    /** RFC 3339 with second precision, as the API's {@code metav1.Time}. */
    public static String format(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }
}
