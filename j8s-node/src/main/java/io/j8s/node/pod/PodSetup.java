package io.j8s.node.pod;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.j8s.node.runtime.ContainerView;
import io.j8s.node.runtime.EnvSources;
import io.j8s.node.runtime.PodDns;
import io.j8s.node.volume.AtomicWriter;
import io.j8s.node.volume.PodVolumes;
import io.j8s.node.volume.TokenManager;
import io.j8s.node.volume.VolumeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a node gives its Pods besides processes (shared by the node's workers, thread-safe): the
 * sources of their environment, their directories {@code <podsDir>/<uid>} with volumes, {@code
 * resolv.conf}, {@code hosts} and (without a mount namespace) a kubeconfig, and each container's
 * {@link ContainerView}.
 *
 * @param podsDir where the Pods' directories live; null for simulated nodes (no volumes)
 * @param tokens service account tokens for projected volumes; null: token volumes fail
 * @param clusterDns the cluster DNS address for {@code ClusterFirst}, or null (falls back to the
 *     host's)
 * @param hostResolvConf the host's resolv.conf (the {@code Default} policy and the search domains)
 * @param volumeSyncPeriod how often volumes are brought up to date (ConfigMap/Secret changes,
 *     tokens)
 * @param namespaced whether containers get a private mount namespace
 * @param apiServer the URL this node reaches the API server at, for the per-Pod kubeconfig without
 *     a mount namespace; null: the {@code kubernetes} Service
 */
public record PodSetup(
        Path podsDir,
        EnvSources sources,
        TokenManager tokens,
        String clusterDns,
        String clusterDomain,
        Path hostResolvConf,
        Duration volumeSyncPeriod,
        boolean namespaced,
        String apiServer,
        Clock clock) {

    /** Environment without Services/ConfigMaps/Secrets, no volumes (tests, simulated nodes). */
    public static final PodSetup NONE =
            new PodSetup(
                    null,
                    EnvSources.NONE,
                    null,
                    null,
                    "cluster.local",
                    Path.of("/etc/resolv.conf"),
                    Duration.ofMinutes(1),
                    false,
                    null,
                    Clock.systemUTC());

    /** What {@link #prepare} made for one Pod: its directory and volume directories. */
    public record Prepared(
            Path podDir,
            Map<String, Path> volumes,
            Path resolvConf,
            Path hosts,
            PodDns.Result dns) {}

    /** Whether Pods get directories and volumes on this node. */
    public boolean enabled() {
        return podsDir != null;
    }

    public Path podDir(String uid) {
        return podsDir.resolve(uid);
    }

    /**
     * Writes (or brings up to date) the Pod's volumes, resolv.conf, hosts file and kubeconfig.
     *
     * @throws VolumeException a volume cannot be set up yet
     */
    public Prepared prepare(Pod pod, String podIp, String nodeName, String hostIp)
            throws VolumeException, IOException {
        Path dir = podDir(pod.getMetadata().getUid());
        Files.createDirectories(dir);
        PodVolumes volumes = new PodVolumes(dir, sources, tokens, clock);
        Map<String, Path> paths = volumes.setUp(pod, podIp, nodeName, hostIp);
        String hostText = Files.isReadable(hostResolvConf) ? Files.readString(hostResolvConf) : "";
        PodDns.Result dns =
                PodDns.resolvConf(
                        pod, clusterDns, clusterDomain, PodDns.HostResolv.parse(hostText));
        Path etc = dir.resolve("etc");
        Path resolv = etc.resolve("resolv.conf");
        Path hosts = etc.resolve("hosts");
        Map<String, AtomicWriter.FileProjection> files =
                Map.of(
                        "resolv.conf",
                                new AtomicWriter.FileProjection(
                                        dns.resolvConf().getBytes(StandardCharsets.UTF_8), 0644),
                        "hosts",
                                new AtomicWriter.FileProjection(
                                        PodDns.hostsFile(pod, podIp, clusterDomain)
                                                .getBytes(StandardCharsets.UTF_8),
                                        0644));
        new AtomicWriter(etc, clock).write(files);
        if (!namespaced) {
            writeKubeconfig(pod, dir, paths);
        }
        return new Prepared(dir, paths, resolv, hosts, dns);
    }

    /**
     * The per-Pod kubeconfig for a container without a mount namespace, when the Pod mounts the
     * service account volume: the server is the API server as this node reaches it ({@link
     * #apiServer}; without root the proxy cannot listen on the {@code kubernetes} Service's port
     * 443), the CA and token files are the volume's (the token is also inline, for fabric8). The
     * Pod sees it through {@code KUBECONFIG}; it is rewritten with every volume sync.
     */
    private void writeKubeconfig(Pod pod, Path dir, Map<String, Path> volumes) throws IOException {
        Path sa = serviceAccountVolume(pod, volumes);
        if (sa == null) {
            return;
        }
        String server = apiServer != null ? apiServer.replaceAll("/+$", "") : kubernetesService();
        // tokenFile for kubectl (client-go prefers it) and the Python client; the token inline too,
        // rewritten with every volume sync, for fabric8, which ignores tokenFile.
        Path tokenPath = sa.resolve("token");
        String token = Files.isReadable(tokenPath) ? Files.readString(tokenPath).trim() : null;
        if (token != null && (token.isEmpty() || !token.matches("[A-Za-z0-9._~+/=-]+"))) {
            token = null;
        }
        String yaml =
                "apiVersion: v1\nkind: Config\n"
                        + "clusters:\n- name: default\n  cluster:\n    server: "
                        + server
                        + "\n"
                        + "    certificate-authority: "
                        + sa.resolve("ca.crt")
                        + "\n"
                        + "users:\n- name: default\n  user:\n    tokenFile: "
                        + sa.resolve("token")
                        + "\n"
                        + (token == null ? "" : "    token: " + token + "\n")
                        + "contexts:\n- name: default\n  context:\n    cluster: default\n    user: default\n"
                        + "    namespace: "
                        + pod.getMetadata().getNamespace()
                        + "\n"
                        + "current-context: default\n";
        Path file = dir.resolve(ContainerView.KUBECONFIG_FILE);
        Path tmp = dir.resolve(ContainerView.KUBECONFIG_FILE + ".tmp");
        Files.writeString(tmp, yaml);
        Files.setPosixFilePermissions(
                tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.move(
                tmp,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** {@code https://<ClusterIP>:<port>} of {@code default/kubernetes}. */
    private String kubernetesService() {
        return sources.services().stream()
                .filter(
                        s ->
                                "default".equals(s.getMetadata().getNamespace())
                                        && "kubernetes".equals(s.getMetadata().getName()))
                .findFirst()
                .map(
                        s ->
                                "https://"
                                        + s.getSpec().getClusterIP()
                                        + ":"
                                        + s.getSpec().getPorts().get(0).getPort())
                .orElse("https://127.96.0.1:443");
    }

    /**
     * The node directory of the volume some container mounts at the service account path, or null.
     */
    static Path serviceAccountVolume(Pod pod, Map<String, Path> volumes) {
        for (Container c : pod.getSpec().getContainers()) {
            if (c.getVolumeMounts() == null) {
                continue;
            }
            for (VolumeMount m : c.getVolumeMounts()) {
                if (ContainerView.SERVICE_ACCOUNT_PATH.equals(m.getMountPath())
                        && volumes.containsKey(m.getName())) {
                    return volumes.get(m.getName());
                }
            }
        }
        return null;
    }

    /** The container's view: its mounts resolved against the prepared volumes. */
    public ContainerView view(Prepared prepared, Container c) throws VolumeException {
        List<ContainerView.Mount> mounts = new ArrayList<>();
        if (c.getVolumeMounts() != null) {
            for (VolumeMount m : c.getVolumeMounts()) {
                Path src = prepared.volumes().get(m.getName());
                if (src == null) {
                    throw new VolumeException(m.getName(), "volume not found in the Pod spec");
                }
                if (m.getSubPath() != null && !m.getSubPath().isEmpty()) {
                    if (m.getSubPath().startsWith("/")
                            || List.of(m.getSubPath().split("/")).contains("..")) {
                        throw new VolumeException(m.getName(), "invalid subPath " + m.getSubPath());
                    }
                    src = src.resolve(m.getSubPath());
                    try {
                        if (!Files.exists(src)) {
                            Files.createDirectories(
                                    src); // as the kubelet: a missing subPath becomes a directory
                        }
                        src = src.toRealPath(); // a subPath of an atomically written volume
                        // is not updated
                    } catch (IOException e) {
                        throw new VolumeException(m.getName(), e.getMessage());
                    }
                }
                mounts.add(
                        new ContainerView.Mount(
                                src, m.getMountPath(), Boolean.TRUE.equals(m.getReadOnly())));
            }
        }
        return new ContainerView(
                prepared.podDir(), prepared.resolvConf(), prepared.hosts(), mounts, namespaced);
    }

    /** Deletes a finished Pod's directory. */
    public void cleanUp(String uid) {
        if (podsDir == null) {
            return;
        }
        if (tokens != null) {
            tokens.forget(uid);
        }
        try {
            AtomicWriter.deleteTree(podDir(uid));
        } catch (IOException e) {
            org.slf4j.LoggerFactory.getLogger(PodSetup.class)
                    .warn("removing the directory of pod {} failed: {}", uid, e.getMessage());
        }
    }
}
