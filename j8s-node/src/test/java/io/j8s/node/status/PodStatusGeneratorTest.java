package io.j8s.node.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodReadinessGate;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.j8s.node.testing.TestPods;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodStatusGeneratorTest {

    private static final Instant T0 = Instant.parse("2026-11-25T16:43:54Z");
    private static final Instant T1 = T0.plusSeconds(7);
    private static final String IP = "127.244.1.2";

    private static ContainerSnapshot running(String name, boolean ready) {
        return new ContainerSnapshot(
                name, "nginx:1.14.1", "abc", new RunState.Running(T0), null, ready, true, 0);
    }

    private static ContainerSnapshot exited(String name, int code, RunState.Waiting waiting) {
        RunState.Terminated t =
                new RunState.Terminated(
                        code, code == 0 ? "Completed" : "Error", null, T0, T1, "abc");
        return waiting == null
                ? new ContainerSnapshot(name, "busybox", "abc", t, null, false, false, 0)
                : new ContainerSnapshot(name, "busybox", "abc", waiting, t, false, false, 1);
    }

    private static PodSnapshot snap(Instant at, ContainerSnapshot... cs) {
        return new PodSnapshot(IP, T0, List.of(), List.of(cs), true, false, null, at);
    }

    private static Pod pod(String restartPolicy, String... containers) {
        var cs =
                java.util.Arrays.stream(containers)
                        .map(n -> TestPods.web(n))
                        .toArray(io.fabric8.kubernetes.api.model.Container[]::new);
        Pod p = TestPods.pod("web-1", cs);
        p.getSpec().setRestartPolicy(restartPolicy);
        return p;
    }

    private static PodCondition cond(PodStatus s, String type) {
        return s.getConditions().stream()
                .filter(c -> c.getType().equals(type))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void generate_runningReadyPodLooksLikeTheKubeletsSample() {
        Pod p = pod("Always", "nginx");
        PodStatus s = PodStatusGenerator.generate(p, snap(T0, running("nginx", true)), "127.0.0.1");
        assertThat(s.getPhase()).isEqualTo("Running");
        assertThat(s.getConditions())
                .extracting(PodCondition::getType)
                .containsExactly(
                        "PodReadyToStartContainers",
                        "Initialized",
                        "Ready",
                        "ContainersReady",
                        "PodScheduled");
        assertThat(s.getConditions())
                .allMatch(
                        c ->
                                c.getStatus().equals("True")
                                        && c.getLastTransitionTime()
                                                .equals("2026-11-25T16:43:54Z"));
        assertThat(s.getPodIP()).isEqualTo(IP);
        assertThat(s.getPodIPs()).extracting(x -> x.getIp()).containsExactly(IP);
        assertThat(s.getHostIP()).isEqualTo("127.0.0.1");
        assertThat(s.getStartTime()).isEqualTo("2026-11-25T16:43:54Z");
        assertThat(s.getQosClass()).isEqualTo("BestEffort");
        ContainerStatus cs = s.getContainerStatuses().get(0);
        assertThat(cs.getContainerID()).isEqualTo("j8s://abc");
        assertThat(cs.getImageID())
                .startsWith("docker-pullable://nginx@sha256:")
                .hasSize("docker-pullable://nginx@sha256:".length() + 64);
        assertThat(cs.getState().getRunning().getStartedAt()).isEqualTo("2026-11-25T16:43:54Z");
        assertThat(cs.getReady()).isTrue();
        assertThat(cs.getStarted()).isTrue();
        assertThat(cs.getLastState().getTerminated()).isNull();
    }

    @Test
    void generate_unreadyContainerMakesReadyFalseWithTheKubeletsMessage() {
        Pod p = pod("Always", "a", "b", "c");
        PodStatus s =
                PodStatusGenerator.generate(
                        p, snap(T0, running("a", true), running("b", false)), "127.0.0.1");
        PodCondition ready = cond(s, "Ready");
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("ContainersNotReady");
        assertThat(ready.getMessage())
                .isEqualTo(
                        "containers with unknown status: [c], containers with unready status: [b]");
        assertThat(cond(s, "ContainersReady").getMessage()).isEqualTo(ready.getMessage());
        assertThat(s.getPhase()).isEqualTo("Pending"); // a container the node has no status for
    }

    @Test
    void generate_transitionTimeChangesOnlyWhenTheStatusFlips() {
        Pod p = pod("Always", "nginx");
        PodStatus first =
                PodStatusGenerator.generate(p, snap(T0, running("nginx", false)), "127.0.0.1");
        p.setStatus(first);
        PodStatus same =
                PodStatusGenerator.generate(
                        p, snap(T0.plusSeconds(3), running("nginx", false)), "127.0.0.1");
        assertThat(cond(same, "Ready").getLastTransitionTime()).isEqualTo("2026-11-25T16:43:54Z");
        assertThat(same).isEqualTo(first); // nothing changed: nothing to write
        p.setStatus(same);
        PodStatus flipped =
                PodStatusGenerator.generate(p, snap(T1, running("nginx", true)), "127.0.0.1");
        assertThat(cond(flipped, "Ready").getLastTransitionTime())
                .isEqualTo("2026-11-25T16:44:01Z");
        assertThat(cond(flipped, "Initialized").getLastTransitionTime())
                .isEqualTo("2026-11-25T16:43:54Z");
    }

    @Test
    void phase_followsRestartPolicyAndExitCodes() {
        assertThat(
                        PodStatusGenerator.generate(
                                        pod("Never", "c"), snap(T1, exited("c", 0, null)), null)
                                .getPhase())
                .isEqualTo("Succeeded");
        assertThat(
                        PodStatusGenerator.generate(
                                        pod("Never", "c"), snap(T1, exited("c", 1, null)), null)
                                .getPhase())
                .isEqualTo("Failed");
        assertThat(
                        PodStatusGenerator.generate(
                                        pod("OnFailure", "c"), snap(T1, exited("c", 0, null)), null)
                                .getPhase())
                .isEqualTo("Succeeded");
        RunState.Waiting backOff =
                new RunState.Waiting(
                        "CrashLoopBackOff", "back-off 10s restarting failed container=c pod=x");
        PodStatus crashing =
                PodStatusGenerator.generate(
                        pod("Always", "c"), snap(T1, exited("c", 1, backOff)), null);
        assertThat(crashing.getPhase()).isEqualTo("Running");
        ContainerStatus cs = crashing.getContainerStatuses().get(0);
        assertThat(cs.getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
        assertThat(cs.getLastState().getTerminated().getExitCode()).isEqualTo(1);
        assertThat(cs.getLastState().getTerminated().getReason()).isEqualTo("Error");
        assertThat(cs.getRestartCount()).isEqualTo(1);
        ContainerSnapshot creating = ContainerSnapshot.creating("c", "busybox");
        PodStatus pending =
                PodStatusGenerator.generate(pod("Always", "c"), snap(T0, creating), null);
        assertThat(pending.getPhase()).isEqualTo("Pending");
        assertThat(pending.getContainerStatuses().get(0).getState().getWaiting().getReason())
                .isEqualTo("ContainerCreating");
    }

    @Test
    void generate_succeededPodIsNotReadyWithPodCompleted() {
        PodStatus s =
                PodStatusGenerator.generate(
                        pod("Never", "c"), snap(T1, exited("c", 0, null)), null);
        assertThat(cond(s, "Ready").getReason()).isEqualTo("PodCompleted");
        assertThat(cond(s, "ContainersReady").getStatus()).isEqualTo("False");
    }

    @Test
    void generate_terminalPhaseNeverGoesBack() {
        Pod p = pod("Always", "c");
        PodStatus old = new PodStatus();
        old.setPhase("Failed");
        p.setStatus(old);
        assertThat(PodStatusGenerator.generate(p, snap(T1, running("c", true)), null).getPhase())
                .isEqualTo("Failed");
    }

    @Test
    void generate_keepsOthersConditionsAndHonoursReadinessGates() {
        Pod p = pod("Always", "c");
        PodReadinessGate gate = new PodReadinessGate("example.com/lb-ready");
        p.getSpec().setReadinessGates(List.of(gate));
        PodStatus old = new PodStatus();
        old.setConditions(
                new java.util.ArrayList<>(
                        List.of(
                                new PodConditionBuilder()
                                        .withType("example.com/lb-ready")
                                        .withStatus("False")
                                        .build())));
        p.setStatus(old);
        PodStatus s = PodStatusGenerator.generate(p, snap(T0, running("c", true)), null);
        assertThat(cond(s, "Ready").getStatus()).isEqualTo("False");
        assertThat(cond(s, "Ready").getReason()).isEqualTo("ReadinessGatesNotReady");
        assertThat(cond(s, "Ready").getMessage())
                .isEqualTo(
                        "the status of pod readiness gate \"example.com/lb-ready\" is not \"True\", but False");
        assertThat(cond(s, "ContainersReady").getStatus()).isEqualTo("True");
        assertThat(s.getConditions())
                .extracting(PodCondition::getType)
                .contains("example.com/lb-ready");
    }

    @Test
    void generate_initContainersGateInitialized() {
        Pod p = pod("Always", "c");
        p.getSpec().setInitContainers(List.of(TestPods.sh("setup", "true")));
        PodSnapshot s =
                new PodSnapshot(
                        IP,
                        T0,
                        List.of(
                                new ContainerSnapshot(
                                        "setup",
                                        "busybox",
                                        "i1",
                                        new RunState.Running(T0),
                                        null,
                                        false,
                                        true,
                                        0)),
                        List.of(ContainerSnapshot.creating("c", "nginx")),
                        true,
                        false,
                        null,
                        T0);
        PodStatus st = PodStatusGenerator.generate(p, s, null);
        assertThat(st.getPhase()).isEqualTo("Pending");
        assertThat(cond(st, "Initialized").getMessage())
                .isEqualTo("containers with incomplete status: [setup]");
        assertThat(st.getInitContainerStatuses()).hasSize(1);
    }

    @Test
    void generate_rejectedPodFailsWithReason() {
        PodSnapshot s =
                new PodSnapshot(
                        null,
                        T0,
                        List.of(),
                        List.of(),
                        false,
                        true,
                        new PodSnapshot.Rejection(
                                "OutOfpods",
                                "Pod was rejected: Node didn't have enough resource: pods"),
                        T0);
        PodStatus st = PodStatusGenerator.generate(pod("Always", "c"), s, "127.0.0.1");
        assertThat(st.getPhase()).isEqualTo("Failed");
        assertThat(st.getReason()).isEqualTo("OutOfpods");
        assertThat(st.getConditions())
                .extracting(PodCondition::getType)
                .containsExactly("PodScheduled");
    }
}
