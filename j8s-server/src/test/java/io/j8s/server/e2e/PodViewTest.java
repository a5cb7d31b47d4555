package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.j8s.server.ControllerOptions;
import io.j8s.server.DataPlaneOptions;
import io.j8s.server.testing.Kubectl;
import io.j8s.server.testing.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What a process Pod sees, as in Kubernetes: Service and downward-API variables, ConfigMap/Secret
 * env and volumes kept up to date, its own resolv.conf and the service account path — inside its
 * mount namespace only (the suite runs as root). Driven with the real kubectl; the Pod's output is
 * read with {@code kubectl logs}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PodViewTest {
    private static TestCluster cluster;
    private static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        cluster =
                TestCluster.start(
                        o ->
                                o.withDataPlane(
                                                DataPlaneOptions.none()
                                                        .withNodes(List.of("node01"))
                                                        .withKubeletPort(0))
                                        .withControllers(ControllerOptions.defaults())
                                        .withClusterDns(
                                                io.j8s.server.ClusterDnsOptions.defaults()));
        client = cluster.client();
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(
                        () ->
                                client.nodes().list().getItems().stream()
                                        .anyMatch(
                                                n ->
                                                        n.getStatus() != null
                                                                && n
                                                                        .getStatus()
                                                                        .getConditions()
                                                                        .stream()
                                                                        .anyMatch(
                                                                                c ->
                                                                                        c.getType()
                                                                                                        .equals(
                                                                                                                "Ready")
                                                                                                && c.getStatus()
                                                                                                        .equals(
                                                                                                                "True"))));
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static void apply(String yaml) throws Exception {
        Path f = Files.createTempFile(cluster.dir(), "manifest-", ".yaml");
        Files.writeString(f, yaml);
        cluster.kubectlOk("apply", "-f", f.toString());
    }

    private static String awaitLogs(String pod, String... expected) {
        String[] last = {""};
        Awaitility.await()
                .atMost(Duration.ofSeconds(100))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(
                        () -> {
                            Kubectl.Result r = cluster.kubectl().run("logs", pod);
                            last[0] = r.stdout();
                            assertThat(r.stdout()).contains(expected);
                        });
        return last[0];
    }

    private static final String VIEWER =
            """
            apiVersion: v1
            kind: Service
            metadata: {name: backend}
            spec:
              ports: [{name: http, port: 8080}]
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: app-config}
            data: {greeting: hello, MODE: prod}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: creds}
            stringData: {password: s3cr3t}
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: viewer
              labels: {app: viewer}
            spec:
              dnsPolicy: None
              dnsConfig:
                nameservers: [127.96.0.10]
                searches: [default.svc.cluster.local, svc.cluster.local, cluster.local]
                options: [{name: ndots, value: "5"}]
              containers:
              - name: main
                image: busybox
                command: [/bin/sh, -c]
                args:
                - |
                  echo "backend=$BACKEND_SERVICE_HOST:$BACKEND_SERVICE_PORT_HTTP link=$BACKEND_PORT_8080_TCP_PORT"
                  echo "kubernetes=$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT"
                  echo "greeting=$GREETING mode=$MODE db=$DB_password mem=$MEM_MI name=$MY_NAME"
                  echo "resolv=$(tr '\\n' '|' < /etc/resolv.conf)"
                  echo "sa-namespace=$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace)"
                  echo "labels=$(cat /podinfo/labels)"
                  echo written > /scratch/f && echo "scratch=$(cat /scratch/f)"
                  while true; do echo "greeting-file=$(cat /config/greeting)"; sleep 1; done
                resources:
                  limits: {memory: 64Mi}
                envFrom:
                - configMapRef: {name: app-config}
                - secretRef: {name: creds}
                  prefix: DB_
                env:
                - name: GREETING
                  valueFrom: {configMapKeyRef: {name: app-config, key: greeting}}
                - name: MEM_MI
                  valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}
                - name: MY_NAME
                  valueFrom: {fieldRef: {fieldPath: metadata.name}}
                volumeMounts:
                - {name: config, mountPath: /config}
                - {name: podinfo, mountPath: /podinfo}
                - {name: scratch, mountPath: /scratch}
                - {name: sa, mountPath: /var/run/secrets/kubernetes.io/serviceaccount, readOnly: true}
              volumes:
              - name: config
                configMap: {name: app-config}
              - name: podinfo
                downwardAPI:
                  items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]
              - name: scratch
                emptyDir: {}
              - name: sa
                projected:
                  sources:
                  - downwardAPI:
                      items: [{path: namespace, fieldRef: {fieldPath: metadata.namespace}}]
            """;

    @Test
    @Order(1)
    void aProcessPod_seesItsEnvironmentVolumesAndResolverInsideOnly() throws Exception {
        String hostResolv = Files.readString(Path.of("/etc/resolv.conf"));
        apply(VIEWER);
        String backendIp =
                client.services()
                        .inNamespace("default")
                        .withName("backend")
                        .get()
                        .getSpec()
                        .getClusterIP();
        String logs = awaitLogs("viewer", "greeting-file=hello");
        assertThat(logs)
                .contains(
                        "backend=" + backendIp + ":8080 link=8080\n",
                        "kubernetes=127.96.0.1:443\n",
                        "greeting=hello mode=prod db=s3cr3t mem=64 name=viewer\n",
                        "resolv=nameserver 127.96.0.10|search default.svc.cluster.local svc.cluster.local cluster.local"
                                + "|options ndots:5|\n",
                        "sa-namespace=default\n",
                        "labels=app=\"viewer\"\n",
                        "scratch=written\n");
        assertThat(Files.readString(Path.of("/etc/resolv.conf")))
                .as("the host's resolv.conf")
                .isEqualTo(hostResolv);
        assertThat(Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace"))
                .as("on the host")
                .doesNotExist();
        assertThat(Path.of("/config")).as("on the host").doesNotExist();
    }

    @Test
    @Order(2)
    void aConfigMapChange_reachesTheVolumeFile() {
        cluster.kubectlOk(
                "patch",
                "configmap",
                "app-config",
                "--type=merge",
                "-p",
                "{\"data\":{\"greeting\":\"bonjour\"}}");
        awaitLogs("viewer", "greeting-file=bonjour");
    }

    @Test
    @Order(3)
    void aMissingConfigMap_holdsTheContainerUntilItExists() throws Exception {
        apply(
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: waiter}
                spec:
                  containers:
                  - name: main
                    image: busybox
                    command: [/bin/sh, -c, 'echo "value=$VALUE"; sleep 300']
                    env:
                    - name: VALUE
                      valueFrom: {configMapKeyRef: {name: later, key: v}}
                """);
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .untilAsserted(
                        () -> {
                            Pod p = client.pods().inNamespace("default").withName("waiter").get();
                            var waiting =
                                    p.getStatus()
                                            .getContainerStatuses()
                                            .get(0)
                                            .getState()
                                            .getWaiting();
                            assertThat(waiting).isNotNull();
                            assertThat(waiting.getReason()).isEqualTo("CreateContainerConfigError");
                            assertThat(waiting.getMessage())
                                    .isEqualTo("configmap \"later\" not found");
                        });
        assertThat(cluster.kubectlOk("get", "pod", "waiter"))
                .contains("CreateContainerConfigError");
        cluster.kubectlOk("create", "configmap", "later", "--from-literal=v=arrived");
        awaitLogs("waiter", "value=arrived");
    }

    @Test
    @Order(4)
    void exec_runsInsideThePodsView_overWebSocketAndSpdy_withAndWithoutTerminal() throws Exception {
        cluster.kubectlOk("create", "namespace", "team");
        apply(
                """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: app, namespace: team}
                data: {key: from-the-configmap}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: inside, namespace: team}
                spec:
                  containers:
                  - name: main
                    image: busybox
                    command: [sleep, "3600"]
                    workingDir: /etc/app
                    volumeMounts:
                    - {name: app, mountPath: /etc/app}
                  volumes:
                  - name: app
                    configMap: {name: app}
                """);
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(
                        () ->
                                "Running"
                                        .equals(
                                                client.pods()
                                                        .inNamespace("team")
                                                        .withName("inside")
                                                        .get()
                                                        .getStatus()
                                                        .getPhase()));
        String command =
                "cat /etc/resolv.conf; echo key=$(cat /etc/app/key); echo pwd=$(pwd); "
                        + "test -t 0 && echo tty=yes || echo tty=no; exit 7";
        // The default kubectl (WebSocket) and kubectl 1.28 (SPDY)
        for (String binary :
                List.of(Kubectl.binary(), "/usr/lib/google-cloud-sdk/bin/kubectl.1.28")) {
            Kubectl.Result r =
                    cluster.kubectl()
                            .withBinary(binary)
                            .run("exec", "-n", "team", "inside", "--", "sh", "-c", command);
            assertThat(r.exitCode()).as(binary + ": " + r.stderr()).isEqualTo(7);
            assertThat(r.stdout())
                    .as(binary)
                    .contains("nameserver 127.96.0.10\n")
                    .contains("search team.svc.cluster.local svc.cluster.local cluster.local")
                    .contains("options ndots:5\n")
                    .contains("key=from-the-configmap\n", "pwd=/etc/app\n", "tty=no\n");

            // -it: on a terminal (util-linux script), through nsenter
            ProcessBuilder kubectl =
                    cluster.kubectl()
                            .withBinary(binary)
                            .processBuilder(
                                    "exec", "-it", "-n", "team", "inside", "--", "sh", "-c",
                                    command);
            StringBuilder line = new StringBuilder("stty rows 24 cols 80; exec");
            for (String a : kubectl.command()) {
                line.append(" '").append(a.replace("'", "'\\''")).append("'");
            }
            ProcessBuilder script =
                    new ProcessBuilder("script", "-qfec", line.toString(), "/dev/null")
                            .directory(kubectl.directory())
                            .redirectErrorStream(true)
                            .redirectInput(
                                    ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            script.environment().putAll(kubectl.environment());
            Path out = Files.createTempFile(cluster.dir(), "tty-", ".out");
            Process p = script.redirectOutput(out.toFile()).start();
            if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(
                        binary + ": kubectl exec -it did not finish: " + Files.readString(out));
            }
            String shown = Files.readString(out);
            assertThat(shown)
                    .as(binary)
                    .contains(
                            "search team.svc.cluster.local",
                            "key=from-the-configmap",
                            "pwd=/etc/app",
                            "tty=yes");
            assertThat(p.exitValue()).as(binary + ": " + shown).isEqualTo(7);
        }
    }
}
