package io.j8s.node.runtime;

import io.fabric8.kubernetes.api.model.Container;
import io.j8s.node.logs.ContainerLog;
import java.util.Map;

/**
 * Everything a runtime needs to start one container instance. Immutable.
 *
 * @param env the container's full environment (see {@link ContainerEnvironment#build})
 * @param log where the instance's stdout/stderr go
 * @param view the container's filesystem view (volumes, resolv.conf, mount namespace), or null: the
 *     host's
 */
public record ContainerLaunch(
        String namespace,
        String podName,
        String podUid,
        String nodeName,
        String podIp,
        Container container,
        Map<String, String> env,
        ContainerLog log,
        ContainerView view) {

    public ContainerLaunch {
        env = Map.copyOf(env);
    }

    /** A launch in the host's filesystem. */
    public ContainerLaunch(
            String namespace,
            String podName,
            String podUid,
            String nodeName,
            String podIp,
            Container container,
            Map<String, String> env,
            ContainerLog log) {
        this(namespace, podName, podUid, nodeName, podIp, container, env, log, null);
    }

    /** {@code namespace/pod/container}, for logs and thread names. */
    public String displayName() {
        return namespace + "/" + podName + "/" + container.getName();
    }
}
