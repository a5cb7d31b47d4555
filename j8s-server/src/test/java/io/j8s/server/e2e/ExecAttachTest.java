package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.j8s.server.DataPlaneOptions;
import io.j8s.server.testing.Kubectl;
import io.j8s.server.testing.TestCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code kubectl exec}, {@code attach}, {@code cp} and {@code run -it} against Pods that run as
 * processes on a node, over WebSocket through the API server to the node, with the real kubectl.
 */
class ExecAttachTest {
    static final String KUBECTL_133 = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33";
    static final String KUBECTL_132 = "/usr/lib/google-cloud-sdk/bin/kubectl.1.32";

    private static TestCluster cluster;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("j8s-exec-");
        Path tokens = dir.resolve("tokens.csv");
        Files.writeString(
                tokens,
                """
                viewer-token,viewer,1001
                editor-token,editor,1002
                """);
        // A small per-user limit, so that the test can reach it (read when the API server starts).
        System.setProperty(
                io.j8s.apiserver.nodeproxy.PodStreams.MAX_STREAMS_PER_USER_PROPERTY, "4");
        cluster =
                TestCluster.start(
                        o ->
                                o.withTokenAuthFile(tokens)
                                        .withControllers(
                                                io.j8s.server.ControllerOptions.defaults()
                                                        // the service account controllers: Pods get
                                                        // a kube-api-access volume
                                                        .withEnabled(
                                                                TestCluster.podControllersAnd(
                                                                        "scheduler")))
                                        .withDataPlane(
                                                DataPlaneOptions.none()
                                                        .withNodes(List.of("exec-node"))));
        System.clearProperty(io.j8s.apiserver.nodeproxy.PodStreams.MAX_STREAMS_PER_USER_PROPERTY);
        cluster.kubectlOk(
                "create",
                "clusterrolebinding",
                "viewer-view",
                "--clusterrole=view",
                "--user=viewer");
        cluster.kubectlOk(
                "create", "rolebinding", "editor-edit", "--clusterrole=edit", "--user=editor");
        try (KubernetesClient admin = cluster.client()) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> admin.nodes().withName("exec-node").get() != null);
            admin.nodes()
                    .withName("exec-node")
                    .patch(
                            PatchContext.of(PatchType.JSON_MERGE),
                            "{\"spec\":{\"podCIDR\":\"127.244.9.0/24\",\"podCIDRs\":[\"127.244.9.0/24\"]}}");
            admin.pods()
                    .inNamespace("default")
                    .resource(
                            new PodBuilder()
                                    .withNewMetadata()
                                    .withName("shell")
                                    .endMetadata()
                                    .withNewSpec()
                                    .withNodeName("exec-node")
                                    .addNewContainer()
                                    .withName("main")
                                    .withImage("busybox")
                                    .withCommand("sleep", "3600")
                                    .withWorkingDir("/tmp")
                                    .addNewEnv()
                                    .withName("GREETING")
                                    .withValue("hello from the pod")
                                    .endEnv()
                                    .endContainer()
                                    .endSpec()
                                    .build())
                    .create();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(
                            () ->
                                    "Running"
                                            .equals(
                                                    admin.pods()
                                                            .inNamespace("default")
                                                            .withName("shell")
                                                            .get()
                                                            .getStatus()
                                                            .getPhase()));
        }
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Kubectl kubectl(String binary) {
        return cluster.kubectl().withBinary(binary);
    }

    /** "1-33" for kubectl.1.33: a suffix for names that each version's run makes for itself. */
    private static String suffixOf(String binary) {
        return binary.substring(binary.lastIndexOf('.') - 1).replace('.', '-');
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {KUBECTL_132, KUBECTL_133})
    void exec_runsTheCommandWithTheContainersEnvironment_andReturnsItsExitCode(String binary) {
        Kubectl k = kubectl(binary);
        Kubectl.Result r =
                k.run(
                        "exec",
                        "shell",
                        "--",
                        "sh",
                        "-c",
                        "echo \"$GREETING\"; pwd; echo ip=$POD_IP");
        assertThat(r.exitCode()).as(binary + ": " + r.stderr()).isZero();
        assertThat(r.stdout())
                .as(binary)
                .isEqualTo("hello from the pod\n/tmp\nip=127.244.9." + podIpSuffix() + "\n");

        Kubectl.Result failed =
                k.run("exec", "shell", "--", "sh", "-c", "echo out; echo err >&2; exit 3");
        assertThat(failed.exitCode()).as(binary + ": " + failed.stderr()).isEqualTo(3);
        assertThat(failed.stdout()).as(binary).isEqualTo("out\n");
        assertThat(failed.stderr()).as(binary).contains("err\n");

        Kubectl.Result missing = k.run("exec", "shell", "--", "no-such-command-j8s");
        assertThat(missing.exitCode()).as(binary).isNotZero();
        assertThat(missing.stderr())
                .as(binary)
                .contains("no-such-command-j8s")
                .contains("executable file not found in $PATH");
    }

    private static String podIpSuffix() {
        try (KubernetesClient admin = cluster.client()) {
            String ip =
                    admin.pods()
                            .inNamespace("default")
                            .withName("shell")
                            .get()
                            .getStatus()
                            .getPodIP();
            return ip.substring(ip.lastIndexOf('.') + 1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {KUBECTL_132, KUBECTL_133})
    void execWithStdin_passesInputAndItsEnd(String binary) {
        Kubectl.Result r =
                kubectl(binary)
                        .runWithInput(
                                "one\ntwo\n".getBytes(StandardCharsets.UTF_8),
                                Map.of(),
                                "exec",
                                "-i",
                                "shell",
                                "--",
                                "sh",
                                "-c",
                                "wc -l; echo done");
        assertThat(r.exitCode()).as(binary + ": " + r.stderr()).isZero();
        assertThat(r.stdout().trim()).as(binary).isEqualTo("2\ndone");
    }

    @Test
    void exec_isAuthorizedAsCreateOnPodsExec_andNothingRunsWhenRefused() throws Exception {
        Path marker = dir.resolve("ran-by-viewer");
        Kubectl viewer = cluster.kubectlWithToken("viewer", "viewer-token").withBinary(KUBECTL_133);
        Kubectl.Result refused = viewer.run("exec", "shell", "--", "touch", marker.toString());
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stderr())
                .contains(
                        "pods \"shell\" is forbidden: User \"viewer\" cannot create resource"
                                + " \"pods/exec\" in API group \"\" in the namespace \"default\"");
        Kubectl anonymous =
                cluster.kubectlWithToken("nobody", "not-a-token").withBinary(KUBECTL_133);
        Kubectl.Result unauthorized =
                anonymous.run("exec", "shell", "--", "touch", marker.toString());
        assertThat(unauthorized.exitCode()).isNotZero();
        assertThat(unauthorized.stderr()).contains("You must be logged in to the server");
        // The exec endpoint itself, without credentials: 401 before any upgrade.
        var trustOnly = javax.net.ssl.SSLContext.getInstance("TLS");
        var trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", cluster.server().pki().ca().certificate());
        var factory =
                javax.net.ssl.TrustManagerFactory.getInstance(
                        javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        trustOnly.init(null, factory.getTrustManagers(), null);
        java.net.URI execUri =
                java.net.URI.create(
                        cluster.server().apiUrl().replace("https://", "wss://")
                                + "/api/v1/namespaces/default/pods/shell/exec?command=touch&command="
                                + java.net.URLEncoder.encode(
                                        marker.toString(), StandardCharsets.UTF_8)
                                + "&stdout=true");
        var anonymousWs =
                java.net.http.HttpClient.newBuilder()
                        .sslContext(trustOnly)
                        .build()
                        .newWebSocketBuilder()
                        .subprotocols("v5.channel.k8s.io")
                        .buildAsync(execUri, new java.net.http.WebSocket.Listener() {});
        assertThat(org.assertj.core.api.Assertions.catchThrowable(anonymousWs::join).getCause())
                .isInstanceOfSatisfying(
                        java.net.http.WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(401));
        Thread.sleep(500);
        assertThat(marker).doesNotExist();

        Kubectl editor = cluster.kubectlWithToken("editor", "editor-token").withBinary(KUBECTL_133);
        assertThat(editor.run("exec", "shell", "--", "echo", "editor was here").ok())
                .isEqualTo("editor was here\n");
    }

    /**
     * Runs {@code kubectl <args>} on a terminal of {@code rows}x{@code cols} (util-linux {@code
     * script}), feeding it {@code input}; returns what the terminal showed.
     */
    static Kubectl.Result onTerminal(Kubectl k, int rows, int cols, String input, String... args)
            throws Exception {
        ProcessBuilder kubectl = k.processBuilder(args);
        StringBuilder line = new StringBuilder("stty rows " + rows + " cols " + cols + "; exec");
        for (String a : kubectl.command()) {
            line.append(" '").append(a.replace("'", "'\\''")).append("'");
        }
        ProcessBuilder script =
                new ProcessBuilder("script", "-qfec", line.toString(), "/dev/null")
                        .directory(kubectl.directory());
        script.environment().putAll(kubectl.environment());
        script.environment().remove("KUBECONFIG");
        Path in = Files.createTempFile(dir, "tty", ".in");
        Files.writeString(in, input);
        Path out = Files.createTempFile(dir, "tty", ".out");
        Process p =
                script.redirectInput(in.toFile())
                        .redirectOutput(out.toFile())
                        .redirectError(ProcessBuilder.Redirect.appendTo(out.toFile()))
                        .start();
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(
                    "kubectl on a terminal did not finish: " + Files.readString(out));
        }
        return new Kubectl.Result(p.exitValue(), Files.readString(out), "");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {KUBECTL_132, KUBECTL_133})
    void execWithTty_runsOnATerminalOfTheClientsSize(String binary) throws Exception {
        Kubectl.Result r =
                onTerminal(
                        kubectl(binary),
                        37,
                        111,
                        "",
                        "exec",
                        "-it",
                        "shell",
                        "--",
                        "sh",
                        "-c",
                        "sleep 1; stty size; test -t 0 && echo is-a-tty; exit 4");
        assertThat(r.stdout()).as(binary).contains("37 111").contains("is-a-tty");
        assertThat(r.exitCode()).as(binary + ": " + r.stdout()).isEqualTo(4);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {KUBECTL_132, KUBECTL_133})
    void cp_copiesFilesBothWays(String binary) throws Exception {
        Path local = dir.resolve("to-pod-" + suffixOf(binary) + ".txt");
        Files.writeString(local, "a file for the pod\n");
        Path podDir = Files.createTempDirectory(dir, "pod-side-");
        Kubectl k = kubectl(binary);
        Kubectl.Result up = k.run("cp", local.toString(), "shell:" + podDir.resolve("in-pod.txt"));
        assertThat(up.exitCode()).as(binary + ": " + up.stderr()).isZero();
        assertThat(Files.readString(podDir.resolve("in-pod.txt")))
                .as(binary)
                .isEqualTo("a file for the pod\n");

        Files.writeString(podDir.resolve("from-pod.txt"), "written in the pod\n");
        Path back = dir.resolve("back-" + suffixOf(binary) + ".txt");
        Kubectl.Result down =
                k.run("cp", "shell:" + podDir.resolve("from-pod.txt"), back.toString());
        assertThat(down.exitCode()).as(binary + ": " + down.stderr()).isZero();
        assertThat(Files.readString(back)).as(binary).isEqualTo("written in the pod\n");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {KUBECTL_132, KUBECTL_133})
    void attach_relaysTheMainProcessesOutputAndStdin(String binary) throws Exception {
        String reader = "reader-" + suffixOf(binary);
        try (KubernetesClient admin = cluster.client()) {
            admin.pods()
                    .inNamespace("default")
                    .resource(
                            new PodBuilder()
                                    .withNewMetadata()
                                    .withName(reader)
                                    .endMetadata()
                                    .withNewSpec()
                                    .withNodeName("exec-node")
                                    .withRestartPolicy("Never")
                                    .addNewContainer()
                                    .withName("main")
                                    .withImage("busybox")
                                    .withStdin(true)
                                    .withStdinOnce(true)
                                    .withCommand(
                                            "sh",
                                            "-c",
                                            "while read line; do echo \"got $line\"; done; echo bye")
                                    .endContainer()
                                    .endSpec()
                                    .build())
                    .create();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(
                            () ->
                                    "Running"
                                            .equals(
                                                    admin.pods()
                                                            .inNamespace("default")
                                                            .withName(reader)
                                                            .get()
                                                            .getStatus()
                                                            .getPhase()));
        }
        Kubectl.Result r =
                kubectl(binary)
                        .runWithInput(
                                "a\nb\n".getBytes(StandardCharsets.UTF_8),
                                Map.of(),
                                "attach",
                                "-i",
                                reader);
        assertThat(r.exitCode()).as(binary + ": " + r.stderr()).isZero();
        assertThat(r.stdout()).as(binary).contains("got a\ngot b\nbye\n");
        try (KubernetesClient admin = cluster.client()) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(
                            () ->
                                    "Succeeded"
                                            .equals(
                                                    admin.pods()
                                                            .inNamespace("default")
                                                            .withName(reader)
                                                            .get()
                                                            .getStatus()
                                                            .getPhase()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {KUBECTL_132, KUBECTL_133})
    void runInteractive_attachesOnATerminal_andRemovesThePod(String binary) throws Exception {
        String pod = "t-" + suffixOf(binary);
        Kubectl.Result r =
                onTerminal(
                        kubectl(binary),
                        30,
                        100,
                        "world\n",
                        "run",
                        "-it",
                        "--rm",
                        "--restart=Never",
                        pod,
                        "--image=busybox",
                        "--",
                        "sh",
                        "-c",
                        "read x; echo \"hello $x\"; exit 0");
        assertThat(r.stdout()).as(binary).contains("hello world");
        assertThat(r.exitCode()).as(binary + ": " + r.stdout()).isZero();
        assertThat(r.stdout()).as(binary).contains("pod \"" + pod + "\" deleted");
    }

    @Test
    void olderKubectls_overWebSocket() {
        // 1.30+ use WebSocket by default; 1.29 when asked; 1.28 and older only speak SPDY (below).
        for (String version : List.of("1.31", "1.30", "1.29")) {
            Kubectl k = kubectl("/usr/lib/google-cloud-sdk/bin/kubectl." + version);
            Kubectl.Result r =
                    k.runWithInput(
                            new byte[0],
                            Map.of("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", "true"),
                            "exec",
                            "shell",
                            "--",
                            "sh",
                            "-c",
                            "echo v" + version + "; exit 5");
            assertThat(r.stdout()).as(version + ": " + r.stderr()).isEqualTo("v" + version + "\n");
            assertThat(r.exitCode()).as(version).isEqualTo(5);
        }
    }

    static final String KUBECTL_128 = "/usr/lib/google-cloud-sdk/bin/kubectl.1.28";
    static final String KUBECTL_120 = "/opt/kubectl-1.20/usr/bin/kubectl";

    /** kubectl 1.33 told to use SPDY (what it falls back to when the WebSocket upgrade fails). */
    static final Map<String, String> FORCE_SPDY =
            Map.of("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", "false");

    @Test
    void spdyExec_output_exitCode_stdin_andErrors_withKubectl129_128_120_and133() {
        // 1.29 uses SPDY unless KUBECTL_REMOTE_COMMAND_WEBSOCKETS=true
        for (String binary :
                List.of(
                        "/usr/lib/google-cloud-sdk/bin/kubectl.1.29",
                        KUBECTL_128,
                        KUBECTL_120,
                        KUBECTL_133)) {
            Kubectl k = kubectl(binary);
            Map<String, String> env = binary.equals(KUBECTL_133) ? FORCE_SPDY : Map.of();
            Kubectl.Result r =
                    k.runWithInput(
                            new byte[0],
                            env,
                            "exec",
                            "shell",
                            "--",
                            "sh",
                            "-c",
                            "echo \"$GREETING\"; pwd; echo err >&2");
            assertThat(r.exitCode()).as(binary + ": " + r.stderr()).isZero();
            assertThat(r.stdout()).as(binary).isEqualTo("hello from the pod\n/tmp\n");
            assertThat(r.stderr()).as(binary).contains("err\n");

            Kubectl.Result failed =
                    k.runWithInput(
                            new byte[0],
                            env,
                            "exec",
                            "shell",
                            "--",
                            "sh",
                            "-c",
                            "echo out; exit 3");
            assertThat(failed.exitCode()).as(binary + ": " + failed.stderr()).isEqualTo(3);
            assertThat(failed.stdout()).isEqualTo("out\n");

            Kubectl.Result in =
                    k.runWithInput(
                            "one\ntwo\nthree\n".getBytes(StandardCharsets.UTF_8),
                            env,
                            "exec",
                            "-i",
                            "shell",
                            "--",
                            "sh",
                            "-c",
                            "wc -l; echo done");
            assertThat(in.exitCode()).as(binary + ": " + in.stderr()).isZero();
            assertThat(in.stdout().trim()).as(binary).isEqualTo("3\ndone");

            Kubectl.Result missing =
                    k.runWithInput(new byte[0], env, "exec", "shell", "--", "no-such-command-j8s");
            assertThat(missing.exitCode()).as(binary).isNotZero();
            assertThat(missing.stderr()).as(binary).contains("executable file not found in $PATH");
        }
        // What only the server can say still reaches the SPDY clients (checked before the upgrade).
        Kubectl.Result noContainer =
                kubectl(KUBECTL_128).run("exec", "shell", "-c", "nope", "--", "true");
        assertThat(noContainer.exitCode()).isNotZero();
        assertThat(noContainer.stderr()).contains("container nope is not valid for pod shell");
    }

    @Test
    void spdyExec_isCreateOnPodsExec_andTheCommandIsKilledWhenTheClientGoes_withKubectl128()
            throws Exception {
        Kubectl viewer = cluster.kubectlWithToken("viewer", "viewer-token").withBinary(KUBECTL_128);
        Kubectl.Result refused = viewer.run("exec", "shell", "--", "true");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stderr()).contains("cannot create resource \"pods/exec\"");

        Process client =
                kubectl(KUBECTL_128)
                        .start(
                                dir.resolve("spdy-client-goes.out"),
                                "exec",
                                "shell",
                                "--",
                                "sleep",
                                "2345");
        try {
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> running("sleep 2345"));
        } finally {
            client.destroy();
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !running("sleep 2345"));
    }

    @Test
    void spdyCp_copiesFilesBothWays_withKubectl128() throws Exception {
        Path local = dir.resolve("to-pod-spdy.txt");
        Files.writeString(local, "a file for the pod over SPDY\n");
        Path podDir = Files.createTempDirectory(dir, "pod-side-spdy-");
        Kubectl k = kubectl(KUBECTL_128);
        Kubectl.Result up = k.run("cp", local.toString(), "shell:" + podDir.resolve("in-pod.txt"));
        assertThat(up.exitCode()).as(up.stderr()).isZero();
        assertThat(Files.readString(podDir.resolve("in-pod.txt")))
                .isEqualTo("a file for the pod over SPDY\n");

        Files.writeString(podDir.resolve("from-pod.txt"), "written in the pod\n");
        Path back = dir.resolve("back-spdy.txt");
        Kubectl.Result down =
                k.run("cp", "shell:" + podDir.resolve("from-pod.txt"), back.toString());
        assertThat(down.exitCode()).as(down.stderr()).isZero();
        assertThat(Files.readString(back)).isEqualTo("written in the pod\n");
    }

    @Test
    void spdyExecWithTty_runsOnATerminalOfTheClientsSize_withKubectl128() throws Exception {
        Kubectl.Result r =
                onTerminal(
                        kubectl(KUBECTL_128),
                        33,
                        99,
                        "",
                        "exec",
                        "-it",
                        "shell",
                        "--",
                        "sh",
                        "-c",
                        "sleep 1; stty size; test -t 0 && echo is-a-tty; exit 4");
        assertThat(r.stdout()).contains("33 99").contains("is-a-tty");
        assertThat(r.exitCode()).as(r.stdout()).isEqualTo(4);
    }

    @Test
    void spdyAttach_relaysOutputAndStdin_withKubectl128() throws Exception {
        try (KubernetesClient admin = cluster.client()) {
            admin.pods()
                    .inNamespace("default")
                    .resource(
                            new PodBuilder()
                                    .withNewMetadata()
                                    .withName("spdy-reader")
                                    .endMetadata()
                                    .withNewSpec()
                                    .withNodeName("exec-node")
                                    .withRestartPolicy("Never")
                                    .addNewContainer()
                                    .withName("main")
                                    .withImage("busybox")
                                    .withStdin(true)
                                    .withStdinOnce(true)
                                    .withCommand(
                                            "sh",
                                            "-c",
                                            "while read line; do echo \"got $line\"; done; echo bye")
                                    .endContainer()
                                    .endSpec()
                                    .build())
                    .create();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(
                            () ->
                                    "Running"
                                            .equals(
                                                    admin.pods()
                                                            .inNamespace("default")
                                                            .withName("spdy-reader")
                                                            .get()
                                                            .getStatus()
                                                            .getPhase()));
        }
        Kubectl.Result r =
                kubectl(KUBECTL_128)
                        .runWithInput(
                                "a\nb\n".getBytes(StandardCharsets.UTF_8),
                                Map.of(),
                                "attach",
                                "-i",
                                "spdy-reader");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("got a\ngot b\nbye\n");
    }

    @Test
    void fabric8Exec_returnsOutputAndExitCode() throws Exception {
        try (KubernetesClient client = cluster.client()) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            try (io.fabric8.kubernetes.client.dsl.ExecWatch watch =
                    client.pods()
                            .inNamespace("default")
                            .withName("shell")
                            .writingOutput(out)
                            .writingError(err)
                            .exec("sh", "-c", "echo \"$GREETING\"; echo oops >&2; exit 7")) {
                assertThat(watch.exitCode().get(30, java.util.concurrent.TimeUnit.SECONDS))
                        .isEqualTo(7);
            }
            Awaitility.await()
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> out.toString().contains("hello"));
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("hello from the pod\n");
            assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("oops\n");
        }
    }

    @Test
    void manyExecSessions_leaveNoProcessThreadOrFileDescriptorBehind() throws Exception {
        try (KubernetesClient client = cluster.client()) {
            runExec(client); // warm up pools and connections
            Thread.sleep(1000);
            long threads = threadsOutsideTheWorkerPool();
            java.util.Map<String, Long> threadsBefore = threadNames();
            long fds = openFds();
            long children = ProcessHandle.current().descendants().count();
            for (int i = 0; i < 200; i++) {
                assertThat(runExec(client)).isEqualTo(0);
            }
            for (int i = 0; i < 20; i++) { // on a pseudo-terminal: its master fd must be closed too
                java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                try (io.fabric8.kubernetes.client.dsl.ExecWatch watch =
                        client.pods()
                                .inNamespace("default")
                                .withName("shell")
                                .redirectingInput()
                                .writingOutput(out)
                                .withTTY()
                                .exec("tty")) {
                    assertThat(watch.exitCode().get(30, java.util.concurrent.TimeUnit.SECONDS))
                            .isEqualTo(0);
                }
            }
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .untilAsserted(
                            () -> {
                                assertThat(ProcessHandle.current().descendants().count())
                                        .as("child processes")
                                        .isEqualTo(children);
                                // The API worker pool is fixed-size and fills up as requests come
                                // (not per stream);
                                // timer-driven pools are not counted (periodic()).
                                assertThat(threadsOutsideTheWorkerPool())
                                        .as(
                                                () ->
                                                        "threads: "
                                                                + threadNames()
                                                                + ", before: "
                                                                + threadsBefore)
                                        .isLessThanOrEqualTo(threads + 3);
                                assertThat(threadNames().keySet())
                                        .noneMatch(n -> n.startsWith("jNs-stream"));
                                assertThat(metrics())
                                        .contains(
                                                "j8s_apiserver_pod_streams{subresource=\"exec\"} 0.0");
                                assertThat(openFds())
                                        .as("open file descriptors")
                                        .isLessThanOrEqualTo(fds + 10);
                            });
        }
    }

    private static int runExec(KubernetesClient client) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (io.fabric8.kubernetes.client.dsl.ExecWatch watch =
                client.pods()
                        .inNamespace("default")
                        .withName("shell")
                        .writingOutput(out)
                        .exec("echo", "x")) {
            return watch.exitCode().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private static long threadsOutsideTheWorkerPool() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(t -> !t.getName().startsWith("j8s-api-worker"))
                .filter(t -> !periodic(t.getName()))
                .count();
    }

    /**
     * Threads of pools that start lazily on a timer (the metrics scrape every 15 s, probes) and
     * awaitility's own: whether they exist depends on when the measurement falls, not on streams.
     */
    private static boolean periodic(String name) {
        return name.startsWith("j8s-metrics-scrape")
                || name.startsWith("j8s-node-probe")
                || name.startsWith("awaitility");
    }

    private static java.util.Map<String, Long> threadNames() {
        return Thread.getAllStackTraces().keySet().stream()
                .collect(
                        java.util.stream.Collectors.groupingBy(
                                t -> t.getName().replaceAll("\\d+", "N"),
                                java.util.TreeMap::new,
                                java.util.stream.Collectors.counting()));
    }

    private static String metrics() throws Exception {
        var http =
                java.net.http.HttpClient.newBuilder().sslContext(cluster.adminSslContext()).build();
        return http.send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create(cluster.server().apiUrl() + "/metrics"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static long openFds() throws java.io.IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    private static boolean running(String commandLine) {
        // The exec'd command itself, not the kubectl whose arguments name it.
        return ProcessHandle.allProcesses()
                .anyMatch(
                        p ->
                                p.info()
                                        .commandLine()
                                        .map(
                                                c ->
                                                        c.endsWith("/" + commandLine)
                                                                && !c.contains("kubectl"))
                                        .orElse(false));
    }

    @Test
    void theCommandIsKilled_whenTheClientGoes_andWhenThePodIsDeleted() throws Exception {
        Kubectl k = kubectl(KUBECTL_133);
        Process client =
                k.start(dir.resolve("client-goes.out"), "exec", "shell", "--", "sleep", "1234");
        try {
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> running("sleep 1234"));
        } finally {
            client.destroy();
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !running("sleep 1234"));

        try (KubernetesClient admin = cluster.client()) {
            admin.pods()
                    .inNamespace("default")
                    .resource(
                            new PodBuilder()
                                    .withNewMetadata()
                                    .withName("doomed")
                                    .endMetadata()
                                    .withNewSpec()
                                    .withNodeName("exec-node")
                                    .withTerminationGracePeriodSeconds(1L)
                                    .addNewContainer()
                                    .withName("main")
                                    .withImage("busybox")
                                    .withCommand("sleep", "3600")
                                    .endContainer()
                                    .endSpec()
                                    .build())
                    .create();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(
                            () ->
                                    "Running"
                                            .equals(
                                                    admin.pods()
                                                            .inNamespace("default")
                                                            .withName("doomed")
                                                            .get()
                                                            .getStatus()
                                                            .getPhase()));
            java.util.concurrent.CompletableFuture<Kubectl.Result> exec =
                    java.util.concurrent.CompletableFuture.supplyAsync(
                            () -> k.run("exec", "doomed", "--", "sleep", "4321"));
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> running("sleep 4321"));
            admin.pods().inNamespace("default").withName("doomed").delete();
            Kubectl.Result r = exec.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(r.exitCode()).as(r.stderr()).isEqualTo(137);
            assertThat(running("sleep 4321")).isFalse();
        }
    }

    @Test
    void streamsPastTheUsersLimit_are429() throws Exception {
        List<io.fabric8.kubernetes.client.dsl.ExecWatch> open = new java.util.ArrayList<>();
        try (KubernetesClient client = cluster.client()) {
            for (int i = 0; i < 4; i++) {
                open.add(
                        client.pods()
                                .inNamespace("default")
                                .withName("shell")
                                .writingOutput(new java.io.ByteArrayOutputStream())
                                .exec("sleep", "77"));
            }
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(
                            () ->
                                    ProcessHandle.allProcesses()
                                                    .filter(
                                                            p ->
                                                                    p.info()
                                                                            .commandLine()
                                                                            .map(
                                                                                    c ->
                                                                                            c
                                                                                                    .endsWith(
                                                                                                            "/sleep 77"))
                                                                            .orElse(false))
                                                    .count()
                                            == 4);
            Kubectl.Result r = kubectl(KUBECTL_133).run("exec", "shell", "--", "true");
            assertThat(r.exitCode()).isNotZero();
            assertThat(r.stderr())
                    .contains("too many exec streams open for user")
                    .contains("(at most 4)");
        } finally {
            open.forEach(io.fabric8.kubernetes.client.dsl.ExecWatch::close);
        }
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () ->
                                assertThat(
                                                kubectl(KUBECTL_133)
                                                        .run("exec", "shell", "--", "echo", "again")
                                                        .stdout())
                                        .isEqualTo("again\n"));
    }
}
