package io.j8s.junit;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A running j8s cluster for a test (docs/junit.md): started by {@link Builder#start()}, stopped by
 * {@link #close()} (which also deletes its data). The cluster runs in the cluster host, a child JVM
 * shared by every cluster of this test JVM, so nothing of j8s is on the test's class path. Its
 * helpers ({@link #apply}, {@link #awaitDeploymentAvailable}, {@link #podLogs}, ...) run in that
 * host.
 *
 * <pre>{@code
 * try (J8sCluster cluster = J8sCluster.builder().nodes("node01", "node02").start()) {
 *     cluster.apply(Path.of("deploy.yaml"));
 *     cluster.awaitDeploymentAvailable("default", "web", Duration.ofSeconds(30));
 * }
 * }</pre>
 */
public final class J8sCluster implements AutoCloseable {
    /** Longest YAML {@link #applyYaml} sends. */
    public static final int MAX_YAML_BYTES = 16 << 20;

    static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(120);
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
    static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);
    static final Duration KUBECTL_TIMEOUT = Duration.ofSeconds(120);

    /** Where the cluster keeps its objects. */
    public enum Store {
        /** SQLite in the cluster's temporary data dir (the default). */
        SQLITE,
        /** An etcd the test runs, at {@link Builder#etcdEndpoints}. */
        ETCD
    }

    private final ClusterHostProcess host;
    private final String id;
    private final String kubeconfigYaml;
    private final Path kubeconfigPath;
    private final String apiServerUrl;
    private final long startMillis;
    private final boolean prefetched;
    private volatile boolean closed;

    private J8sCluster(ClusterHostProcess host, Map<String, Object> started) {
        this.host = host;
        this.id = (String) started.get("cluster");
        this.kubeconfigYaml = (String) started.get("kubeconfig");
        this.kubeconfigPath = Path.of((String) started.get("kubeconfigPath"));
        this.apiServerUrl = (String) started.get("url");
        this.startMillis = ((Number) started.get("startMillis")).longValue();
        this.prefetched = Boolean.TRUE.equals(started.get("prefetched"));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The options of a cluster; {@link #start()} starts one. */
    public static final class Builder {
        private List<String> nodes = List.of("node01");
        private int simulatedNodes;
        private Store store = Store.SQLITE;
        private List<String> etcdEndpoints = List.of();
        private boolean proxy = true;
        private List<String> serverArgs = List.of();
        private Duration startTimeout = DEFAULT_START_TIMEOUT;
        private boolean prefetch = prefetchEnabled();

        private Builder() {}

        /** The nodes that run Pods (default: one, {@code node01}); none: a control plane only. */
        public Builder nodes(String... names) {
            this.nodes = List.copyOf(Arrays.asList(names));
            return this;
        }

        /** Nodes whose Pods run nothing and are Ready at once (default: 0). */
        public Builder simulatedNodes(int count) {
            if (count < 0) {
                throw new IllegalArgumentException(
                        "simulatedNodes must be 0 or more, got " + count);
            }
            this.simulatedNodes = count;
            return this;
        }

        public Builder store(Store store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** The etcd client URLs, with {@link Store#ETCD}. */
        public Builder etcdEndpoints(String... urls) {
            this.etcdEndpoints = List.copyOf(Arrays.asList(urls));
            return this;
        }

        /** Whether the service proxy runs, making ClusterIPs reachable (default: on). */
        public Builder proxy(boolean enabled) {
            this.proxy = enabled;
            return this;
        }

        /**
         * Flags of {@code j8s server} given as they are (e.g. {@code --lb-policy=random}); they win
         * over the builder's.
         */
        public Builder serverArgs(String... args) {
            this.serverArgs = List.copyOf(Arrays.asList(args));
            return this;
        }

        /** How long {@link #start()} waits for the cluster to be ready (default: 120 s). */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = checkTimeout(timeout);
            return this;
        }

        /**
         * Whether the host starts the next cluster of these options in the background once this one
         * is handed over, so that a later {@code start()} with the same options gets it ready
         * (docs/junit.md, "Prefetched clusters"). Default: on, unless {@code -Dj8s.prefetch=false}.
         * Never done for an etcd store or given ports, ranges or data dir.
         */
        public Builder prefetch(boolean enabled) {
            this.prefetch = enabled;
            return this;
        }

        /** The {@code j8s server} flags these options give. */
        List<String> args() {
            List<String> args = new ArrayList<>();
            if (!has("--nodes")) {
                args.add("--nodes=" + String.join(",", nodes));
            }
            if (simulatedNodes > 0 && !has("--simulated-nodes")) {
                args.add("--simulated-nodes=" + simulatedNodes);
            }
            if (!has("--store")) {
                args.add("--store=" + store.name().toLowerCase(java.util.Locale.ROOT));
            }
            if (!etcdEndpoints.isEmpty() && !has("--etcd-endpoints")) {
                args.add("--etcd-endpoints=" + String.join(",", etcdEndpoints));
            }
            if (!has("--proxy") && !has("--no-proxy")) {
                args.add(proxy ? "--proxy" : "--no-proxy");
            }
            args.addAll(serverArgs);
            return args;
        }

        private boolean has(String flag) {
            return serverArgs.stream().anyMatch(a -> a.equals(flag) || a.startsWith(flag + "="));
        }

        /** A key telling apart clusters of different options (clusters shared per run). */
        String key() {
            return args().toString();
        }

        /**
         * Starts the cluster and waits until it is ready: API served, controllers running, nodes
         * Ready.
         *
         * @throws J8sException with the server's own message when it cannot start
         */
        public J8sCluster start() {
            // a host started here begins this very cluster at launch, before it answers anything
            // (not a prefetch of a next one: with prefetch(false) too)
            ClusterHostProcess host = ClusterHostProcess.get(args(), false);
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("args", args());
            params.put("prefetch", prefetch);
            return new J8sCluster(host, host.call("start", params, startTimeout));
        }
    }

    /** The cluster's name in its host (e.g. {@code c1}). */
    public String id() {
        return id;
    }

    /** An admin kubeconfig (client certificate, CA) as YAML. */
    public String kubeconfigYaml() {
        return kubeconfigYaml;
    }

    /** The admin kubeconfig's file (deleted by {@link #close()}). */
    public Path kubeconfigPath() {
        return kubeconfigPath;
    }

    /** The API server's URL, e.g. {@code https://127.0.0.1:41234}. */
    public String apiServerUrl() {
        return apiServerUrl;
    }

    /**
     * How long the host took from the start request to handing over a ready cluster, in
     * milliseconds (for a {@link #prefetched()} cluster: the wait for the rest of its start).
     */
    public long startMillis() {
        return startMillis;
    }

    /**
     * Whether the host had started this cluster before it was asked for (docs/junit.md, "Prefetched
     * clusters"): a fresh cluster all the same, used by no one before.
     */
    public boolean prefetched() {
        return prefetched;
    }

    /** The system property that turns prefetching off ({@code false}). */
    static final String PREFETCH_PROPERTY = "j8s.prefetch";

    /** Whether clusters are prefetched ({@code -Dj8s.prefetch}, default true). */
    static boolean prefetchEnabled() {
        return !"false".equalsIgnoreCase(System.getProperty(PREFETCH_PROPERTY, "true").trim());
    }

    /**
     * Creates each object of the YAML file, or merge-patches it when it exists.
     *
     * @return one line per object, as kubectl prints them ({@code deployment/web created})
     */
    public List<String> apply(Path yamlFile) {
        try {
            if (Files.size(yamlFile) > MAX_YAML_BYTES) {
                throw new J8sException(yamlFile + " is larger than " + MAX_YAML_BYTES + " bytes");
            }
            return applyYaml(Files.readString(yamlFile));
        } catch (IOException e) {
            throw new J8sException("cannot read " + yamlFile + ": " + e.getMessage(), e);
        }
    }

    /** {@link #apply(Path)} of a class path resource (of the thread's context class loader). */
    public List<String> applyResource(String resource) {
        String name = resource.startsWith("/") ? resource.substring(1) : resource;
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = J8sCluster.class.getClassLoader();
        }
        try (InputStream in = loader.getResourceAsStream(name)) {
            if (in == null) {
                throw new J8sException("no class path resource " + name);
            }
            byte[] bytes = in.readNBytes(MAX_YAML_BYTES + 1);
            if (bytes.length > MAX_YAML_BYTES) {
                throw new J8sException(name + " is larger than " + MAX_YAML_BYTES + " bytes");
            }
            return applyYaml(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new J8sException("cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    /** {@link #apply(Path)} of YAML text (one or more documents). */
    @SuppressWarnings("unchecked")
    public List<String> applyYaml(String yaml) {
        if (yaml.length() > MAX_YAML_BYTES) {
            throw new J8sException("the YAML is larger than " + MAX_YAML_BYTES + " characters");
        }
        Map<String, Object> answer = call("apply", Map.of("yaml", yaml), CALL_TIMEOUT);
        return List.copyOf((List<String>) answer.get("results"));
    }

    /**
     * Waits until the Deployment has all its replicas updated and available (condition Available).
     *
     * @throws J8sException saying how far it got when the time is up
     */
    public void awaitDeploymentAvailable(String namespace, String name, Duration timeout) {
        call(
                "awaitDeployment",
                Map.of("namespace", namespace, "name", name),
                checkTimeout(timeout));
    }

    /**
     * Waits until the Endpoints {@code namespace/name} list at least {@code count} ready addresses.
     *
     * @return the ready addresses' IPs
     */
    @SuppressWarnings("unchecked")
    public List<String> awaitEndpoints(String namespace, String name, int count, Duration timeout) {
        Map<String, Object> answer =
                call(
                        "awaitEndpoints",
                        Map.of("namespace", namespace, "name", name, "count", count),
                        checkTimeout(timeout));
        return List.copyOf((List<String>) answer.get("addresses"));
    }

    /** The log of the Pod's only (or first) container, at most 4 MiB. */
    public String podLogs(String namespace, String pod) {
        return podLogs(namespace, pod, "");
    }

    /** The log of one container of the Pod, at most 4 MiB. */
    public String podLogs(String namespace, String pod, String container) {
        return (String)
                call(
                                "logs",
                                Map.of("namespace", namespace, "pod", pod, "container", container),
                                CALL_TIMEOUT)
                        .get("text");
    }

    /**
     * The Service's ClusterIP and {@code port}: with the proxy on, a connection to it from the test
     * reaches one of the Service's ready Pods.
     */
    public InetSocketAddress serviceAddress(String namespace, String name, int port) {
        Map<String, Object> answer =
                call(
                        "serviceAddress",
                        Map.of("namespace", namespace, "name", name, "port", port),
                        CALL_TIMEOUT);
        String ip = (String) answer.get("host");
        try {
            return new InetSocketAddress(
                    InetAddress.getByName(ip), ((Number) answer.get("port")).intValue());
        } catch (UnknownHostException e) {
            throw new J8sException("the ClusterIP " + ip + " is not an address", e);
        }
    }

    /**
     * Runs {@code kubectl} with this cluster's {@code KUBECONFIG}: {@code -Dj8s.kubectl=PATH}, else
     * {@code $J8S_KUBECTL}, else {@code kubectl} on the PATH. It is stopped after 120 s.
     */
    public KubectlResult kubectl(String... args) {
        checkOpen();
        String binary = System.getProperty("j8s.kubectl");
        if (binary == null || binary.isBlank()) {
            binary = System.getenv("J8S_KUBECTL");
        }
        if (binary == null || binary.isBlank()) {
            binary = "kubectl";
        }
        List<String> command = new ArrayList<>();
        command.add(binary);
        command.addAll(Arrays.asList(args));
        Path out = null;
        Path err = null;
        Process process = null;
        try {
            out = Files.createTempFile("j8s-kubectl-", ".out");
            err = Files.createTempFile("j8s-kubectl-", ".err");
            ProcessBuilder builder =
                    new ProcessBuilder(command)
                            .redirectOutput(out.toFile())
                            .redirectError(err.toFile())
                            .redirectInput(ProcessBuilder.Redirect.PIPE);
            builder.environment().put("KUBECONFIG", kubeconfigPath.toString());
            process = builder.start();
            process.getOutputStream().close();
            if (!process.waitFor(KUBECTL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new J8sException(
                        "kubectl "
                                + String.join(" ", args)
                                + " did not finish within "
                                + KUBECTL_TIMEOUT.toSeconds()
                                + " s");
            }
            return new KubectlResult(process.exitValue(), read(out), read(err));
        } catch (IOException e) {
            throw new J8sException("cannot run " + binary + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new J8sException("interrupted while kubectl ran");
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(MAX_YAML_BYTES), StandardCharsets.UTF_8);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a leftover temporary file is harmless
            }
        }
    }

    private Map<String, Object> call(String op, Map<String, Object> params, Duration timeout) {
        checkOpen();
        Map<String, Object> all = new LinkedHashMap<>(params);
        all.put("cluster", id);
        return host.call(op, all, timeout);
    }

    private void checkOpen() {
        if (closed) {
            throw new J8sException("cluster " + id + " is closed");
        }
    }

    private static Duration checkTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException(
                    "a timeout must be more than 0 and at most "
                            + MAX_TIMEOUT
                            + ", got "
                            + timeout);
        }
        return timeout;
    }

    /** Stops the cluster (its nodes' Pods too) and deletes its data. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ClusterHostProcess.running() != host) {
            return; // the host is gone, and the cluster with it
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("cluster", id);
        host.call("stop", params, CALL_TIMEOUT);
    }

    /**
     * Stops the cluster host JVM and every cluster still in it (done anyway when the test JVM
     * exits); the next {@link Builder#start()} starts a new host.
     */
    public static void shutdownHost() {
        ClusterHostProcess.shutdownCurrent();
    }

    /** The cluster host's process, while one runs (to check what it started). */
    public static java.util.Optional<ProcessHandle> hostProcess() {
        ClusterHostProcess host = ClusterHostProcess.running();
        return host == null ? java.util.Optional.empty() : java.util.Optional.of(host.handle());
    }

    @Override
    public String toString() {
        return "J8sCluster[" + id + " " + apiServerUrl + (closed ? " closed" : "") + "]";
    }
}
