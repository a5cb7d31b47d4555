package io.j8s.node.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.j8s.node.runtime.ContainerView;
import io.j8s.node.runtime.EnvSources;
import io.j8s.node.volume.TokenManager;
import io.j8s.node.volume.TokenSource;
import io.j8s.node.volume.VolumeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Pod's directory: the service account volume as Kubernetes injects it, and the kubeconfig
 * without root.
 */
class PodSetupTest {

    @TempDir Path dir;

    private final Map<String, ConfigMap> configMaps = new HashMap<>();
    private final List<String> tokenRequests = new ArrayList<>();

    private final EnvSources sources =
            new EnvSources() {
                @Override
                public Collection<Service> services() {
                    return List.of(
                            new ServiceBuilder()
                                    .withNewMetadata()
                                    .withNamespace("default")
                                    .withName("kubernetes")
                                    .endMetadata()
                                    .withNewSpec()
                                    .withClusterIP("127.96.0.1")
                                    .addNewPort()
                                    .withName("https")
                                    .withPort(443)
                                    .endPort()
                                    .endSpec()
                                    .build());
                }

                @Override
                public ConfigMap configMap(String ns, String name) {
                    return configMaps.get(ns + "/" + name);
                }

                @Override
                public Secret secret(String ns, String name) {
                    return null;
                }

                @Override
                public Map<String, Quantity> allocatable() {
                    return Map.of();
                }
            };

    private final TokenSource tokenSource =
            (ns, sa, aud, secs, podName, podUid) -> {
                tokenRequests.add(
                        ns
                                + "/"
                                + sa
                                + " audiences="
                                + aud
                                + " expirationSeconds="
                                + secs
                                + " boundObjectRef=Pod/"
                                + podName
                                + "/"
                                + podUid);
                return new TokenSource.Token(
                        "token-" + tokenRequests.size(), Instant.now().plusSeconds(secs));
            };

    private PodSetup setup(boolean namespaced) {
        return new PodSetup(
                dir.resolve("pods"),
                sources,
                new TokenManager(tokenSource, Clock.systemUTC()),
                "127.96.0.10",
                "cluster.local",
                dir.resolve("host-resolv.conf"),
                Duration.ofMinutes(1),
                namespaced,
                "https://127.0.0.1:6443/",
                Clock.systemUTC());
    }

    /** The Pod as ServiceAccount admission leaves it: the kube-api-access projected volume. */
    private static Pod pod() {
        return new PodBuilder()
                .withNewMetadata()
                .withName("web-1")
                .withNamespace("shop")
                .withUid("uid-1")
                .endMetadata()
                .withNewSpec()
                .withServiceAccountName("default")
                .addNewContainer()
                .withName("c")
                .withCommand("/bin/true")
                .addNewVolumeMount()
                .withName("kube-api-access-x1y2z")
                .withMountPath(ContainerView.SERVICE_ACCOUNT_PATH)
                .withReadOnly(true)
                .endVolumeMount()
                .endContainer()
                .addNewVolume()
                .withName("kube-api-access-x1y2z")
                .withNewProjected()
                .withDefaultMode(0644)
                .addNewSource()
                .withNewServiceAccountToken()
                .withPath("token")
                .withExpirationSeconds(3607L)
                .endServiceAccountToken()
                .endSource()
                .addNewSource()
                .withNewConfigMap()
                .withName("kube-root-ca.crt")
                .addNewItem()
                .withKey("ca.crt")
                .withPath("ca.crt")
                .endItem()
                .endConfigMap()
                .endSource()
                .addNewSource()
                .withNewDownwardAPI()
                .addNewItem()
                .withPath("namespace")
                .withNewFieldRef()
                .withFieldPath("metadata.namespace")
                .endFieldRef()
                .endItem()
                .endDownwardAPI()
                .endSource()
                .endProjected()
                .endVolume()
                .endSpec()
                .build();
    }

    @Test
    void prepare_writesTheServiceAccountVolumeWithABoundToken() throws Exception {
        Files.writeString(
                dir.resolve("host-resolv.conf"), "nameserver 10.0.0.2\nsearch corp.example\n");
        configMaps.put(
                "shop/kube-root-ca.crt",
                new ConfigMapBuilder()
                        .withData(Map.of("ca.crt", "-----BEGIN CERTIFICATE-----\n"))
                        .build());
        PodSetup.Prepared p = setup(true).prepare(pod(), "127.244.1.7", "node01", "127.0.0.1");
        Path sa = p.volumes().get("kube-api-access-x1y2z");
        assertThat(sa)
                .isEqualTo(
                        dir.resolve(
                                "pods/uid-1/volumes/kubernetes.io~projected/kube-api-access-x1y2z"));
        assertThat(Files.readString(sa.resolve("token"))).isEqualTo("token-1");
        assertThat(Files.readString(sa.resolve("ca.crt")))
                .startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(Files.readString(sa.resolve("namespace"))).isEqualTo("shop");
        assertThat(Files.readSymbolicLink(sa.resolve("token"))).isEqualTo(Path.of("..data/token"));
        assertThat(tokenRequests)
                .containsExactly(
                        "shop/default audiences=[] expirationSeconds=3607 boundObjectRef=Pod/web-1/uid-1");
        assertThat(Files.readString(p.resolvConf()))
                .isEqualTo(
                        "nameserver 127.96.0.10\n"
                                + "search shop.svc.cluster.local svc.cluster.local cluster.local corp.example\noptions ndots:5\n");
        assertThat(p.podDir().resolve(ContainerView.KUBECONFIG_FILE)).doesNotExist();

        // The next sync keeps the cached token; a new CA reaches the file.
        configMaps.put(
                "shop/kube-root-ca.crt",
                new ConfigMapBuilder().withData(Map.of("ca.crt", "rotated")).build());
        setup(true).prepare(pod(), "127.244.1.7", "node01", "127.0.0.1");
        assertThat(Files.readString(sa.resolve("ca.crt"))).isEqualTo("rotated");
    }

    @Test
    void prepare_withoutANamespaceWritesAKubeconfigKubectlReads() throws Exception {
        configMaps.put(
                "shop/kube-root-ca.crt",
                new ConfigMapBuilder().withData(Map.of("ca.crt", "ca")).build());
        PodSetup.Prepared p = setup(false).prepare(pod(), "127.244.1.7", "node01", "127.0.0.1");
        Path kubeconfig = p.podDir().resolve(ContainerView.KUBECONFIG_FILE);
        Path sa = p.volumes().get("kube-api-access-x1y2z");
        Process kubectl =
                new ProcessBuilder(
                                "kubectl",
                                "--kubeconfig",
                                kubeconfig.toString(),
                                "config",
                                "view",
                                "--minify",
                                "-o",
                                "jsonpath={.clusters[0].cluster.server} {.clusters[0].cluster.certificate-authority} "
                                        + "{.users[0].user.tokenFile} {.contexts[0].context.namespace}")
                        .redirectErrorStream(true)
                        .start();
        assertThat(kubectl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(kubectl.getInputStream().readAllBytes()))
                .isEqualTo(
                        "https://127.0.0.1:6443 "
                                + sa.resolve("ca.crt")
                                + " "
                                + sa.resolve("token")
                                + " shop");
        io.fabric8.kubernetes.client.Config fabric8 =
                io.fabric8.kubernetes.client.Config.fromKubeconfig(
                        null, Files.readString(kubeconfig), kubeconfig.toString());
        assertThat(fabric8.getMasterUrl()).startsWith("https://127.0.0.1:6443");
        assertThat(fabric8.getCaCertFile()).isEqualTo(sa.resolve("ca.crt").toString());
        assertThat(fabric8.getNamespace()).isEqualTo("shop");
        assertThat(fabric8.getAutoOAuthToken())
                .as("fabric8 ignores tokenFile: the inline token")
                .isEqualTo("token-1");
    }

    @Test
    void prepare_failsLikeTheKubeletWhileAConfigMapIsMissing() {
        assertThatThrownBy(() -> setup(true).prepare(pod(), "127.244.1.7", "node01", "127.0.0.1"))
                .isInstanceOf(VolumeException.class)
                .extracting(e -> ((VolumeException) e).eventMessage())
                .isEqualTo(
                        "MountVolume.SetUp failed for volume \"kube-api-access-x1y2z\" : configmap \"kube-root-ca.crt\" not found");
    }
}
