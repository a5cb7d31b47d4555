package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.api.json.Json;
import io.j8s.server.pki.Kubeconfig;
import io.j8s.server.testing.Kubectl;
import io.j8s.server.testing.TestCluster;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * In-cluster credentials with the real kubectl (see docs/architecture.md, "Service accounts in
 * Pods"): the {@code serviceaccount} and {@code rootcacertpublisher} controllers, the
 * ServiceAccount admission of Pods, and tokens bound to a Pod.
 */
class ServiceAccountsKubectlTest {
    private static final String MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";
    private static TestCluster cluster;

    @BeforeAll
    static void start() throws InterruptedException {
        cluster =
                TestCluster.withControllers(
                        c -> c.withEnabled(Set.of("serviceaccount", "rootcacertpublisher")));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static JsonNode json(String... args) {
        return Json.parse(cluster.kubectlOk(args));
    }

    private static void awaitOk(String... args) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> cluster.kubectl().run(args).exitCode() == 0);
    }

    @Test
    void newNamespaces_getTheDefaultServiceAccountAndTheRootCa_restoredWhenRemovedOrChanged() {
        cluster.kubectlOk("create", "namespace", "fresh");
        awaitOk("get", "serviceaccount", "default", "-n", "fresh");
        awaitOk("get", "configmap", "kube-root-ca.crt", "-n", "fresh");
        JsonNode cm = json("get", "configmap", "kube-root-ca.crt", "-n", "fresh", "-o", "json");
        assertThat(cm.path("data").path("ca.crt").asString())
                .isEqualTo(cluster.server().pki().caPem());
        assertThat(
                        cm.path("metadata")
                                .path("annotations")
                                .path("kubernetes.io/description")
                                .asString())
                .startsWith(
                        "Contains a CA bundle that can be used to verify the kube-apiserver when using internal"
                                + " endpoints such as the internal service IP or kubernetes.default.svc.");
        // the system namespaces too
        awaitOk("get", "configmap", "kube-root-ca.crt", "-n", "kube-system");
        awaitOk("get", "serviceaccount", "default", "-n", "default");

        String uid =
                json("get", "sa", "default", "-n", "fresh", "-o", "json")
                        .path("metadata")
                        .path("uid")
                        .asString();
        cluster.kubectlOk("delete", "sa", "default", "-n", "fresh");
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> {
                            Kubectl.Result r =
                                    cluster.kubectl()
                                            .run(
                                                    "get", "sa", "default", "-n", "fresh", "-o",
                                                    "json");
                            return r.exitCode() == 0
                                    && !Json.parse(r.stdout())
                                            .path("metadata")
                                            .path("uid")
                                            .asString()
                                            .equals(uid);
                        });

        cluster.kubectlOk(
                "patch",
                "configmap",
                "kube-root-ca.crt",
                "-n",
                "fresh",
                "--type=merge",
                "-p",
                "{\"data\":{\"ca.crt\":\"forged\"}}");
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () ->
                                json(
                                                "get",
                                                "configmap",
                                                "kube-root-ca.crt",
                                                "-n",
                                                "fresh",
                                                "-o",
                                                "json")
                                        .path("data")
                                        .path("ca.crt")
                                        .asString()
                                        .equals(cluster.server().pki().caPem()));
        cluster.kubectlOk("delete", "configmap", "kube-root-ca.crt", "-n", "fresh");
        awaitOk("get", "configmap", "kube-root-ca.crt", "-n", "fresh");
    }

    @Test
    void pods_getTheKubeApiAccessVolume_unlessTheyOptOut_andMustNameAnExistingServiceAccount() {
        cluster.kubectlOk("create", "namespace", "apps");
        // at once after its namespace: the default ServiceAccount may not exist yet, the Pod is
        // admitted
        cluster.kubectlOk("run", "web", "-n", "apps", "--image=nginx");
        JsonNode spec = json("get", "pod", "web", "-n", "apps", "-o", "json").path("spec");
        assertThat(spec.path("serviceAccountName").asString()).isEqualTo("default");
        assertThat(spec.path("serviceAccount").asString()).isEqualTo("default");
        List<JsonNode> volumes = Json.elements(spec, "volumes");
        assertThat(volumes).hasSize(1);
        String name = volumes.get(0).path("name").asString();
        assertThat(name).matches("kube-api-access-[a-z0-9]{5}");
        assertThat(Json.elements(volumes.get(0), "projected.sources")).hasSize(3);
        JsonNode mount = Json.elements(spec.path("containers").get(0), "volumeMounts").get(0);
        assertThat(mount.path("mountPath").asString()).isEqualTo(MOUNT);
        assertThat(mount.path("readOnly").asBoolean()).isTrue();
        String yaml = cluster.kubectlOk("get", "pod", "web", "-n", "apps", "-o", "yaml");
        assertThat(yaml)
                .contains(
                        "- name: "
                                + name
                                + "\n    projected:\n      defaultMode: 420\n      sources:\n"
                                + "      - serviceAccountToken:\n          expirationSeconds: 3607\n          path: token\n"
                                + "      - configMap:\n          items:\n          - key: ca.crt\n            path: ca.crt\n"
                                + "          name: kube-root-ca.crt\n      - downwardAPI:\n          items:\n          - fieldRef:\n"
                                + "              apiVersion: v1\n              fieldPath: metadata.namespace\n"
                                + "            path: namespace\n");

        cluster.kubectlOk(
                "run",
                "quiet",
                "-n",
                "apps",
                "--image=nginx",
                "--overrides={\"spec\":{\"automountServiceAccountToken\":false}}");
        JsonNode quiet = json("get", "pod", "quiet", "-n", "apps", "-o", "json").path("spec");
        assertThat(quiet.has("volumes")).isFalse();
        assertThat(quiet.path("containers").get(0).has("volumeMounts")).isFalse();

        cluster.kubectlOk("create", "serviceaccount", "silent", "-n", "apps");
        cluster.kubectlOk(
                "patch",
                "serviceaccount",
                "silent",
                "-n",
                "apps",
                "-p",
                "{\"automountServiceAccountToken\":false}");
        cluster.kubectlOk(
                "run",
                "silent",
                "-n",
                "apps",
                "--image=nginx",
                "--overrides={\"spec\":{\"serviceAccountName\":\"silent\"}}");
        assertThat(
                        json("get", "pod", "silent", "-n", "apps", "-o", "json")
                                .path("spec")
                                .has("volumes"))
                .isFalse();

        Kubectl.Result ghost =
                cluster.kubectl()
                        .run(
                                "run",
                                "ghost",
                                "-n",
                                "apps",
                                "--image=nginx",
                                "--overrides={\"spec\":{\"serviceAccountName\":\"ghost\"}}");
        assertThat(ghost.exitCode()).isNotZero();
        assertThat(ghost.stderr())
                .contains(
                        "Error from server (Forbidden): pods \"ghost\" is forbidden: error looking"
                                + " up service account apps/ghost: serviceaccount \"ghost\" not found");

        // the service account of a Pod does not change
        Kubectl.Result change =
                cluster.kubectl()
                        .run(
                                "patch",
                                "pod",
                                "web",
                                "-n",
                                "apps",
                                "-p",
                                "{\"spec\":{\"serviceAccountName\":\"silent\"}}");
        assertThat(change.exitCode()).isNotZero();
        assertThat(change.stderr()).contains("pod updates may not change fields other than");
    }

    @Test
    void podBoundTokens_authenticateAsTheServiceAccount_untilThePodIsDeleted() {
        cluster.kubectlOk("create", "namespace", "tok");
        awaitOk("get", "serviceaccount", "default", "-n", "tok");
        cluster.kubectlOk("run", "app", "-n", "tok", "--image=nginx");
        String token =
                cluster.kubectlOk(
                                "create",
                                "token",
                                "default",
                                "-n",
                                "tok",
                                "--bound-object-kind",
                                "Pod",
                                "--bound-object-name",
                                "app")
                        .trim();
        Kubectl app = cluster.kubectlWithToken("app", token);
        String whoami = app.run("auth", "whoami").ok();
        assertThat(whoami)
                .contains(
                        "system:serviceaccount:tok:default",
                        "authentication.kubernetes.io/pod-name",
                        "[app]",
                        "authentication.kubernetes.io/credential-id");

        // without a binding: Kubernetes' 403
        Kubectl.Result denied = app.run("get", "endpoints", "-n", "tok");
        assertThat(denied.exitCode()).isNotZero();
        assertThat(denied.stderr())
                .contains(
                        "Error from server (Forbidden): endpoints is forbidden: User"
                                + " \"system:serviceaccount:tok:default\" cannot list resource \"endpoints\" in API group \"\" in the"
                                + " namespace \"tok\"");
        cluster.kubectlOk(
                "create",
                "rolebinding",
                "default-view",
                "-n",
                "tok",
                "--clusterrole=view",
                "--serviceaccount=tok:default");
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> app.run("get", "endpoints", "-n", "tok").exitCode() == 0);

        // as an in-cluster client: the CA from kube-root-ca.crt, the token, the Service's names
        awaitOk("get", "configmap", "kube-root-ca.crt", "-n", "tok");
        String ca =
                json("get", "configmap", "kube-root-ca.crt", "-n", "tok", "-o", "json")
                        .path("data")
                        .path("ca.crt")
                        .asString();
        Kubectl inCluster =
                cluster.kubectlWith(
                        "in-cluster",
                        Kubeconfig.yamlWithToken(
                                cluster.server().apiUrl(), ca, "in-cluster", token));
        for (String name :
                List.of(
                        "kubernetes.default.svc.cluster.local",
                        "kubernetes.default.svc",
                        "127.96.0.1")) {
            assertThat(
                            inCluster
                                    .run(
                                            "--tls-server-name=" + name,
                                            "get",
                                            "endpoints",
                                            "kubernetes",
                                            "-n",
                                            "default")
                                    .stderr())
                    .as(name)
                    .contains("endpoints \"kubernetes\" is forbidden");
            assertThat(
                            inCluster
                                    .run(
                                            "--tls-server-name=" + name,
                                            "get",
                                            "endpoints",
                                            "-n",
                                            "tok")
                                    .exitCode())
                    .as(name)
                    .isZero();
        }
        assertThat(
                        inCluster
                                .run(
                                        "--tls-server-name=other.example",
                                        "get",
                                        "endpoints",
                                        "-n",
                                        "tok")
                                .stderr())
                .contains("x509: certificate is valid for");

        // bound to something that is not there, or to a Pod of another account
        assertThat(
                        cluster.kubectl()
                                .run(
                                        "create",
                                        "token",
                                        "default",
                                        "-n",
                                        "tok",
                                        "--bound-object-kind",
                                        "Pod",
                                        "--bound-object-name",
                                        "nope")
                                .stderr())
                .contains("error: failed to create token: pods \"nope\" not found");
        cluster.kubectlOk("create", "serviceaccount", "other", "-n", "tok");
        assertThat(
                        cluster.kubectl()
                                .run(
                                        "create",
                                        "token",
                                        "other",
                                        "-n",
                                        "tok",
                                        "--bound-object-kind",
                                        "Pod",
                                        "--bound-object-name",
                                        "app")
                                .stderr())
                .contains(
                        "cannot bind token for serviceaccount \"other\" to pod"
                                + " running with different serviceaccount name.");

        assertThat(
                        cluster.kubectl()
                                .run(
                                        "create",
                                        "token",
                                        "default",
                                        "-n",
                                        "tok",
                                        "--bound-object-kind",
                                        "Pod",
                                        "--bound-object-name",
                                        "app",
                                        "--bound-object-uid",
                                        "0d1c2b3a-0000-4000-8000-000000000000")
                                .stderr())
                .contains(
                        "Operation cannot be fulfilled on Pod \"app\": the UID in the bound object reference"
                                + " (0d1c2b3a-0000-4000-8000-000000000000) does not match the UID in record. The object might"
                                + " have been deleted and then recreated");

        // bound to a Secret: valid while the Secret is
        cluster.kubectlOk(
                "create", "secret", "generic", "holder", "-n", "tok", "--from-literal=a=b");
        String secretToken =
                cluster.kubectlOk(
                                "create",
                                "token",
                                "default",
                                "-n",
                                "tok",
                                "--bound-object-kind",
                                "Secret",
                                "--bound-object-name",
                                "holder")
                        .trim();
        Kubectl holder = cluster.kubectlWithToken("holder", secretToken);
        assertThat(holder.run("get", "endpoints", "-n", "tok").exitCode()).isZero();
        cluster.kubectlOk("delete", "secret", "holder", "-n", "tok");
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () ->
                                holder.run("get", "endpoints", "-n", "tok")
                                        .stderr()
                                        .contains("Unauthorized"));

        cluster.kubectlOk("delete", "pod", "app", "-n", "tok", "--wait=true");
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () ->
                                app.run("get", "endpoints", "-n", "tok")
                                        .stderr()
                                        .contains("Unauthorized"));
    }
}
