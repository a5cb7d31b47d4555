package io.j8s.server.pki;

import io.j8s.apiserver.ApiServer;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Who an API client is: the user name and groups its client certificate carries (CN and O).
 * Immutable. The factories give the identities of j8s' own components, which the bootstrap RBAC
 * policy binds: {@link #controller} to {@code system:controller:<name>}, {@link #scheduler} to
 * {@code system:kube-scheduler}, {@link #node} to the Node authorizer, {@link #kubeProxy} to {@code
 * system:node-proxier}, {@link #admin} to {@code cluster-admin}.
 */
public record Identity(String user, List<String> groups) {

    public Identity {
        Objects.requireNonNull(user, "user");
        if (user.isEmpty()) {
            throw new IllegalArgumentException("an identity needs a user name");
        }
        groups = List.copyOf(groups);
    }

    /** {@code system:admin} in {@code system:masters}: everything. */
    public static Identity admin() {
        return new Identity("system:admin", List.of("system:masters"));
    }

    /**
     * The service account a controller acts as ({@code kube-system/<name>}), as Kubernetes'
     * controllers do.
     */
    public static Identity controller(String serviceAccountName) {
        return new Identity(
                "system:serviceaccount:kube-system:" + serviceAccountName,
                List.of("system:serviceaccounts", "system:serviceaccounts:kube-system"));
    }

    /**
     * The identity for one name of {@code ControllerManager.IDENTITIES} ({@code
     * deployment-controller}, {@code default-scheduler}, ...): the scheduler is {@link
     * #scheduler()}, every other a {@link #controller}.
     */
    public static Identity forController(String controllerIdentity) {
        return controllerIdentity.equals("default-scheduler")
                ? scheduler()
                : controller(controllerIdentity);
    }

    /**
     * The identity a component names itself by: {@code system:node:<name>}, {@code
     * system:kube-proxy}, {@code system:kube-scheduler}, {@code system:kube-controller-manager}, or
     * a controller's service account name (as {@link #forController}); anything else is a user
     * without groups.
     */
    public static Identity forComponent(String name) {
        if (name.startsWith("system:node:")) {
            return node(name.substring("system:node:".length()));
        }
        return switch (name) {
            case "system:kube-proxy" -> kubeProxy();
            case "system:kube-scheduler" -> scheduler();
            case "system:kube-controller-manager",
                    "kube-controller-manager",
                    "controller-manager" ->
                    controllerManager();
            default -> name.contains(":") ? new Identity(name, List.of()) : forController(name);
        };
    }

    /**
     * The controller manager itself: shared informers (list/watch everything) and leader election.
     */
    public static Identity controllerManager() {
        return new Identity("system:kube-controller-manager", List.of());
    }

    public static Identity scheduler() {
        return new Identity("system:kube-scheduler", List.of());
    }

    /** A node agent: {@code system:node:<name>} in {@code system:nodes}. */
    public static Identity node(String nodeName) {
        return new Identity("system:node:" + nodeName, List.of("system:nodes"));
    }

    /** The service proxy. */
    public static Identity kubeProxy() {
        return new Identity("system:kube-proxy", List.of());
    }

    /**
     * The User-Agent a j8s component sends as this identity, as the Kubernetes component would
     * ({@code kube-controller-manager/v1.32.4 (linux/amd64) j8s/deployment-controller}, {@code
     * kubelet/...}, {@code kube-scheduler/...}, {@code kube-proxy/...}); the part before the first
     * {@code /} names the field manager of its writes in {@code managedFields}. Null for other
     * identities (the client's own User-Agent then).
     */
    public String userAgent() {
        String component;
        String detail = null;
        if (user.startsWith("system:node:")) {
            component = "kubelet";
        } else if (user.equals("system:kube-scheduler")) {
            component = "kube-scheduler";
        } else if (user.equals("system:kube-proxy")) {
            component = "kube-proxy";
        } else if (user.equals("system:kube-controller-manager")) {
            component = "kube-controller-manager";
        } else if (user.startsWith("system:serviceaccount:kube-system:")) {
            component = "kube-controller-manager";
            detail = user.substring("system:serviceaccount:kube-system:".length());
        } else {
            return null;
        }
        String agent =
                component
                        + "/"
                        + ApiServer.KUBERNETES_VERSION
                        + " ("
                        + System.getProperty("os.name", "linux").toLowerCase(Locale.ROOT)
                        + "/"
                        + System.getProperty("os.arch", "amd64")
                        + ") j8s";
        return detail == null ? agent : agent + "/" + detail;
    }

    /** Any other user. */
    public static Identity user(String name, String... groups) {
        return new Identity(name, List.of(groups));
    }
}
