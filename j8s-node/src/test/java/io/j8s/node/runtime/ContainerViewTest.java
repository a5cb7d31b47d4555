package io.j8s.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.j8s.node.logs.ContainerLog;
import io.j8s.node.logs.LogQuery;
import io.j8s.node.testing.TestPods;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process container in its own mount namespace (the agent runs as root here) or in the host's.
 */
class ContainerViewTest {

    @TempDir Path dir;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void tearDown() {
        scheduler.shutdownNow();
    }

    private ContainerView view(boolean namespaced) throws Exception {
        Path pod = dir.resolve("pod");
        Path sa = pod.resolve("volumes/sa");
        Files.createDirectories(sa);
        Files.writeString(sa.resolve("token"), "tok-123");
        Path data = pod.resolve("volumes/data");
        Files.createDirectories(data);
        Files.writeString(data.resolve("f.txt"), "from the volume");
        Files.createDirectories(pod.resolve("etc"));
        Files.writeString(
                pod.resolve("etc/resolv.conf"),
                "nameserver 127.96.0.10\nsearch default.svc.cluster.local\n");
        Files.writeString(pod.resolve("etc/hosts"), "127.244.1.9\tp1\n");
        return new ContainerView(
                pod,
                pod.resolve("etc/resolv.conf"),
                pod.resolve("etc/hosts"),
                List.of(
                        new ContainerView.Mount(sa, ContainerView.SERVICE_ACCOUNT_PATH, true),
                        new ContainerView.Mount(data, "/j8s-test-missing/deep/data", false)),
                namespaced);
    }

    private String run(ContainerView view, String script) throws Exception {
        Container c =
                new ContainerBuilder()
                        .withName("c")
                        .withCommand("/bin/sh", "-c", script)
                        .withWorkingDir("/etc")
                        .build();
        Map<String, String> env =
                ContainerEnvironment.build(
                        TestPods.pod("p1", c), c, "127.244.1.9", "node01", "127.0.0.1");
        ContainerLog log = new ContainerLog(1 << 20);
        ContainerInstance i =
                new ProcessRuntime(Clock.systemUTC(), scheduler, null)
                        .start(
                                new ContainerLaunch(
                                        "default",
                                        "p1",
                                        "uid",
                                        "node01",
                                        "127.244.1.9",
                                        c,
                                        env,
                                        log,
                                        view));
        i.exit().get(30, TimeUnit.SECONDS);
        return new String(log.read(LogQuery.all()), StandardCharsets.UTF_8);
    }

    @Test
    void namespaced_seesPodFilesAtTheirPathsWhileTheHostKeepsItsOwn() throws Exception {
        // The suite runs as root, where the agent gives containers a mount namespace.
        assertThat(ContainerView.mountNamespacesAvailable()).isTrue();
        String hostResolv = Files.readString(Path.of("/etc/resolv.conf"));
        String out =
                run(
                        view(true),
                        String.join(
                                "; ",
                                "pwd",
                                "cat /etc/resolv.conf",
                                "cat /etc/hosts",
                                "cat /var/run/secrets/kubernetes.io/serviceaccount/token; echo",
                                "cat /j8s-test-missing/deep/data/f.txt; echo",
                                "echo x > /var/run/secrets/kubernetes.io/serviceaccount/new 2>/dev/null || echo read-only",
                                "ls /proc/self >/dev/null && echo proc-ok"));
        assertThat(out)
                .contains(
                        "/etc\n",
                        "nameserver 127.96.0.10\n",
                        "127.244.1.9\tp1\n",
                        "tok-123\n",
                        "from the volume\n",
                        "read-only\n",
                        "proc-ok\n");
        assertThat(Files.readString(Path.of("/etc/resolv.conf"))).isEqualTo(hostResolv);
        assertThat(Path.of("/j8s-test-missing")).doesNotExist();
        assertThat(Path.of(ContainerView.canonical(ContainerView.SERVICE_ACCOUNT_PATH)))
                .doesNotExist();
    }

    @Test
    void processIn_entersTheRunningContainersNamespace() throws Exception {
        Container c = new ContainerBuilder().withName("c").withCommand("/bin/sleep", "30").build();
        ContainerLog log = new ContainerLog(1 << 20);
        ContainerView v = view(true);
        ContainerInstance i =
                new ProcessRuntime(Clock.systemUTC(), scheduler, null)
                        .start(
                                new ContainerLaunch(
                                        "default",
                                        "p1",
                                        "uid",
                                        "node01",
                                        "127.244.1.9",
                                        c,
                                        Map.of("PATH", ContainerEnvironment.DEFAULT_PATH),
                                        log,
                                        v));
        try {
            ExecResult r =
                    i.exec(
                                    List.of(
                                            "cat",
                                            "/var/run/secrets/kubernetes.io/serviceaccount/token"),
                                    Duration.ofSeconds(20))
                            .get(30, TimeUnit.SECONDS);
            assertThat(r.output()).isEqualTo("tok-123");
        } finally {
            i.stop(Duration.ZERO);
            i.exit().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void hostView_runsInTheHostFilesystem() throws Exception {
        String out =
                run(
                        view(false),
                        "pwd; cat /j8s-test-missing/deep/data/f.txt 2>/dev/null || echo absent");
        assertThat(out).contains("/etc\n", "absent\n");
    }
}
