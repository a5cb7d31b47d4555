package io.j8s.node.volume;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.j8s.node.runtime.ContainerConfigException;
import io.j8s.node.runtime.ContainerEnvironment;
import io.j8s.node.runtime.EnvSources;
import io.j8s.node.runtime.ResourceValues;
import io.j8s.node.volume.AtomicWriter.FileProjection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Pod's volumes as directories under its directory on the node ({@code
 * <stateDir>/pods/<uid>/volumes/kubernetes.io~<kind>/<name>}, the kubelet's layout): {@code
 * emptyDir} (a plain directory, mode 0777; {@code medium: Memory} too), {@code hostPath} (the host
 * path itself), and {@code configMap}, {@code secret}, {@code downwardAPI} and {@code projected}
 * (with {@code serviceAccountToken}) written by an {@link AtomicWriter}. {@link #setUp} is called
 * before the containers start and again every volume sync period, so ConfigMap/Secret changes and
 * token refreshes reach the files. Confined to the Pod's worker.
 */
public final class PodVolumes {

    /** The API's default {@code defaultMode} (0644). */
    static final int DEFAULT_MODE = 0644;

    private final Path podDir;
    private final EnvSources sources;
    private final TokenManager tokens;
    private final Clock clock;

    public PodVolumes(Path podDir, EnvSources sources, TokenManager tokens, Clock clock) {
        this.podDir = podDir;
        this.sources = sources;
        this.tokens = tokens;
        this.clock = clock;
    }

    /** The Pod's directory on the node. */
    public Path podDir() {
        return podDir;
    }

    /**
     * Writes (or brings up to date) every volume of the Pod.
     *
     * @return volume name to its directory on the node, in declaration order
     * @throws VolumeException the first volume that cannot be set up yet
     */
    public Map<String, Path> setUp(Pod pod, String podIp, String nodeName, String hostIp)
            throws VolumeException {
        Map<String, Path> out = new LinkedHashMap<>();
        List<Volume> volumes = pod.getSpec().getVolumes();
        if (volumes == null) {
            return out;
        }
        for (Volume v : volumes) {
            out.put(v.getName(), setUp(pod, v, podIp, nodeName, hostIp));
        }
        return out;
    }

    private Path setUp(Pod pod, Volume v, String podIp, String nodeName, String hostIp)
            throws VolumeException {
        String name = v.getName();
        try {
            if (v.getEmptyDir() != null) {
                Path dir = dir("empty-dir", name);
                if (!Files.isDirectory(dir)) {
                    Files.createDirectories(dir);
                    Files.setPosixFilePermissions(dir, AtomicWriter.perms(0777));
                }
                return dir;
            }
            if (v.getHostPath() != null) {
                return Path.of(v.getHostPath().getPath());
            }
            Map<String, FileProjection> payload;
            String kind;
            if (v.getConfigMap() != null) {
                var src = v.getConfigMap();
                payload =
                        configMapPayload(
                                pod,
                                name,
                                src.getName(),
                                src.getItems(),
                                mode(src.getDefaultMode()),
                                Boolean.TRUE.equals(src.getOptional()));
                kind = "configmap";
            } else if (v.getSecret() != null) {
                var src = v.getSecret();
                payload =
                        secretPayload(
                                pod,
                                name,
                                src.getSecretName(),
                                src.getItems(),
                                mode(src.getDefaultMode()),
                                Boolean.TRUE.equals(src.getOptional()));
                kind = "secret";
            } else if (v.getDownwardAPI() != null) {
                payload =
                        downwardPayload(
                                pod,
                                name,
                                v.getDownwardAPI().getItems(),
                                mode(v.getDownwardAPI().getDefaultMode()),
                                podIp,
                                nodeName,
                                hostIp);
                kind = "downward-api";
            } else if (v.getProjected() != null) {
                payload =
                        projectedPayload(
                                pod,
                                name,
                                v.getProjected().getSources(),
                                mode(v.getProjected().getDefaultMode()),
                                podIp,
                                nodeName,
                                hostIp);
                kind = "projected";
            } else {
                throw new VolumeException(
                        name,
                        "volume type not supported by the j8s node agent (supported: emptyDir, "
                                + "hostPath, configMap, secret, downwardAPI, projected)");
            }
            Path dir = dir(kind, name);
            new AtomicWriter(dir, clock).write(payload);
            return dir;
        } catch (IOException e) {
            throw new VolumeException(name, e.getMessage());
        }
    }

    /** Deletes the Pod's directory (the Pod is gone). */
    public void tearDown() throws IOException {
        AtomicWriter.deleteTree(podDir);
    }

    private Path dir(String kind, String name) {
        return podDir.resolve("volumes").resolve("kubernetes.io~" + kind).resolve(name);
    }

    private static int mode(Integer m) {
        return m == null ? DEFAULT_MODE : m;
    }

    private Map<String, FileProjection> configMapPayload(
            Pod pod,
            String volume,
            String cmName,
            List<KeyToPath> items,
            int defaultMode,
            boolean optional)
            throws VolumeException {
        ConfigMap cm;
        try {
            cm = sources.configMap(pod.getMetadata().getNamespace(), cmName);
        } catch (ContainerConfigException e) {
            throw new VolumeException(volume, e.getMessage());
        }
        if (cm == null) {
            if (optional) {
                return Map.of();
            }
            throw new VolumeException(volume, "configmap \"" + cmName + "\" not found");
        }
        Map<String, byte[]> data = new TreeMap<>();
        if (cm.getData() != null) {
            cm.getData().forEach((k, val) -> data.put(k, val.getBytes(StandardCharsets.UTF_8)));
        }
        if (cm.getBinaryData() != null) {
            cm.getBinaryData().forEach((k, val) -> data.put(k, ContainerEnvironment.decode(val)));
        }
        return project(
                volume,
                data,
                items,
                defaultMode,
                optional,
                "configmap references non-existent config key: ");
    }

    private Map<String, FileProjection> secretPayload(
            Pod pod,
            String volume,
            String secretName,
            List<KeyToPath> items,
            int defaultMode,
            boolean optional)
            throws VolumeException {
        Secret s;
        try {
            s = sources.secret(pod.getMetadata().getNamespace(), secretName);
        } catch (ContainerConfigException e) {
            throw new VolumeException(volume, e.getMessage());
        }
        if (s == null) {
            if (optional) {
                return Map.of();
            }
            throw new VolumeException(volume, "secret \"" + secretName + "\" not found");
        }
        Map<String, byte[]> data = new TreeMap<>();
        if (s.getData() != null) {
            s.getData().forEach((k, val) -> data.put(k, ContainerEnvironment.decode(val)));
        }
        return project(
                volume, data, items, defaultMode, optional, "references non-existent secret key: ");
    }

    private static Map<String, FileProjection> project(
            String volume,
            Map<String, byte[]> data,
            List<KeyToPath> items,
            int defaultMode,
            boolean optional,
            String missingKey)
            throws VolumeException {
        Map<String, FileProjection> out = new TreeMap<>();
        if (items == null || items.isEmpty()) {
            data.forEach((k, val) -> out.put(k, new FileProjection(val, defaultMode)));
            return out;
        }
        for (KeyToPath item : items) {
            byte[] val = data.get(item.getKey());
            if (val == null) {
                if (optional) {
                    continue;
                }
                throw new VolumeException(volume, missingKey + item.getKey());
            }
            out.put(
                    item.getPath(),
                    new FileProjection(val, item.getMode() == null ? defaultMode : item.getMode()));
        }
        return out;
    }

    private Map<String, FileProjection> downwardPayload(
            Pod pod,
            String volume,
            List<DownwardAPIVolumeFile> items,
            int defaultMode,
            String podIp,
            String nodeName,
            String hostIp)
            throws VolumeException {
        Map<String, FileProjection> out = new TreeMap<>();
        if (items == null) {
            return out;
        }
        for (DownwardAPIVolumeFile item : items) {
            String value;
            if (item.getFieldRef() != null) {
                value =
                        ContainerEnvironment.fieldValue(
                                pod, item.getFieldRef().getFieldPath(), podIp, nodeName, hostIp);
                if (value == null) {
                    throw new VolumeException(
                            volume, "unsupported fieldPath: " + item.getFieldRef().getFieldPath());
                }
            } else if (item.getResourceFieldRef() != null) {
                Container c =
                        ResourceValues.container(
                                pod, item.getResourceFieldRef().getContainerName());
                if (c == null) {
                    throw new VolumeException(
                            volume,
                            "cannot find container: "
                                    + item.getResourceFieldRef().getContainerName());
                }
                try {
                    value =
                            ResourceValues.value(
                                    pod, c, item.getResourceFieldRef(), sources.allocatable());
                } catch (ContainerConfigException e) {
                    throw new VolumeException(volume, e.getMessage());
                }
            } else {
                continue;
            }
            out.put(
                    item.getPath(),
                    new FileProjection(
                            value.getBytes(StandardCharsets.UTF_8),
                            item.getMode() == null ? defaultMode : item.getMode()));
        }
        return out;
    }

    private Map<String, FileProjection> projectedPayload(
            Pod pod,
            String volume,
            List<VolumeProjection> projections,
            int defaultMode,
            String podIp,
            String nodeName,
            String hostIp)
            throws VolumeException {
        Map<String, FileProjection> out = new TreeMap<>();
        if (projections == null) {
            return out;
        }
        for (VolumeProjection p : projections) {
            if (p.getConfigMap() != null) {
                var src = p.getConfigMap();
                out.putAll(
                        configMapPayload(
                                pod,
                                volume,
                                src.getName(),
                                src.getItems(),
                                defaultMode,
                                Boolean.TRUE.equals(src.getOptional())));
            } else if (p.getSecret() != null) {
                var src = p.getSecret();
                out.putAll(
                        secretPayload(
                                pod,
                                volume,
                                src.getName(),
                                src.getItems(),
                                defaultMode,
                                Boolean.TRUE.equals(src.getOptional())));
            } else if (p.getDownwardAPI() != null) {
                out.putAll(
                        downwardPayload(
                                pod,
                                volume,
                                p.getDownwardAPI().getItems(),
                                defaultMode,
                                podIp,
                                nodeName,
                                hostIp));
            } else if (p.getServiceAccountToken() != null) {
                ServiceAccountTokenProjection t = p.getServiceAccountToken();
                if (tokens == null) {
                    throw new VolumeException(
                            volume, "service account tokens are not available on this node");
                }
                String sa = pod.getSpec().getServiceAccountName();
                if (sa == null || sa.isEmpty()) {
                    sa = "default";
                }
                List<String> audiences =
                        t.getAudience() == null || t.getAudience().isEmpty()
                                ? List.of()
                                : List.of(t.getAudience());
                long seconds = t.getExpirationSeconds() == null ? 3600 : t.getExpirationSeconds();
                try {
                    String token =
                            tokens.token(
                                    pod.getMetadata().getNamespace(),
                                    sa,
                                    audiences,
                                    seconds,
                                    pod.getMetadata().getName(),
                                    pod.getMetadata().getUid());
                    out.put(
                            t.getPath(),
                            new FileProjection(
                                    token.getBytes(StandardCharsets.UTF_8), defaultMode));
                } catch (IOException e) {
                    throw new VolumeException(volume, "failed to fetch token: " + e.getMessage());
                }
            }
        }
        return out;
    }
}
