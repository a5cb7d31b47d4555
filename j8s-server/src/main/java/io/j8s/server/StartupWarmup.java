package io.j8s.server;

import io.fabric8.kubernetes.api.model.ConfigMapList;
import io.fabric8.kubernetes.api.model.EndpointsList;
import io.fabric8.kubernetes.api.model.NamespaceList;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeList;
import io.fabric8.kubernetes.api.model.PartialObjectMetadataList;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.ServiceAccountList;
import io.fabric8.kubernetes.api.model.ServiceList;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.api.model.apps.DeploymentList;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetList;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseList;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.j8s.client.cache.ComponentSerialization;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.LoggerFactory;

/**
 * Work the first server start of a JVM does whatever its options, done ahead on a thread of its own
 * so that it overlaps the start's sequential part (data dir, certificates, store, API server)
 * instead of following it (docs/architecture.md, "Start-up"): the JDK's TLS provider and default
 * context, and the components' JSON mapper ({@link ComponentSerialization#shared}) building its
 * readers for the objects the controllers, node agents, proxy and DNS list and watch, and its
 * writers for what the node agents write before their node is Ready. Nothing here changes what a
 * server does (but for Netty's JFR events, off unless asked: {@link #start(List)}); a failure is
 * only logged, and the start then does the same work itself.
 */
public final class StartupWarmup {
    private static final AtomicBoolean started = new AtomicBoolean();

    static final String NETTY_JFR = "io.netty.jfr.enabled";

    /**
     * The lists the components' informers read (the controllers', node agents', proxy's, DNS'), and
     * {@code Status}, the body of every error answer.
     */
    static final List<Class<?>> READ =
            List.of(
                    PodList.class,
                    NodeList.class,
                    ServiceList.class,
                    EndpointSliceList.class,
                    EndpointsList.class,
                    NamespaceList.class,
                    LeaseList.class,
                    DeploymentList.class,
                    ReplicaSetList.class,
                    ServiceAccountList.class,
                    ConfigMapList.class,
                    PartialObjectMetadataList.class,
                    Status.class);

    private StartupWarmup() {}

    /**
     * Starts the warm-up once per JVM; later calls do nothing, and so does {@code
     * -Dj8s.startupWarmup=false} (for comparisons).
     */
    public static void start() {
        start(null);
    }

    /**
     * {@link #start()}, parsing {@code serverArgs} (flags of {@code j8s server}) first, as the
     * server about to start will (for flags beyond the common ones, picocli's model is built by
     * reflection: some 50 ms in a fresh JVM; {@link ServerArgs#parse}). This class logs nothing
     * until its work is done, so that calling it first thing in {@code main} does not wait for the
     * logging set-up either.
     */
    public static void start(List<String> serverArgs) {
        if (System.getProperty(NETTY_JFR) == null) {
            // Netty's JFR events (buffer allocations) are registered, and their classes
            // instrumented, when Netty first loads: ~45 ms of a fresh JVM's start for events that
            // only a JFR recording reads. -Dio.netty.jfr.enabled=true keeps them.
            System.setProperty(NETTY_JFR, "false");
        }
        if (!Boolean.parseBoolean(System.getProperty("j8s.startupWarmup", "true"))
                || !started.compareAndSet(false, true)) {
            return;
        }
        Thread thread = new Thread(() -> run(serverArgs), "j8s-startup-warmup");
        thread.setDaemon(true);
        thread.start();
    }

    static void run(List<String> serverArgs) {
        long begin = System.nanoTime();
        if (serverArgs != null) {
            try {
                ServerArgs.parse(serverArgs);
            } catch (RuntimeException e) {
                // the server's own parse reports it
            }
        }
        try {
            // the JDK's TLS: its provider and the default context Netty's JDK contexts read
            Class.forName(
                    "io.netty.handler.ssl.JdkSslContext",
                    true,
                    StartupWarmup.class.getClassLoader());
            KubernetesSerialization json = ComponentSerialization.shared();
            for (Class<?> type : READ) {
                json.unmarshal("{\"items\":[{}]}", type);
            }
            // a watch event: its object's decoder looks every kind up in fabric8's registry, which
            // the first events of several watches at once would each fill
            json.unmarshal(SAMPLE_WATCH_EVENT, WatchEvent.class);
            // what the node agents write before their node is Ready: the Node and its status, the
            // node's Lease
            json.asJson(json.unmarshal(SAMPLE_NODE, Node.class));
            json.asJson(json.unmarshal(SAMPLE_LEASE, Lease.class));
        } catch (ClassNotFoundException | RuntimeException | LinkageError e) {
            LoggerFactory.getLogger(StartupWarmup.class)
                    .atDebug()
                    .setCause(e)
                    .log("start-up warm-up stopped");
            return;
        }
        LoggerFactory.getLogger(StartupWarmup.class)
                .atDebug()
                .addKeyValue("ms", (System.nanoTime() - begin) / 1_000_000)
                .log("start-up warm-up done");
    }

    static final String SAMPLE_NODE =
            """
            {"apiVersion":"v1","kind":"Node","metadata":{"name":"n","labels":{"k":"v"},\
            "annotations":{"k":"v"}},"spec":{"podCIDR":"127.244.1.0/24","podCIDRs":\
            ["127.244.1.0/24"],"taints":[{"key":"k","effect":"NoSchedule"}]},"status":\
            {"capacity":{"cpu":"2","memory":"1Ki"},"allocatable":{"cpu":"2"},"conditions":\
            [{"type":"Ready","status":"True","reason":"r","message":"m",\
            "lastHeartbeatTime":"2026-01-01T00:00:00Z","lastTransitionTime":\
            "2026-01-01T00:00:00Z"}],"addresses":[{"type":"InternalIP","address":"127.0.0.1"}],\
            "daemonEndpoints":{"kubeletEndpoint":{"Port":1}},"nodeInfo":{"kubeletVersion":"v"}}}
            """;

    static final String SAMPLE_WATCH_EVENT =
            """
            {"type":"ADDED","object":{"apiVersion":"v1","kind":"Namespace","metadata":\
            {"name":"n"}}}
            """;

    static final String SAMPLE_LEASE =
            """
            {"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"l"},"spec":\
            {"holderIdentity":"h","leaseDurationSeconds":40,"renewTime":\
            "2026-01-01T00:00:00.000000Z","acquireTime":"2026-01-01T00:00:00.000000Z"}}
            """;
}
