package io.j8s.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.j8s.node.testing.TestPods;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerEnvironmentTest {

    private final Pod pod = TestPods.pod("web-1", TestPods.web("c"));

    @Test
    void build_alwaysHasPodIdentityAndDeclaredEnvInOrder() throws Exception {
        Container c =
                new ContainerBuilder()
                        .withName("c")
                        .addNewEnv()
                        .withName("GREETING")
                        .withValue("hello $(POD_NAME) at $(POD_IP)")
                        .endEnv()
                        .addNewEnv()
                        .withName("ECHO")
                        .withValue("$(GREETING)!")
                        .endEnv()
                        .addNewEnv()
                        .withName("LATER")
                        .withValue("$(NOT_YET)")
                        .endEnv()
                        .addNewEnv()
                        .withName("NOT_YET")
                        .withValue("x")
                        .endEnv()
                        .build();
        Map<String, String> env =
                ContainerEnvironment.build(pod, c, "127.244.1.7", "node01", "127.0.0.1");
        assertThat(env)
                .containsEntry("POD_NAME", "web-1")
                .containsEntry("POD_NAMESPACE", "default")
                .containsEntry("POD_IP", "127.244.1.7")
                .containsEntry("NODE_NAME", "node01")
                .containsEntry("HOSTNAME", "web-1")
                .containsEntry("PATH", ContainerEnvironment.DEFAULT_PATH)
                .containsEntry("GREETING", "hello web-1 at 127.244.1.7")
                .containsEntry("ECHO", "hello web-1 at 127.244.1.7!")
                .containsEntry("LATER", "$(NOT_YET)"); // only earlier variables can be referenced
        assertThat(List.copyOf(env.keySet())).endsWith("GREETING", "ECHO", "LATER", "NOT_YET");
    }

    @Test
    void build_resolvesDownwardApiFieldRefs() throws Exception {
        pod.getMetadata().getLabels().put("tier", "front");
        Container c =
                new ContainerBuilder()
                        .withName("c")
                        .addNewEnv()
                        .withName("MY_NAME")
                        .withNewValueFrom()
                        .withNewFieldRef()
                        .withFieldPath("metadata.name")
                        .endFieldRef()
                        .endValueFrom()
                        .endEnv()
                        .addNewEnv()
                        .withName("MY_NS")
                        .withNewValueFrom()
                        .withNewFieldRef()
                        .withFieldPath("metadata.namespace")
                        .endFieldRef()
                        .endValueFrom()
                        .endEnv()
                        .addNewEnv()
                        .withName("MY_UID")
                        .withNewValueFrom()
                        .withNewFieldRef()
                        .withFieldPath("metadata.uid")
                        .endFieldRef()
                        .endValueFrom()
                        .endEnv()
                        .addNewEnv()
                        .withName("MY_IP")
                        .withNewValueFrom()
                        .withNewFieldRef()
                        .withFieldPath("status.podIP")
                        .endFieldRef()
                        .endValueFrom()
                        .endEnv()
                        .addNewEnv()
                        .withName("MY_NODE")
                        .withNewValueFrom()
                        .withNewFieldRef()
                        .withFieldPath("spec.nodeName")
                        .endFieldRef()
                        .endValueFrom()
                        .endEnv()
                        .addNewEnv()
                        .withName("HOST_IP")
                        .withNewValueFrom()
                        .withNewFieldRef()
                        .withFieldPath("status.hostIP")
                        .endFieldRef()
                        .endValueFrom()
                        .endEnv()
                        .addNewEnv()
                        .withName("TIER")
                        .withNewValueFrom()
                        .withNewFieldRef()
                        .withFieldPath("metadata.labels['tier']")
                        .endFieldRef()
                        .endValueFrom()
                        .endEnv()
                        .build();
        Map<String, String> env =
                ContainerEnvironment.build(pod, c, "127.244.1.7", "node01", "127.0.0.1");
        assertThat(env)
                .containsEntry("MY_NAME", "web-1")
                .containsEntry("MY_NS", "default")
                .containsEntry("MY_UID", pod.getMetadata().getUid())
                .containsEntry("MY_IP", "127.244.1.7")
                .containsEntry("MY_NODE", "node01")
                .containsEntry("HOST_IP", "127.0.0.1")
                .containsEntry("TIER", "front");
    }

    @Test
    void build_missingConfigMapIsAConfigErrorUnlessOptional() {
        Container c =
                new ContainerBuilder()
                        .withName("c")
                        .addNewEnv()
                        .withName("X")
                        .withNewValueFrom()
                        .withNewConfigMapKeyRef()
                        .withName("cm")
                        .withKey("k")
                        .endConfigMapKeyRef()
                        .endValueFrom()
                        .endEnv()
                        .build();
        assertThatThrownBy(() -> ContainerEnvironment.build(pod, c, "127.244.1.7", "n", "h"))
                .isInstanceOf(ContainerConfigException.class)
                .hasMessage("configmap \"cm\" not found");
        c.getEnv().get(0).getValueFrom().getConfigMapKeyRef().setOptional(true);
        assertThatCode(() -> ContainerEnvironment.build(pod, c, "127.244.1.7", "n", "h"))
                .doesNotThrowAnyException();
    }

    @Test
    void commandLine_expandsCommandAndArgs() {
        Container c =
                new ContainerBuilder()
                        .withName("c")
                        .withCommand("/bin/echo", "$(POD_NAME)")
                        .withArgs("$$(POD_NAME)", "$(MISSING)", "$(POD_IP):80")
                        .build();
        Map<String, String> env = Map.of("POD_NAME", "web-1", "POD_IP", "127.244.1.7");
        assertThat(ContainerEnvironment.commandLine(c, env))
                .containsExactly(
                        "/bin/echo", "web-1", "$(POD_NAME)", "$(MISSING)", "127.244.1.7:80");
    }

    /** Sources with fixed objects, recording warnings. */
    static final class FakeSources implements EnvSources {
        final Map<String, io.fabric8.kubernetes.api.model.ConfigMap> configMaps =
                new java.util.HashMap<>();
        final Map<String, io.fabric8.kubernetes.api.model.Secret> secrets =
                new java.util.HashMap<>();
        final List<io.fabric8.kubernetes.api.model.Service> services = new java.util.ArrayList<>();
        final List<String> warnings = new java.util.ArrayList<>();

        @Override
        public java.util.Collection<io.fabric8.kubernetes.api.model.Service> services() {
            return services;
        }

        @Override
        public io.fabric8.kubernetes.api.model.ConfigMap configMap(String ns, String name) {
            return configMaps.get(ns + "/" + name);
        }

        @Override
        public io.fabric8.kubernetes.api.model.Secret secret(String ns, String name) {
            return secrets.get(ns + "/" + name);
        }

        @Override
        public Map<String, io.fabric8.kubernetes.api.model.Quantity> allocatable() {
            return Map.of(
                    "cpu",
                    new io.fabric8.kubernetes.api.model.Quantity("4"),
                    "memory",
                    new io.fabric8.kubernetes.api.model.Quantity("8Gi"),
                    "ephemeral-storage",
                    new io.fabric8.kubernetes.api.model.Quantity("100Gi"));
        }

        @Override
        public void warning(String reason, String message) {
            warnings.add(reason + " " + message);
        }
    }

    private static io.fabric8.kubernetes.api.model.ConfigMap cm(
            String name, Map<String, String> data) {
        return new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("default")
                .endMetadata()
                .withData(data)
                .build();
    }

    @Test
    void build_envFromWithPrefixSkipsInvalidKeysAndEnvWins() throws Exception {
        FakeSources src = new FakeSources();
        src.configMaps.put(
                "default/app",
                cm("app", Map.of("MODE", "prod", "1bad", "x", "ok.dotted", "y", "PORT", "80")));
        src.secrets.put(
                "default/creds",
                new io.fabric8.kubernetes.api.model.SecretBuilder()
                        .withNewMetadata()
                        .withName("creds")
                        .endMetadata()
                        .withData(Map.of("PASSWORD", "czNjcjN0"))
                        .build());
        src.services.add(
                ServiceEnvTest.svc(
                        "default",
                        "kubernetes",
                        "127.96.0.1",
                        ServiceEnvTest.port("https", 443, "TCP")));
        Container c =
                new ContainerBuilder()
                        .withName("c")
                        .addNewEnvFrom()
                        .withNewConfigMapRef()
                        .withName("app")
                        .endConfigMapRef()
                        .endEnvFrom()
                        .addNewEnvFrom()
                        .withPrefix("DB_")
                        .withNewSecretRef()
                        .withName("creds")
                        .endSecretRef()
                        .endEnvFrom()
                        .addNewEnvFrom()
                        .withNewConfigMapRef()
                        .withName("absent")
                        .withOptional(true)
                        .endConfigMapRef()
                        .endEnvFrom()
                        .addNewEnv()
                        .withName("PORT")
                        .withValue("$(PORT)0 via $(KUBERNETES_SERVICE_HOST)")
                        .endEnv()
                        .addNewEnv()
                        .withName("KUBERNETES_SERVICE_PORT")
                        .withValue("6443")
                        .endEnv()
                        .addNewEnv()
                        .withName("PW")
                        .withNewValueFrom()
                        .withNewSecretKeyRef()
                        .withName("creds")
                        .withKey("PASSWORD")
                        .endSecretKeyRef()
                        .endValueFrom()
                        .endEnv()
                        .build();
        Map<String, String> env = ContainerEnvironment.build(pod, c, "127.244.1.7", "n", "h", src);
        assertThat(env)
                .containsEntry("MODE", "prod")
                .containsEntry("ok.dotted", "y")
                .containsEntry("DB_PASSWORD", "s3cr3t")
                .containsEntry("PW", "s3cr3t")
                .containsEntry("PORT", "800 via 127.96.0.1")
                .containsEntry("KUBERNETES_SERVICE_PORT", "6443")
                .containsEntry("KUBERNETES_SERVICE_HOST", "127.96.0.1")
                .doesNotContainKey("1bad");
        assertThat(src.warnings)
                .containsExactly(
                        "InvalidEnvironmentVariableNames Keys [1bad] from the EnvFrom configMap "
                                + "default/app were skipped since they are considered invalid environment variable names.");
    }

    @Test
    void build_missingSourcesGiveTheKubeletsMessages() {
        FakeSources src = new FakeSources();
        src.configMaps.put("default/app", cm("app", Map.of("A", "1")));
        Container envFrom =
                new ContainerBuilder()
                        .withName("c")
                        .addNewEnvFrom()
                        .withNewSecretRef()
                        .withName("nope")
                        .endSecretRef()
                        .endEnvFrom()
                        .build();
        assertThatThrownBy(() -> ContainerEnvironment.build(pod, envFrom, "ip", "n", "h", src))
                .hasMessage("secret \"nope\" not found");
        Container key =
                new ContainerBuilder()
                        .withName("c")
                        .addNewEnv()
                        .withName("X")
                        .withNewValueFrom()
                        .withNewConfigMapKeyRef()
                        .withName("app")
                        .withKey("B")
                        .endConfigMapKeyRef()
                        .endValueFrom()
                        .endEnv()
                        .build();
        assertThatThrownBy(() -> ContainerEnvironment.build(pod, key, "ip", "n", "h", src))
                .hasMessage("couldn't find key B in ConfigMap default/app");
        key.getEnv().get(0).getValueFrom().getConfigMapKeyRef().setOptional(true);
        assertThatCode(() -> ContainerEnvironment.build(pod, key, "ip", "n", "h", src))
                .doesNotThrowAnyException();
    }

    @Test
    void build_resourceFieldRefsDivideAndRoundUpWithAllocatableForUnsetLimits() throws Exception {
        Container c =
                new ContainerBuilder()
                        .withName("c")
                        .withNewResources()
                        .addToLimits(
                                "memory", new io.fabric8.kubernetes.api.model.Quantity("129Mi"))
                        .addToRequests("cpu", new io.fabric8.kubernetes.api.model.Quantity("250m"))
                        .endResources()
                        .addNewEnv()
                        .withName("MEM_MI")
                        .withNewValueFrom()
                        .withNewResourceFieldRef()
                        .withResource("limits.memory")
                        .withDivisor(new io.fabric8.kubernetes.api.model.Quantity("1Mi"))
                        .endResourceFieldRef()
                        .endValueFrom()
                        .endEnv()
                        .addNewEnv()
                        .withName("MEM")
                        .withNewValueFrom()
                        .withNewResourceFieldRef()
                        .withResource("limits.memory")
                        .endResourceFieldRef()
                        .endValueFrom()
                        .endEnv()
                        .addNewEnv()
                        .withName("CPU_REQ")
                        .withNewValueFrom()
                        .withNewResourceFieldRef()
                        .withResource("requests.cpu")
                        .endResourceFieldRef()
                        .endValueFrom()
                        .endEnv()
                        .addNewEnv()
                        .withName("CPU_REQ_M")
                        .withNewValueFrom()
                        .withNewResourceFieldRef()
                        .withResource("requests.cpu")
                        .withDivisor(new io.fabric8.kubernetes.api.model.Quantity("1m"))
                        .endResourceFieldRef()
                        .endValueFrom()
                        .endEnv()
                        .addNewEnv()
                        .withName("CPU_LIM")
                        .withNewValueFrom()
                        .withNewResourceFieldRef()
                        .withResource("limits.cpu")
                        .endResourceFieldRef()
                        .endValueFrom()
                        .endEnv()
                        .addNewEnv()
                        .withName("DISK_GI")
                        .withNewValueFrom()
                        .withNewResourceFieldRef()
                        .withResource("limits.ephemeral-storage")
                        .withDivisor(new io.fabric8.kubernetes.api.model.Quantity("1Gi"))
                        .endResourceFieldRef()
                        .endValueFrom()
                        .endEnv()
                        .build();
        Map<String, String> env =
                ContainerEnvironment.build(pod, c, "ip", "n", "h", new FakeSources());
        assertThat(env)
                .containsEntry("MEM_MI", "129")
                .containsEntry("MEM", String.valueOf(129L * 1024 * 1024))
                .containsEntry("CPU_REQ", "1")
                .containsEntry("CPU_REQ_M", "250")
                .containsEntry("CPU_LIM", "4")
                .containsEntry("DISK_GI", "100");
    }
}
