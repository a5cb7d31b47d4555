package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.server.ControllerOptions;
import io.j8s.server.testing.Kubectl;
import io.j8s.server.testing.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code j8s agent} in its own process: it joins with the server's token, registers its node, runs
 * what is scheduled there, and its logs reach kubectl through the API server over the pinned TLS of
 * its log endpoint. Stopped with SIGTERM, it leaves nothing behind.
 */
class AgentProcessTest {
    private TestCluster cluster;
    private Process agent;

    @BeforeEach
    void start() throws Exception {
        Kubectl.requireAvailable();
        cluster = TestCluster.start(o -> o.withControllers(ControllerOptions.defaults()));
    }

    @AfterEach
    void stop() throws Exception {
        if (agent != null && agent.isAlive()) {
            agent.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private Process startAgent(String... args) throws Exception {
        String token = Files.readString(cluster.dir().resolve("data").resolve("token")).trim();
        List<String> command =
                new java.util.ArrayList<>(
                        List.of(
                                ProcessHandle.current().info().command().orElse("java"),
                                "-cp",
                                System.getProperty("java.class.path"),
                                "io.j8s.server.Main",
                                "agent",
                                "--server",
                                cluster.server().apiUrl(),
                                "--token",
                                token,
                                "--kubelet-port",
                                "0",
                                "--data-dir",
                                cluster.dir().resolve("agent").toString()));
        command.addAll(List.of(args));
        Path log = cluster.dir().resolve("agent.log");
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    @Test
    void aJoinedNode_runsPods_andItsLogsAreReadThroughTheApi() throws Exception {
        agent = startAgent("--node-name", "ext01");
        Awaitility.await()
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> {
                            Kubectl.Result r = cluster.kubectl().run("get", "node", "ext01");
                            return r.exitCode() == 0
                                    && r.stdout().matches("(?s).*ext01\\s+Ready\\s.*");
                        });
        cluster.kubectlOk(
                "run",
                "logger",
                "--image=busybox",
                "--restart=Never",
                "--",
                "/bin/sh",
                "-c",
                "echo hello from $POD_NAME on $NODE_NAME; sleep 300");
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(
                        () ->
                                assertThat(cluster.kubectl().run("logs", "logger").stdout())
                                        .contains("hello from logger on ext01"));
        assertThat(cluster.kubectlOk("get", "po", "logger", "-o", "wide"))
                .containsPattern(
                        "logger\\s+1/1\\s+Running"
                                + "\\s+0\\s+\\S+\\s+127\\.244\\.\\d+\\.\\d+\\s+ext01");

        agent.destroy();
        assertThat(agent.waitFor(60, TimeUnit.SECONDS)).as("the agent stops on SIGTERM").isTrue();
        assertThat(
                        ProcessHandle.allProcesses()
                                .filter(
                                        p ->
                                                p.info()
                                                        .commandLine()
                                                        .orElse("")
                                                        .contains("hello from $POD_NAME"))
                                .count())
                .as("no container process is left")
                .isZero();
    }

    @Test
    void simulatedNodes_joinOneByOne() throws Exception {
        agent = startAgent("--node-name", "sims", "--simulated-nodes", "3");
        Awaitility.await()
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> {
                            Kubectl.Result r = cluster.kubectl().run("get", "nodes");
                            return r.exitCode() == 0
                                    && r.stdout()
                                                    .lines()
                                                    .filter(
                                                            l ->
                                                                    l.matches(
                                                                            "sims-sim-0000[123]\\s+Ready\\s.*"))
                                                    .count()
                                            == 3;
                        });
    }
}
