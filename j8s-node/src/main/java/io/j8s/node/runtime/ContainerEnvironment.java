package io.j8s.node.runtime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a container's environment and its expanded command line the way the kubelet does.
 *
 * <p>Order: a base {@code PATH} and {@code HOSTNAME}, then j8s's always-present {@code POD_NAME},
 * {@code POD_NAMESPACE}, {@code POD_IP}, {@code NODE_NAME}, then the declared {@code env} in order;
 * each declared value may reference ({@code $(VAR)}) anything defined before it, and a later
 * declaration overrides an earlier one. {@code valueFrom.fieldRef} supports the downward-API fields
 * the kubelet resolves itself. Pure.
 */
public final class ContainerEnvironment {

  /** The PATH container images usually set; the host's PATH is not leaked into containers. */
  public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private ContainerEnvironment() {}

  /** The environment of {@code container} in {@code pod}, running at {@code podIp} on the node. */
  public static Map<String, String> build(
      Pod pod, Container container, String podIp, String nodeName, String hostIp)
      throws ContainerConfigException {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", DEFAULT_PATH);
    env.put("HOSTNAME", hostname(pod));
    env.put("POD_NAME", pod.getMetadata().getName());
    env.put("POD_NAMESPACE", pod.getMetadata().getNamespace());
    env.put("POD_IP", nullToEmpty(podIp));
    env.put("NODE_NAME", nullToEmpty(nodeName));
    if (container.getEnvFrom() != null && !container.getEnvFrom().isEmpty()) {
      throw new ContainerConfigException(
          "container " + container.getName() + ": envFrom (ConfigMaps/Secrets) is not supported by the j8s node agent");
    }
    if (container.getEnv() != null) {
      for (EnvVar var : container.getEnv()) {
        String value;
        if (var.getValueFrom() != null) {
          value = resolve(pod, container, var, podIp, nodeName, hostIp);
          if (value == null) {
            continue; // optional reference that is absent
          }
        } else {
          value = EnvExpansion.expand(nullToEmpty(var.getValue()), env);
        }
        env.remove(var.getName()); // a redeclared variable takes the later position too
        env.put(var.getName(), value);
      }
    }
    return env;
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
      Pod pod, Container container, EnvVar var, String podIp, String nodeName, String hostIp)
      throws ContainerConfigException {
    EnvVarSource src = var.getValueFrom();
    if (src.getFieldRef() != null) {
      String path = src.getFieldRef().getFieldPath();
      String value = fieldValue(pod, path, podIp, nodeName, hostIp);
      if (value == null) {
        throw new ContainerConfigException(
            "env var " + var.getName() + ": unsupported fieldRef fieldPath " + path);
      }
      return value;
    }
    String kind =
        src.getConfigMapKeyRef() != null
            ? "configMapKeyRef"
            : src.getSecretKeyRef() != null ? "secretKeyRef" : "resourceFieldRef";
    boolean optional =
        (src.getConfigMapKeyRef() != null && Boolean.TRUE.equals(src.getConfigMapKeyRef().getOptional()))
            || (src.getSecretKeyRef() != null && Boolean.TRUE.equals(src.getSecretKeyRef().getOptional()));
    if (optional) {
      return null;
    }
    throw new ContainerConfigException(
        "container " + container.getName() + ", env var " + var.getName() + ": valueFrom." + kind
            + " is not supported by the j8s node agent");
  }

  /** The downward-API fields the kubelet resolves; null for an unsupported path. */
  static String fieldValue(Pod pod, String path, String podIp, String nodeName, String hostIp) {
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
      case "status.podIPs":
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
          String key = path.substring("metadata.annotations['".length(), path.length() - 2);
          return meta.getAnnotations() == null ? "" : nullToEmpty(meta.getAnnotations().get(key));
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
              sb.append(e.getKey()).append("=\"").append(e.getValue()).append('"');
            });
    return sb.toString();
  }

  private static String hostname(Pod pod) {
    String h = pod.getSpec() == null ? null : pod.getSpec().getHostname();
    return h != null && !h.isEmpty() ? h : pod.getMetadata().getName();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
