package io.j8s.node.runtime;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Service environment variables the kubelet gives every container: {@code {NAME}_SERVICE_HOST},
 * {@code {NAME}_SERVICE_PORT}, {@code {NAME}_SERVICE_PORT_{PORTNAME}} and the Docker-link variables
 * {@code {NAME}_PORT}, {@code {NAME}_PORT_{port}_{PROTO}} (+ {@code _PROTO}, {@code _PORT}, {@code
 * _ADDR}). Which Services count: those of the Pod's namespace with a ClusterIP when {@code
 * enableServiceLinks} is true (the default), and always {@code default/kubernetes}. Pure.
 */
public final class ServiceEnv {

    /** The namespace and name of the API server's Service, whose variables every container gets. */
    public static final String MASTER_NAMESPACE = "default";

    public static final String MASTER_SERVICE = "kubernetes";

    private ServiceEnv() {}

    /** The variables for a Pod of {@code namespace}, from every Service the node knows. */
    public static Map<String, String> forPod(
            String namespace, Boolean enableServiceLinks, Collection<Service> services) {
        boolean links = enableServiceLinks == null || enableServiceLinks;
        Map<String, Service> byName = new TreeMap<>();
        for (Service s : services) {
            if (!hasClusterIp(s)) {
                continue;
            }
            String ns = s.getMetadata().getNamespace();
            String name = s.getMetadata().getName();
            if (MASTER_NAMESPACE.equals(ns) && MASTER_SERVICE.equals(name)) {
                byName.putIfAbsent(name, s);
            } else if (namespace.equals(ns) && links) {
                byName.put(name, s);
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        List<Service> chosen = new ArrayList<>(byName.values());
        chosen.sort(Comparator.comparing(s -> s.getMetadata().getName()));
        for (Service s : chosen) {
            add(env, s);
        }
        return env;
    }

    /** The variables of one Service, in the kubelet's order. */
    static void add(Map<String, String> env, Service s) {
        List<ServicePort> ports = s.getSpec().getPorts();
        if (ports == null || ports.isEmpty()) {
            return;
        }
        String ip = s.getSpec().getClusterIP();
        String prefix = envName(s.getMetadata().getName());
        env.put(prefix + "_SERVICE_HOST", ip);
        env.put(prefix + "_SERVICE_PORT", String.valueOf(ports.get(0).getPort()));
        for (ServicePort p : ports) {
            if (p.getName() != null && !p.getName().isEmpty()) {
                env.put(
                        prefix + "_SERVICE_PORT_" + envName(p.getName()),
                        String.valueOf(p.getPort()));
            }
        }
        for (int i = 0; i < ports.size(); i++) {
            ServicePort p = ports.get(i);
            String protocol =
                    p.getProtocol() == null || p.getProtocol().isEmpty() ? "TCP" : p.getProtocol();
            String lower = protocol.toLowerCase(Locale.ROOT);
            String hostPort = (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + p.getPort();
            if (i == 0) {
                env.put(prefix + "_PORT", lower + "://" + hostPort);
            }
            String portPrefix =
                    prefix + "_PORT_" + p.getPort() + "_" + protocol.toUpperCase(Locale.ROOT);
            env.put(portPrefix, lower + "://" + hostPort);
            env.put(portPrefix + "_PROTO", lower);
            env.put(portPrefix + "_PORT", String.valueOf(p.getPort()));
            env.put(portPrefix + "_ADDR", ip);
        }
    }

    /** {@code my-svc} becomes {@code MY_SVC}. */
    static String envName(String s) {
        return s.replace('-', '_').toUpperCase(Locale.ROOT);
    }

    private static boolean hasClusterIp(Service s) {
        String ip = s.getSpec() == null ? null : s.getSpec().getClusterIP();
        return ip != null && !ip.isEmpty() && !"None".equals(ip);
    }
}
