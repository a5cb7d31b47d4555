package io.j8s.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.j8s.client.clock.FakeClock;
import io.j8s.node.logs.ContainerLog;
import io.j8s.node.logs.LogQuery;
import io.j8s.node.testing.TestPods;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRuntimeTest {

    @TempDir Path dir;
    private ScheduledExecutorService scheduler;
    private ProcessTable table;
    private ProcessRuntime runtime;
    private final List<ContainerInstance> started = new ArrayList<>();

    @BeforeEach
    void setUp() {
        scheduler = Executors.newSingleThreadScheduledExecutor();
        table = new ProcessTable(dir.resolve("processes"));
        runtime = new ProcessRuntime(Clock.systemUTC(), scheduler, table);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (ContainerInstance i : started) {
            i.stop(Duration.ZERO);
            i.exit().get(10, TimeUnit.SECONDS);
        }
        scheduler.shutdownNow();
    }

    private ContainerInstance start(Container c, ContainerLog log) throws Exception {
        Map<String, String> env =
                ContainerEnvironment.build(
                        TestPods.pod("p1", c), c, "127.244.1.9", "node01", "127.0.0.1");
        ContainerInstance i =
                runtime.start(
                        new ContainerLaunch(
                                "default", "p1", "uid", "node01", "127.244.1.9", c, env, log));
        started.add(i);
        return i;
    }

    private static String text(ContainerLog log) {
        return new String(log.read(LogQuery.all()), StandardCharsets.UTF_8);
    }

    @Test
    void start_runsCommandWithExpandedArgsAndPodEnvironment() throws Exception {
        ContainerLog log = new ContainerLog(1 << 20);
        Container c =
                new ContainerBuilder()
                        .withName("c")
                        .withCommand("/bin/sh", "-c")
                        .withArgs(
                                "echo hi $(POD_NAME); echo \"ip=$POD_IP node=$NODE_NAME ns=$POD_NAMESPACE\"; echo oops >&2; exit 3")
                        .build();
        ContainerInstance i = start(c, log);
        ExitStatus exit = i.exit().get(10, TimeUnit.SECONDS);
        assertThat(exit.exitCode()).isEqualTo(3);
        assertThat(exit.reason()).isEqualTo("Error");
        assertThat(text(log))
                .contains("hi p1\n", "ip=127.244.1.9 node=node01 ns=default\n", "oops\n");
        assertThat(log.isClosed()).isTrue();
        assertThat(i.id()).hasSize(64);
    }

    @Test
    void start_exitZeroIsCompletedAndWorkingDirApplies() throws Exception {
        ContainerLog log = new ContainerLog(1 << 20);
        Container c =
                new ContainerBuilder()
                        .withName("c")
                        .withWorkingDir(dir.toString())
                        .withCommand("pwd")
                        .build();
        ExitStatus exit = start(c, log).exit().get(10, TimeUnit.SECONDS);
        assertThat(exit.exitCode()).isZero();
        assertThat(exit.reason()).isEqualTo("Completed");
        assertThat(text(log)).isEqualTo(dir.toRealPath() + "\n");
    }

    @Test
    void start_missingExecutableFailsWithKubernetesWording() {
        Container c =
                new ContainerBuilder().withName("c").withCommand("no-such-binary-j8s", "x").build();
        assertThatThrownBy(() -> start(c, new ContainerLog(1 << 20)))
                .isInstanceOf(ContainerStartException.class)
                .hasMessage("exec: \"no-such-binary-j8s\": executable file not found in $PATH");
        Container missingDir =
                new ContainerBuilder()
                        .withName("c")
                        .withWorkingDir("/no/such/dir")
                        .withCommand("true")
                        .build();
        assertThatThrownBy(() -> start(missingDir, new ContainerLog(1 << 20)))
                .hasMessageContaining("chdir to cwd (\"/no/such/dir\")");
    }

    @Test
    void stop_sigtermEndsACooperativeProcessAtOnce() throws Exception {
        ContainerLog log = new ContainerLog(1 << 20);
        ContainerInstance i =
                start(
                        TestPods.sh(
                                "c",
                                "trap 'echo bye; exit 0' TERM; echo up; while true; do sleep 0.1; done"),
                        log);
        await().atMost(Duration.ofSeconds(5)).until(() -> text(log).contains("up"));
        long t0 = System.nanoTime();
        i.stop(Duration.ofSeconds(30));
        ExitStatus exit = i.exit().get(10, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(exit.exitCode()).isZero();
        assertThat(text(log)).contains("bye");
    }

    @Test
    void stop_sigkillsAProcessThatIgnoresSigtermAfterTheGracePeriod() throws Exception {
        // The grace period runs on hand-moved time: the SIGKILL comes when the test advances past
        // it.
        FakeClock time = new FakeClock();
        runtime = new ProcessRuntime(time, time, table, null);
        ContainerLog log = new ContainerLog(1 << 20);
        ContainerInstance i =
                start(
                        TestPods.sh(
                                "c",
                                "trap 'echo term' TERM; echo up; while true; do sleep 0.1; done"),
                        log);
        await().atMost(Duration.ofSeconds(5)).until(() -> text(log).contains("up"));
        i.stop(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> text(log).contains("term")); // SIGTERM, ignored
        assertThat(time.pendingDelays()).containsExactly(Duration.ofSeconds(30));
        time.advance(Duration.ofMillis(29_999));
        assertThat(time.pending()).isEqualTo(1); // not yet killed
        assertThat(i.exit()).isNotDone();
        time.advance(Duration.ofMillis(1));
        ExitStatus exit = i.exit().get(10, TimeUnit.SECONDS);
        assertThat(exit.exitCode()).isEqualTo(137); // 128 + SIGKILL
    }

    @Test
    void exit_killsEverythingTheContainerStarted() throws Exception {
        ContainerLog log = new ContainerLog(1 << 20);
        // The child sleeps in the background; the main process exits and orphans it.
        Path pidFile = dir.resolve("child.pid");
        ContainerInstance i =
                start(TestPods.sh("c", "sleep 300 & echo $! > " + pidFile + "; exit 0"), log);
        i.exit().get(10, TimeUnit.SECONDS);
        long childPid = Long.parseLong(Files.readString(pidFile).trim());
        await().atMost(Duration.ofSeconds(5))
                .until(() -> ProcessHandle.of(childPid).map(h -> !h.isAlive()).orElse(true));
    }

    @Test
    void processTable_recordsRunningContainersAndKillsOrphans() throws Exception {
        ContainerLog log = new ContainerLog(1 << 20);
        ContainerInstance i = start(TestPods.sh("c", "echo up; sleep 300"), log);
        await().atMost(Duration.ofSeconds(5)).until(() -> text(log).contains("up"));
        assertThat(Files.readString(dir.resolve("processes"))).contains("default/p1/c");
        // A new agent run finds the leftover through the table file and kills its whole session.
        List<String> killed = new ProcessTable(dir.resolve("processes")).killOrphans();
        assertThat(killed).containsExactly("default/p1/c");
        assertThat(i.exit().get(10, TimeUnit.SECONDS).exitCode()).isEqualTo(137);
    }

    @Test
    void exec_runsInTheContainersEnvironmentWithATimeout() throws Exception {
        ContainerInstance i = start(TestPods.sh("c", "sleep 300"), new ContainerLog(1 << 20));
        ExecResult ok =
                i.exec(List.of("/bin/sh", "-c", "echo $POD_NAME; exit 0"), Duration.ofSeconds(5))
                        .get(10, TimeUnit.SECONDS);
        assertThat(ok.exitCode()).isZero();
        assertThat(ok.output()).isEqualTo("p1\n");
        ExecResult failed =
                i.exec(List.of("/bin/sh", "-c", "echo nope; exit 2"), Duration.ofSeconds(5))
                        .get(10, TimeUnit.SECONDS);
        assertThat(failed.exitCode()).isEqualTo(2);
        ExecResult slow =
                i.exec(List.of("sleep", "30"), Duration.ofMillis(300)).get(10, TimeUnit.SECONDS);
        assertThat(slow.timedOut()).isTrue();
        assertThat(slow.output()).contains("timed out");
    }
}
