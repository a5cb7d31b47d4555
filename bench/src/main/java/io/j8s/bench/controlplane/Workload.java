package io.j8s.bench.controlplane;

import java.util.ArrayList;
import java.util.List;

/**
 * The objects a run creates: namespaces {@code bench-NNN}, and in each the same mix of Services
 * with one Deployment (or set of bare Pods) each, selected by {@code app=<service>}. The mix
 * follows the shape of Kubernetes' load test: per 100 Services, one of 250 endpoints, nine of 30,
 * and the rest share what is left; when that does not fit (tiny runs), every Service gets the same
 * share. Immutable.
 */
final class Workload {
    static final int BIG = 250;
    static final int MEDIUM = 30;

    private final List<App> apps;
    private final int namespaces;

    /** One Service, its Deployment of {@code replicas} Pods, in {@code namespace}. */
    record App(String namespace, String name, int replicas) {
        String key() {
            return namespace + "/" + name;
        }
    }

    private Workload(List<App> apps, int namespaces) {
        this.apps = List.copyOf(apps);
        this.namespaces = namespaces;
    }

    static Workload of(int services, int pods, int namespaces) {
        int[] sizes = sizes(services, pods);
        int perNamespace = (services + namespaces - 1) / namespaces;
        List<App> apps = new ArrayList<>(services);
        for (int i = 0; i < services; i++) {
            String ns = namespace(i / perNamespace);
            apps.add(new App(ns, String.format("app-%05d", i), sizes[i]));
        }
        return new Workload(apps, namespaces);
    }

    static String namespace(int index) {
        return String.format("bench-%03d", index);
    }

    /** Replicas per Service: see the class comment. They add up to {@code pods}. */
    static int[] sizes(int services, int pods) {
        int[] sizes = new int[services];
        int fixed = 0;
        int small = 0;
        for (int i = 0; i < services; i++) {
            int slot = i % 100;
            if (slot == 0) {
                sizes[i] = BIG;
            } else if (slot < 10) {
                sizes[i] = MEDIUM;
            } else {
                small++;
                continue;
            }
            fixed += sizes[i];
        }
        if (services < 100 || fixed + small > pods) {
            java.util.Arrays.fill(sizes, 0);
            small = services;
            fixed = 0;
        }
        int rest = pods - fixed;
        int share = rest / small;
        int extra = rest % small;
        for (int i = 0; i < services; i++) {
            if (sizes[i] == 0) {
                sizes[i] = share + (extra-- > 0 ? 1 : 0);
            }
        }
        return sizes;
    }

    List<App> apps() {
        return apps;
    }

    int namespaces() {
        return namespaces;
    }

    static String namespaceJson(String name) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\""
                + name
                + "\"}}";
    }

    static String serviceJson(App app) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\""
                + app.name()
                + "\",\"namespace\":\""
                + app.namespace()
                + "\",\"labels\":{\"app\":\""
                + app.name()
                + "\"}},"
                + "\"spec\":{\"selector\":{\"app\":\""
                + app.name()
                + "\"},"
                + "\"ports\":[{\"name\":\"http\",\"port\":80,\"targetPort\":8080,\"protocol\":\"TCP\"}]}}";
    }

    static String deploymentJson(App app) {
        return "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\""
                + app.name()
                + "\",\"namespace\":\""
                + app.namespace()
                + "\",\"labels\":{\"app\":\""
                + app.name()
                + "\"}},"
                + "\"spec\":{\"replicas\":"
                + app.replicas()
                + ",\"selector\":{\"matchLabels\":{\"app\":\""
                + app.name()
                + "\"}},\"template\":"
                + podTemplate(app)
                + "}}";
    }

    /** A bare Pod of {@code app} bound to {@code node}. */
    static String podJson(App app, String name, String node) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\""
                + name
                + "\",\"namespace\":\""
                + app.namespace()
                + "\",\"labels\":{\"app\":\""
                + app.name()
                + "\"}},\"spec\":"
                + podSpec(node)
                + "}";
    }

    private static String podTemplate(App app) {
        return "{\"metadata\":{\"labels\":{\"app\":\""
                + app.name()
                + "\"}},\"spec\":"
                + podSpec(null)
                + "}";
    }

    /** One container serving port 8080, as a typical web Deployment declares it. */
    private static String podSpec(String node) {
        return "{"
                + (node == null ? "" : "\"nodeName\":\"" + node + "\",")
                + "\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1.27\","
                + "\"ports\":[{\"name\":\"http\",\"containerPort\":8080,\"protocol\":\"TCP\"}]}]}";
    }
}
