package io.j8s.node.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.j8s.client.clock.FakeClock;
import io.j8s.node.logs.ContainerLogs;
import io.j8s.node.logs.LogQuery;
import io.j8s.node.status.ContainerSnapshot;
import io.j8s.node.status.PodSnapshot;
import io.j8s.node.status.PodStatusGenerator;
import io.j8s.node.status.RunState;
import io.j8s.node.testing.TestNode;
import io.j8s.node.testing.TestPods;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodWorkerTest {

    @TempDir Path dir;
    private TestNode node;

    @AfterEach
    void tearDown() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    private ContainerSnapshot container(Pod pod, int i) {
        PodSnapshot s = node.worker(pod).snapshot();
        return s == null ? null : s.containers().get(i);
    }

    private PodStatus status(Pod pod) {
        return PodStatusGenerator.generate(pod, node.worker(pod).snapshot(), "127.0.0.1");
    }

    private String logs(Pod pod, String container, boolean previous) {
        ContainerLogs l =
                node.logs.pod("default", pod.getMetadata().getName()).orElseThrow().get(container);
        var log = previous ? l.previous() : l.current();
        return log == null ? null : new String(log.read(LogQuery.all()), StandardCharsets.UTF_8);
    }

    private static Pod deleting(Pod pod, long graceSeconds) {
        return new PodBuilder(pod)
                .editMetadata()
                .withDeletionTimestamp(Instant.now().toString())
                .withDeletionGracePeriodSeconds(graceSeconds)
                .endMetadata()
                .build();
    }

    @Test
    void processPod_runsReportsRunningReadyAndRecordsTheKubeletsEvents() {
        node = TestNode.real();
        Pod pod = TestPods.pod("hello", TestPods.sh("main", "echo hi $POD_NAME; sleep 30"));
        node.workers.update(pod);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> container(pod, 0) != null && container(pod, 0).ready());
        await().atMost(Duration.ofSeconds(5))
                .until(() -> "hi hello\n".equals(logs(pod, "main", false)));

        PodStatus s = status(pod);
        assertThat(s.getPhase()).isEqualTo("Running");
        assertThat(s.getPodIP()).startsWith("127.246.").endsWith(".2");
        ContainerStatus cs = s.getContainerStatuses().get(0);
        assertThat(cs.getContainerID()).startsWith("j8s://");
        assertThat(cs.getRestartCount()).isZero();
        assertThat(node.events)
                .extracting(TestNode.Recorded::reason)
                .containsExactly("Pulled", "Created", "Started");
        assertThat(node.events)
                .extracting(TestNode.Recorded::message)
                .containsExactly(
                        "Container image \"busybox:1.36\" already present on machine",
                        "Created container main",
                        "Started container main");
        assertThat(node.events).allMatch(e -> e.fieldPath().equals("spec.containers{main}"));
    }

    @Test
    void crashingContainer_isRestartedWithBackOffAndShowsCrashLoopBackOff() {
        node = TestNode.real(); // back-off 300 ms doubling to 1.2 s
        Pod pod = TestPods.pod("crasher", TestPods.sh("c", "echo crash $(date +%s%N); exit 1"));
        node.workers.update(pod);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> container(pod, 0) != null && container(pod, 0).restartCount() >= 3);
        await().atMost(Duration.ofSeconds(5))
                .until(
                        () ->
                                container(pod, 0).state() instanceof RunState.Waiting w
                                        && w.reason().equals("CrashLoopBackOff"));
        ContainerSnapshot c = container(pod, 0);
        RunState.Waiting w = (RunState.Waiting) c.state();
        assertThat(w.message())
                .matches(
                        "back-off (300ms|600ms|1\\.2s) restarting failed container=c pod=crasher_default\\("
                                + pod.getMetadata().getUid()
                                + "\\)");
        assertThat(c.lastTerminated().exitCode()).isEqualTo(1);
        assertThat(c.lastTerminated().reason()).isEqualTo("Error");
        assertThat(status(pod).getPhase())
                .isEqualTo("Running"); // restartPolicy Always keeps it Running
        assertThat(node.reasons("crasher")).contains("BackOff");
        assertThat(node.events)
                .filteredOn(e -> e.reason().equals("BackOff"))
                .first()
                .extracting(TestNode.Recorded::message)
                .isEqualTo(
                        "Back-off restarting failed container c in pod crasher_default("
                                + pod.getMetadata().getUid()
                                + ")");
        assertThat(logs(pod, "c", true)).startsWith("crash ");
        assertThat(node.registry.get("j8s.node.container.restarts").counter().count())
                .isGreaterThanOrEqualTo(3);
    }

    @Test
    void backOff_delaysGrowBetweenRestarts() {
        // Hand-moved time: the container's exits happen at the clock's instant, restarts wait on
        // its timers.
        FakeClock time = new FakeClock(Instant.parse("2026-12-01T00:00:00Z"));
        node = TestNode.manualTime(time, Duration.ofMillis(400), Duration.ofSeconds(10));
        Path starts = dir.resolve("starts");
        Pod pod = TestPods.pod("timed", TestPods.sh("c", "echo start >> " + starts + "; exit 1"));
        node.workers.update(pod);

        // The first exit restarts at once (no timer); the second waits 400 ms.
        await().atMost(Duration.ofSeconds(10)).until(() -> !time.pendingDelays().isEmpty());
        assertThat(readLines(starts)).hasSize(2);
        assertThat(time.pendingDelays())
                .containsExactly(Duration.ofMillis(401)); // just past the back-off's end
        assertThat(container(pod, 0).state()).isInstanceOf(RunState.Waiting.class);
        assertThat(((RunState.Waiting) container(pod, 0).state()).message())
                .startsWith("back-off 400ms restarting");

        time.advance(Duration.ofMillis(400)); // not yet
        assertThat(readLines(starts)).hasSize(2);
        time.advance(Duration.ofMillis(1));
        // The third start; its exit waits twice as long.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> time.pendingDelays().equals(List.of(Duration.ofMillis(801))));
        assertThat(readLines(starts)).hasSize(3);
        assertThat(container(pod, 0).restartCount()).isEqualTo(2);
        assertThat(((RunState.Waiting) container(pod, 0).state()).message())
                .startsWith("back-off 800ms restarting");

        time.advance(Duration.ofMillis(801));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> time.pendingDelays().equals(List.of(Duration.ofMillis(1601))));
        assertThat(readLines(starts)).hasSize(4);
        assertThat(node.worker(pod).lifecycle()).isEqualTo(PodWorker.Lifecycle.RUNNING);
    }

    private static List<String> readLines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void restartPolicy_neverAndOnFailureEndThePod() {
        node = TestNode.real();
        Pod failed = TestPods.pod("once-failed", TestPods.sh("c", "exit 2"));
        failed.getSpec().setRestartPolicy("Never");
        Pod done = TestPods.pod("once-done", TestPods.sh("c", "echo done"));
        done.getSpec().setRestartPolicy("OnFailure");
        node.workers.update(failed);
        node.workers.update(done);
        await().atMost(Duration.ofSeconds(5))
                .until(
                        () ->
                                node.worker(failed).snapshot() != null
                                        && node.worker(failed).snapshot().terminal());
        await().atMost(Duration.ofSeconds(5))
                .until(
                        () ->
                                node.worker(done).snapshot() != null
                                        && node.worker(done).snapshot().terminal());
        assertThat(status(failed).getPhase()).isEqualTo("Failed");
        assertThat(
                        status(failed)
                                .getContainerStatuses()
                                .get(0)
                                .getState()
                                .getTerminated()
                                .getExitCode())
                .isEqualTo(2);
        assertThat(status(done).getPhase()).isEqualTo("Succeeded");
        assertThat(
                        status(done)
                                .getContainerStatuses()
                                .get(0)
                                .getState()
                                .getTerminated()
                                .getReason())
                .isEqualTo("Completed");
        // The sandbox is gone: the IPs are free again, the status still shows them.
        assertThat(node.ipam.allocations()).isEmpty();
        assertThat(status(done).getPodIP()).isNotNull();
        assertThat(node.worker(failed).lifecycle()).isEqualTo(PodWorker.Lifecycle.COMPLETED);
        assertThat(node.worker(done).lifecycle()).isEqualTo(PodWorker.Lifecycle.COMPLETED);
    }

    @Test
    void podFinishedBeforeTheAgent_isNeitherRunNorReported_andItsDeletionCompletes() {
        node = TestNode.real();
        Pod pod = TestPods.pod("finished", TestPods.sh("c", "echo must not run"));
        PodStatus old = new PodStatus();
        old.setPhase("Succeeded");
        pod.setStatus(old);
        node.workers.update(pod);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> node.worker(pod).lifecycle() == PodWorker.Lifecycle.ADOPTED_COMPLETED);
        node.workers.update(deleting(pod, 0));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> node.terminated.contains(pod.getMetadata().getUid()));
        assertThat(node.worker(pod).lifecycle()).isEqualTo(PodWorker.Lifecycle.TERMINATED);
        assertThat(node.worker(pod).snapshot()).as("nothing reported").isNull();
        assertThat(node.statusChanges.get()).isZero();
        assertThat(node.events).as("nothing started").isEmpty();
    }

    @Test
    void lifecycle_allowsOnlyForwardTransitions() {
        assertThat(PodWorker.Lifecycle.NEW.canMoveTo(PodWorker.Lifecycle.RUNNING)).isTrue();
        assertThat(PodWorker.Lifecycle.RUNNING.canMoveTo(PodWorker.Lifecycle.TERMINATING)).isTrue();
        assertThat(PodWorker.Lifecycle.TERMINATING.canMoveTo(PodWorker.Lifecycle.TERMINATED))
                .isTrue();
        assertThat(PodWorker.Lifecycle.COMPLETED.canMoveTo(PodWorker.Lifecycle.RUNNING))
                .as("no restart after completion")
                .isFalse();
        assertThat(PodWorker.Lifecycle.TERMINATING.canMoveTo(PodWorker.Lifecycle.RUNNING))
                .isFalse();
        for (PodWorker.Lifecycle to : PodWorker.Lifecycle.values()) {
            assertThat(PodWorker.Lifecycle.TERMINATED.canMoveTo(to))
                    .as("TERMINATED -> %s", to)
                    .isFalse();
            assertThat(PodWorker.Lifecycle.SHUT_DOWN.canMoveTo(to))
                    .as("SHUT_DOWN -> %s", to)
                    .isFalse();
        }
    }

    @Test
    void deletion_sigtermThenSigkillAfterTheGracePeriodThenReleasesTheIp() {
        node = TestNode.real();
        Pod pod =
                TestPods.pod(
                        "stubborn",
                        TestPods.sh("c", "trap '' TERM; echo up; while true; do sleep 0.1; done"));
        node.workers.update(pod);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> container(pod, 0) != null && container(pod, 0).ready());
        assertThat(node.ipam.allocations()).containsKey(pod.getMetadata().getUid());
        long t0 = System.nanoTime();
        node.workers.update(deleting(pod, 1));
        await().atMost(Duration.ofSeconds(8))
                .until(() -> node.terminated.contains(pod.getMetadata().getUid()));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        RunState.Terminated t = (RunState.Terminated) container(pod, 0).state();
        assertThat(t.exitCode()).isEqualTo(137);
        assertThat(node.ipam.allocations()).isEmpty();
        assertThat(node.worker(pod).terminationDone()).isTrue();
        assertThat(node.worker(pod).lifecycle()).isEqualTo(PodWorker.Lifecycle.TERMINATED);
        assertThat(node.events)
                .filteredOn(e -> e.reason().equals("Killing"))
                .extracting(TestNode.Recorded::message)
                .containsExactly("Stopping container c");
        node.workers.forget(pod.getMetadata().getUid());
        assertThat(node.workers.get(pod.getMetadata().getUid())).isEmpty();
        assertThat(node.logs.pod("default", "stubborn")).isEmpty();
    }

    @Test
    void builtinPod_servesItsNameAtThePodIpAndTurnsReadyByHttpProbe() throws Exception {
        node = TestNode.real();
        Container web = TestPods.web("nginx", 28080);
        web.setReadinessProbe(
                new ProbeBuilder()
                        .withNewHttpGet()
                        .withPath("/")
                        .withPort(new IntOrString(28080))
                        .endHttpGet()
                        .withPeriodSeconds(1)
                        .build());
        Pod pod = TestPods.pod("web-1", web);
        node.workers.update(pod);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> container(pod, 0) != null && container(pod, 0).ready());
        String ip = node.worker(pod).snapshot().podIp();
        HttpResponse<String> res =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create("http://" + ip + ":28080/"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(res.body())
                .isEqualTo("Hello from pod default/web-1 (IP " + ip + ", node node01)\n");
        assertThat(
                        node.registry
                                .get("j8s.node.probe.results")
                                .tag("probe_type", "readiness")
                                .tag("result", "success")
                                .counter()
                                .count())
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void readinessProbe_failureMarksTheContainerUnreadyAndSuccessReadyAgain() throws Exception {
        node = TestNode.real();
        Path flag = dir.resolve("ready");
        Container c = TestPods.sh("app", "sleep 60");
        c.setReadinessProbe(
                new ProbeBuilder()
                        .withNewExec()
                        .withCommand("test", "-f", flag.toString())
                        .endExec()
                        .withPeriodSeconds(1)
                        .withFailureThreshold(1)
                        .build());
        Pod pod = TestPods.pod("flappy", c);
        node.workers.update(pod);
        await().atMost(Duration.ofSeconds(5))
                .until(
                        () ->
                                container(pod, 0) != null
                                        && container(pod, 0).state() instanceof RunState.Running);
        assertThat(container(pod, 0).ready()).isFalse();
        Files.createFile(flag);
        await().atMost(Duration.ofSeconds(5)).until(() -> container(pod, 0).ready());
        assertThat(status(pod).getConditions())
                .filteredOn(x -> x.getType().equals("Ready"))
                .first()
                .extracting(x -> x.getStatus())
                .isEqualTo("True");
        Files.delete(flag);
        await().atMost(Duration.ofSeconds(5)).until(() -> !container(pod, 0).ready());
        assertThat(node.reasons("flappy")).contains("Unhealthy");
        assertThat(node.events)
                .filteredOn(e -> e.reason().equals("Unhealthy"))
                .first()
                .extracting(TestNode.Recorded::type)
                .isEqualTo("Warning");
        assertThat(container(pod, 0).restartCount()).isZero(); // readiness never restarts
    }

    @Test
    void livenessProbe_failureRestartsTheContainer() {
        node = TestNode.real();
        Container c = TestPods.sh("app", "sleep 60");
        c.setLivenessProbe(
                new ProbeBuilder()
                        .withNewExec()
                        .withCommand("false")
                        .endExec()
                        .withPeriodSeconds(1)
                        .withFailureThreshold(1)
                        .withTerminationGracePeriodSeconds(1L)
                        .build());
        Pod pod = TestPods.pod("sick", c);
        node.workers.update(pod);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> container(pod, 0) != null && container(pod, 0).restartCount() >= 1);
        assertThat(node.events)
                .filteredOn(e -> e.reason().equals("Killing"))
                .first()
                .extracting(TestNode.Recorded::message)
                .isEqualTo("Container app failed liveness probe, will be restarted");
        assertThat(node.events)
                .filteredOn(e -> e.reason().equals("Unhealthy"))
                .first()
                .extracting(TestNode.Recorded::message)
                .asString()
                .startsWith("Liveness probe failed: ");
    }

    @Test
    void startupProbe_gatesReadiness() throws Exception {
        node = TestNode.real();
        Path flag = dir.resolve("started");
        Container c = TestPods.sh("app", "sleep 60");
        c.setStartupProbe(
                new ProbeBuilder()
                        .withNewExec()
                        .withCommand("test", "-f", flag.toString())
                        .endExec()
                        .withPeriodSeconds(1)
                        .withFailureThreshold(30)
                        .build());
        Pod pod = TestPods.pod("slow-start", c);
        node.workers.update(pod);
        await().atMost(Duration.ofSeconds(5))
                .until(
                        () ->
                                container(pod, 0) != null
                                        && container(pod, 0).state() instanceof RunState.Running);
        // Two failed attempts (of the 30 allowed): still not started, so not ready.
        await().atMost(Duration.ofSeconds(10))
                .until(
                        () ->
                                node.events.stream()
                                                .filter(
                                                        e ->
                                                                e.reason().equals("Unhealthy")
                                                                        && e.message()
                                                                                .startsWith(
                                                                                        "Startup probe failed"))
                                                .count()
                                        >= 2);
        assertThat(container(pod, 0).started()).isFalse();
        assertThat(container(pod, 0).ready()).isFalse();
        Files.createFile(flag);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> container(pod, 0).started() && container(pod, 0).ready());
    }

    @Test
    void initContainers_runInOrderBeforeTheContainers() {
        node = TestNode.real();
        Path out = dir.resolve("order");
        Pod pod =
                TestPods.pod(
                        "with-init", TestPods.sh("main", "echo main >> " + out + "; sleep 60"));
        pod.getSpec()
                .setInitContainers(
                        List.of(
                                TestPods.sh("first", "echo first >> " + out),
                                TestPods.sh("second", "sleep 0.2; echo second >> " + out)));
        node.workers.update(pod);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> container(pod, 0) != null && container(pod, 0).ready());
        // Ready once started (no probe), which may be before main has written its line.
        await().atMost(Duration.ofSeconds(5)).until(() -> readLines(out).size() >= 3);
        assertThat(readLines(out)).containsExactly("first", "second", "main");
        PodStatus s = status(pod);
        assertThat(s.getInitContainerStatuses())
                .hasSize(2)
                .allMatch(cs -> cs.getState().getTerminated().getReason().equals("Completed"));
        assertThat(s.getConditions())
                .filteredOn(x -> x.getType().equals("Initialized"))
                .first()
                .extracting(x -> x.getStatus())
                .isEqualTo("True");
    }

    @Test
    void startFailure_isReportedAndBackedOff() {
        node = TestNode.real();
        Container c =
                new io.fabric8.kubernetes.api.model.ContainerBuilder()
                        .withName("c")
                        .withImage("x")
                        .withCommand("j8s-no-such-binary")
                        .build();
        Pod pod = TestPods.pod("broken", c);
        node.workers.update(pod);
        await().atMost(Duration.ofSeconds(5))
                .until(
                        () ->
                                container(pod, 0) != null
                                        && container(pod, 0).restartCount() >= 1
                                        && container(pod, 0).state() instanceof RunState.Waiting);
        assertThat(container(pod, 0).lastTerminated().reason()).isEqualTo("StartError");
        assertThat(container(pod, 0).lastTerminated().message())
                .contains("executable file not found in $PATH");
        assertThat(node.events)
                .filteredOn(e -> e.reason().equals("Failed"))
                .first()
                .extracting(TestNode.Recorded::message)
                .isEqualTo(
                        "Error: exec: \"j8s-no-such-binary\": executable file not found in $PATH");
    }

    @Test
    void adoption_keepsBuiltinContainersIdentityAndCountsProcessRestarts() {
        node = TestNode.real();
        Pod pod =
                TestPods.pod(
                        "adopted", TestPods.web("web", 28081), TestPods.sh("worker", "sleep 60"));
        PodStatus old = new PodStatus();
        old.setPhase("Running");
        old.setPodIP(null);
        old.setContainerStatuses(
                List.of(
                        runningStatus("web", "j8s://" + "a".repeat(64), 3),
                        runningStatus("worker", "j8s://" + "b".repeat(64), 5)));
        pod.setStatus(old);
        node.workers.update(pod);
        await().atMost(Duration.ofSeconds(5))
                .until(
                        () ->
                                container(pod, 1) != null
                                        && container(pod, 1).ready()
                                        && container(pod, 0).ready());
        ContainerSnapshot web = container(pod, 0);
        assertThat(web.containerId()).isEqualTo("a".repeat(64));
        assertThat(web.restartCount()).isEqualTo(3);
        assertThat(((RunState.Running) web.state()).startedAt())
                .isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
        ContainerSnapshot worker = container(pod, 1);
        assertThat(worker.restartCount()).isEqualTo(6);
        assertThat(worker.containerId()).isNotEqualTo("b".repeat(64));
        assertThat(worker.lastTerminated().containerId()).isEqualTo("b".repeat(64));
        assertThat(worker.lastTerminated().exitCode()).isEqualTo(137);
        assertThat(node.events)
                .extracting(TestNode.Recorded::fieldPath)
                .doesNotContain("spec.containers{web}");
    }

    private static ContainerStatus runningStatus(String name, String id, int restarts) {
        ContainerStatus cs = new ContainerStatus();
        cs.setName(name);
        cs.setContainerID(id);
        cs.setRestartCount(restarts);
        cs.setState(
                new io.fabric8.kubernetes.api.model.ContainerStateBuilder()
                        .withNewRunning("2026-11-25T10:00:00Z")
                        .build());
        return cs;
    }

    @Test
    void capacity_rejectsPodsBeyondMaxPods() {
        node = new TestNode(true, 2, Duration.ofSeconds(10), Duration.ofMinutes(5));
        Pod a = TestPods.pod("a", TestPods.web("c"));
        Pod b = TestPods.pod("b", TestPods.web("c"));
        Pod c = TestPods.pod("c", TestPods.web("c"));
        node.workers.update(a);
        node.workers.update(b);
        node.workers.update(c);
        await().atMost(Duration.ofSeconds(5)).until(() -> node.worker(c).snapshot() != null);
        assertThat(node.worker(c).snapshot().rejection().reason()).isEqualTo("OutOfpods");
        assertThat(status(c).getPhase()).isEqualTo("Failed");
        assertThat(status(c).getMessage())
                .isEqualTo(
                        "Pod was rejected: Node didn't have enough resource: pods, requested: 1, used: 2, capacity: 2");
    }

    @Test
    void simulatedNode_runsTenThousandPodsCheaply() {
        node = new TestNode(true, 20_000, Duration.ofSeconds(10), Duration.ofMinutes(5));
        int threadsBefore = Thread.activeCount();
        List<Pod> pods = new java.util.ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            Pod p = TestPods.pod("sim-" + i, TestPods.web("c", 80));
            pods.add(p);
            node.workers.update(p);
        }
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                pods.stream()
                                        .allMatch(
                                                p ->
                                                        node.worker(p).snapshot() != null
                                                                && node.worker(p)
                                                                        .snapshot()
                                                                        .containers()
                                                                        .get(0)
                                                                        .ready()));
        assertThat(Thread.activeCount()).isLessThanOrEqualTo(threadsBefore + 2);
        assertThat(node.ipam.allocations()).hasSize(10_000);
        assertThat(node.registry.get("j8s.node.pods").gauge().value()).isEqualTo(10_000);
        for (Pod p : pods) {
            node.workers.update(deleting(p, 30));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> node.terminated.size() == 10_000);
        assertThat(node.ipam.allocations()).isEmpty();
    }
}
