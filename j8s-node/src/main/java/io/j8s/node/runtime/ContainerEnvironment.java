package io.j8s.node.runtime;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Builds a container's environment and its expanded command line the way the kubelet does.
 *
 * <p>Besides what the kubelet gives (Service variables, {@code envFrom}, {@code env} with every
 * {@code valueFrom} source), a process container has a base {@code PATH} and {@code HOSTNAME} (an
 * image would set them) and j8s's {@code POD_NAME}, {@code POD_NAMESPACE}, {@code POD_IP}, {@code
 * NODE_NAME} (kept: tests and the README's examples use them); a declared variable of the same name
 * overrides them. Pure apart from the {@link EnvSources} lookups.
 */
public final class ContainerEnvironment {

    /** The PATH container images usually set; the host's PATH is not leaked into containers. */
    public static final String DEFAULT_PATH =
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private ContainerEnvironment() {}

    /** The environment without Services, ConfigMaps or Secrets (see {@link EnvSources#NONE}). */
    public static Map<String, String> build(
            Pod pod, Container container, String podIp, String nodeName, String hostIp)
            throws ContainerConfigException {
        return build(pod, container, podIp, nodeName, hostIp, EnvSources.NONE);
    }

    /**
     * The environment of {@code container} in {@code pod}, running at {@code podIp} on the node, as
     * the kubelet's {@code makeEnvironmentVariables} builds it: {@code envFrom} sources first (a
     * later source overrides an earlier one, keys that are no valid variable name are skipped with
     * an {@code InvalidEnvironmentVariableNames} warning), then {@code env} in order (each value's
     * {@code $(VAR)} references resolve against the variables declared so far, then the Service
     * variables), then the Service variables the declarations did not override.
     *
     * @throws ContainerConfigException a required ConfigMap/Secret or key is missing (the kubelet's
     *     message, e.g. {@code configmap "x" not found}); the caller retries
     */
    public static Map<String, String> build(
            Pod pod,
            Container container,
            String podIp,
            String nodeName,
            String hostIp,
            EnvSources sources)
            throws ContainerConfigException {
        Map<String, String> base = new LinkedHashMap<>();
        base.put("PATH", DEFAULT_PATH);
        base.put("HOSTNAME", hostname(pod));
        base.put("POD_NAME", pod.getMetadata().getName());
        base.put("POD_NAMESPACE", pod.getMetadata().getNamespace());
        base.put("POD_IP", nullToEmpty(podIp));
        base.put("NODE_NAME", nullToEmpty(nodeName));
        String ns = pod.getMetadata().getNamespace();
        Map<String, String> services =
                ServiceEnv.forPod(ns, pod.getSpec().getEnableServiceLinks(), sources.services());
        Map<String, ConfigMap> configMaps = new HashMap<>();
        Map<String, Secret> secrets = new HashMap<>();
        Map<String, String> declared = new LinkedHashMap<>();
        if (container.getEnvFrom() != null) {
            for (EnvFromSource from : container.getEnvFrom()) {
                String prefix = nullToEmpty(from.getPrefix());
                Map<String, String> data;
                String what;
                String name;
                if (from.getConfigMapRef() != null) {
                    name = from.getConfigMapRef().getName();
                    ConfigMap cm = configMap(sources, configMaps, ns, name);
                    if (cm == null) {
                        if (Boolean.TRUE.equals(from.getConfigMapRef().getOptional())) {
                            continue;
                        }
                        throw notFound("configmap", name);
                    }
                    data = cm.getData() == null ? Map.of() : cm.getData();
                    what = "configMap";
                } else if (from.getSecretRef() != null) {
                    name = from.getSecretRef().getName();
                    Secret secret = secret(sources, secrets, ns, name);
                    if (secret == null) {
                        if (Boolean.TRUE.equals(from.getSecretRef().getOptional())) {
                            continue;
                        }
                        throw notFound("secret", name);
                    }
                    data = secretData(secret);
                    what = "secret";
                } else {
                    continue;
                }
                List<String> invalid = new ArrayList<>();
                for (Map.Entry<String, String> e : new TreeMap<>(data).entrySet()) {
                    String key = prefix + e.getKey();
                    if (!VALID_NAME.matcher(key).matches()) {
                        invalid.add(key);
                        continue;
                    }
                    declared.remove(key);
                    declared.put(key, e.getValue());
                }
                if (!invalid.isEmpty()) {
                    sources.warning(
                            "InvalidEnvironmentVariableNames",
                            "Keys ["
                                    + String.join(", ", invalid)
                                    + "] from the EnvFrom "
                                    + what
                                    + " "
                                    + ns
                                    + "/"
                                    + name
                                    + " were skipped since they are considered invalid environment variable names.");
                }
            }
        }
        if (container.getEnv() != null) {
            for (EnvVar var : container.getEnv()) {
                String value;
                String literal = var.getValue();
                if (literal != null && !literal.isEmpty()) {
                    value =
                            EnvExpansion.expand(
                                    literal,
                                    n ->
                                            declared.containsKey(n)
                                                    ? declared.get(n)
                                                    : services.containsKey(n)
                                                            ? services.get(n)
                                                            : base.containsKey(n)
                                                                    ? base.get(n)
                                                                    : "$(" + n + ")");
                } else if (var.getValueFrom() != null) {
                    value =
                            resolve(
                                    pod,
                                    container,
                                    var,
                                    podIp,
                                    nodeName,
                                    hostIp,
                                    sources,
                                    configMaps,
                                    secrets);
                    if (value == null) {
                        continue; // optional reference that is absent
                    }
                } else {
                    value = "";
                }
                declared.remove(
                        var.getName()); // a redeclared variable takes the later position too
                declared.put(var.getName(), value);
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        base.forEach(
                (k, v) -> {
                    if (!declared.containsKey(k)) env.put(k, v);
                });
        services.forEach(
                (k, v) -> {
                    if (!declared.containsKey(k)) env.put(k, v);
                });
        env.putAll(declared);
        return env;
    }

    /** The kubelet's {@code IsEnvVarName}: {@code [-._a-zA-Z][-._a-zA-Z0-9]*}. */
    private static final Pattern VALID_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");

    private static ConfigMap configMap(
            EnvSources sources, Map<String, ConfigMap> cache, String ns, String name)
            throws ContainerConfigException {
        if (!cache.containsKey(name)) {
            cache.put(name, sources.configMap(ns, name));
        }
        return cache.get(name);
    }

    private static Secret secret(
            EnvSources sources, Map<String, Secret> cache, String ns, String name)
            throws ContainerConfigException {
        if (!cache.containsKey(name)) {
            cache.put(name, sources.secret(ns, name));
        }
        return cache.get(name);
    }

    /** A Secret's {@code data}, decoded (the API stores base64). */
    public static Map<String, String> secretData(Secret s) {
        Map<String, String> out = new LinkedHashMap<>();
        if (s.getData() != null) {
            s.getData()
                    .forEach((k, v) -> out.put(k, new String(decode(v), StandardCharsets.UTF_8)));
        }
        return out;
    }

    /** Decodes base64 as the API serves Secret data; a malformed value is taken as its bytes. */
    public static byte[] decode(String b64) {
        if (b64 == null) {
            return new byte[0];
        }
        try {
            return Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            return b64.getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * The kubelet's not-found error for a ConfigMap/Secret reference ({@code configmap "x" not
     * found}).
     */
    public static ContainerConfigException notFound(String kind, String name) {
        return new ContainerConfigException(kind + " \"" + name + "\" not found");
    }

    /**
     * The argv of a process container: {@code command} then {@code args}, each element expanded
     * against {@code env}. When only {@code args} is given, its first element is the executable
     * (there is no image entrypoint to prepend).
     */
    public static List<String> commandLine(Container container, Map<String, String> env) {
        List<String> argv = new ArrayList<>();
        if (container.getCommand() != null) {
            for (String s : container.getCommand()) {
                argv.add(EnvExpansion.expand(s, env));
            }
        }
        if (container.getArgs() != null) {
            for (String s : container.getArgs()) {
                argv.add(EnvExpansion.expand(s, env));
            }
        }
        return argv;
    }

    private static String resolve(
            Pod pod,
            Container container,
            EnvVar var,
            String podIp,
            String nodeName,
            String hostIp,
            EnvSources sources,
            Map<String, ConfigMap> configMaps,
            Map<String, Secret> secrets)
            throws ContainerConfigException {
        EnvVarSource src = var.getValueFrom();
        String ns = pod.getMetadata().getNamespace();
        if (src.getFieldRef() != null) {
            String path = src.getFieldRef().getFieldPath();
            String value = fieldValue(pod, path, podIp, nodeName, hostIp);
            if (value == null) {
                throw new ContainerConfigException(
                        "env var " + var.getName() + ": unsupported fieldRef fieldPath " + path);
            }
            return value;
        }
        if (src.getResourceFieldRef() != null) {
            return ResourceValues.value(
                    pod, container, src.getResourceFieldRef(), sources.allocatable());
        }
        if (src.getConfigMapKeyRef() != null) {
            var ref = src.getConfigMapKeyRef();
            boolean optional = Boolean.TRUE.equals(ref.getOptional());
            ConfigMap cm = configMap(sources, configMaps, ns, ref.getName());
            if (cm == null) {
                if (optional) {
                    return null;
                }
                throw notFound("configmap", ref.getName());
            }
            String v = cm.getData() == null ? null : cm.getData().get(ref.getKey());
            if (v == null) {
                if (optional) {
                    return null;
                }
                throw new ContainerConfigException(
                        "couldn't find key "
                                + ref.getKey()
                                + " in ConfigMap "
                                + ns
                                + "/"
                                + ref.getName());
            }
            return v;
        }
        if (src.getSecretKeyRef() != null) {
            var ref = src.getSecretKeyRef();
            boolean optional = Boolean.TRUE.equals(ref.getOptional());
            Secret secret = secret(sources, secrets, ns, ref.getName());
            if (secret == null) {
                if (optional) {
                    return null;
                }
                throw notFound("secret", ref.getName());
            }
            String v = secretData(secret).get(ref.getKey());
            if (v == null) {
                if (optional) {
                    return null;
                }
                throw new ContainerConfigException(
                        "couldn't find key "
                                + ref.getKey()
                                + " in Secret "
                                + ns
                                + "/"
                                + ref.getName());
            }
            return v;
        }
        throw new ContainerConfigException(
                "container "
                        + container.getName()
                        + ", env var "
                        + var.getName()
                        + ": valueFrom names no source");
    }

    /** The downward-API fields the kubelet resolves; null for an unsupported path. */
    public static String fieldValue(
            Pod pod, String path, String podIp, String nodeName, String hostIp) {
        var meta = pod.getMetadata();
        switch (path) {
            case "metadata.name":
                return meta.getName();
            case "metadata.namespace":
                return meta.getNamespace();
            case "metadata.uid":
                return nullToEmpty(meta.getUid());
            case "spec.nodeName":
                return nullToEmpty(nodeName);
            case "spec.serviceAccountName":
                return nullToEmpty(pod.getSpec().getServiceAccountName());
            case "status.podIP":
            case "status.podIPs": // one address family: the list is the one IP
                return nullToEmpty(podIp);
            case "status.hostIP":
            case "status.hostIPs":
                return nullToEmpty(hostIp);
            case "metadata.labels":
                return formatMap(meta.getLabels());
            case "metadata.annotations":
                return formatMap(meta.getAnnotations());
            default:
                if (path.startsWith("metadata.labels['") && path.endsWith("']")) {
                    String key = path.substring("metadata.labels['".length(), path.length() - 2);
                    return meta.getLabels() == null ? "" : nullToEmpty(meta.getLabels().get(key));
                }
                if (path.startsWith("metadata.annotations['") && path.endsWith("']")) {
                    String key =
                            path.substring("metadata.annotations['".length(), path.length() - 2);
                    return meta.getAnnotations() == null
                            ? ""
                            : nullToEmpty(meta.getAnnotations().get(key));
                }
                return null;
        }
    }

    /** The downward API's map format: sorted {@code key="value"} lines. */
    private static String formatMap(Map<String, String> m) {
        if (m == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        m.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(
                        e -> {
                            if (sb.length() > 0) {
                                sb.append('\n');
                            }
                            sb.append(e.getKey()).append('=').append(goQuote(e.getValue()));
                        });
        return sb.toString();
    }

    /** Go's {@code %q} of a string (the downward API's {@code key="value"} lines). */
    static String goQuote(String v) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private static String hostname(Pod pod) {
        String h = pod.getSpec() == null ? null : pod.getSpec().getHostname();
        return h != null && !h.isEmpty() ? h : pod.getMetadata().getName();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
