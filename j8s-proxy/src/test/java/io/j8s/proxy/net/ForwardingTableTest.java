package io.j8s.proxy.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.j8s.proxy.ProxySettings;
import io.j8s.proxy.metrics.ProxyMetrics;
import io.j8s.proxy.model.EndpointState;
import io.j8s.proxy.model.LbPolicy;
import io.j8s.proxy.model.Protocol;
import io.j8s.proxy.model.ServiceKey;
import io.j8s.proxy.model.ServicePortName;
import io.j8s.proxy.model.ServicePortState;
import io.j8s.proxy.model.ServiceState;
import io.j8s.proxy.model.TrafficPolicy;
import io.j8s.proxy.testing.Net;
import io.j8s.proxy.testing.TcpNameServer;
import io.j8s.proxy.testing.UdpNameServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The data plane against real sockets on loopback: what a client of a ClusterIP sees. */
class ForwardingTableTest {

    private SimpleMeterRegistry registry;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private ForwardingTable table;
    private String clusterIp;
    private int port;

    @BeforeEach
    void setUp() throws IOException {
        table = newTable(ProxySettings.defaults().withIoThreads(2));
        clusterIp = Net.randomClusterIp();
        port = Net.freePort(clusterIp);
    }

    @AfterEach
    void tearDown() throws Exception {
        table.close();
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    /** A table with its own registry: meters are registered once per registry. */
    private ForwardingTable newTable(ProxySettings settings) {
        registry = new SimpleMeterRegistry();
        return new ForwardingTable(
                settings, "node-1", new ProxyMetrics(registry), Clock.systemUTC());
    }

    private List<TcpNameServer> backends(int n) throws IOException {
        List<TcpNameServer> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TcpNameServer b = TcpNameServer.start(Net.randomPodIp(), "backend-" + i);
            closeables.add(b);
            list.add(b);
        }
        return list;
    }

    private static List<EndpointState> endpoints(List<TcpNameServer> backends) {
        return backends.stream().map(TcpNameServer::endpoint).toList();
    }

    private ServicePortName portName(String service) {
        return new ServicePortName(new ServiceKey("default", service), "http", Protocol.TCP);
    }

    private ServicePortState port(String service, List<EndpointState> endpoints) {
        return ServicePortState.of(portName(service), clusterIp, port, endpoints);
    }

    private void apply(ServicePortState... ports) {
        table.apply(ServiceState.of(ports[0].name().service(), List.of(ports)));
    }

    private InetSocketAddress vip() {
        return new InetSocketAddress(clusterIp, port);
    }

    private Map<String, Integer> askMany(int n, String sourceIp) throws IOException {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge(Net.ask(vip(), sourceIp), 1, Integer::sum);
        }
        return counts;
    }

    private double counter(String name, String endpoint) {
        return registry.find(name).tag("endpoint", endpoint).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    @Test
    void roundRobin_300Requests_reachEachOf3BackendsExactly100Times() throws IOException {
        List<TcpNameServer> backends = backends(3);
        apply(port("web", endpoints(backends)));

        Map<String, Integer> counts = askMany(300, null);

        assertThat(counts)
                .containsOnly(
                        Map.entry("backend-0", 100),
                        Map.entry("backend-1", 100),
                        Map.entry("backend-2", 100));
        assertThat(backends).allSatisfy(b -> assertThat(b.accepted()).isEqualTo(100));
    }

    @Test
    void roundRobin_onNio_alsoSpreadsEvenly() throws IOException {
        table.close();
        table = newTable(ProxySettings.defaults().withIoThreads(1).withNativeTransport(false));
        assertThat(table.transport()).isEqualTo("nio");
        List<TcpNameServer> backends = backends(3);
        apply(port("web", endpoints(backends)));

        assertThat(askMany(30, null).values()).containsOnly(10);
    }

    @Test
    void transport_isEpollOnLinux() {
        if (System.getProperty("os.name").toLowerCase().contains("linux")) {
            assertThat(table.transport()).isEqualTo("epoll");
        }
    }

    @Test
    void clientIpAffinity_sameSourceAddress_alwaysReachesTheSameBackend() throws IOException {
        List<TcpNameServer> backends = backends(3);
        apply(port("web", endpoints(backends)).withAffinity(Duration.ofSeconds(10800)));

        Map<String, Integer> fromTwo = askMany(30, "127.0.0.2");
        Map<String, Integer> fromThree = askMany(30, "127.0.0.3");

        assertThat(fromTwo).hasSize(1).containsValue(30);
        assertThat(fromThree).hasSize(1).containsValue(30);
        // Without affinity the same client is spread again.
        apply(port("web", endpoints(backends)));
        assertThat(askMany(30, "127.0.0.2")).hasSize(3);
    }

    @Test
    void endpointChange_doesNotBreakAnEstablishedConnection() throws IOException {
        List<TcpNameServer> backends = backends(3);
        apply(port("web", endpoints(backends.subList(0, 1))));
        try (Socket longLived = new Socket()) {
            longLived.connect(vip(), 2000);
            longLived.setSoTimeout(5000);
            longLived.getOutputStream().write("one\n".getBytes(StandardCharsets.UTF_8));
            assertThat(Net.readLine(longLived)).isEqualTo("backend-0");

            // backend-0 leaves the Service; two others join.
            apply(port("web", endpoints(backends.subList(1, 3))));

            assertThat(askMany(10, null)).containsOnlyKeys("backend-1", "backend-2");
            longLived.getOutputStream().write("two\n".getBytes(StandardCharsets.UTF_8));
            assertThat(Net.readLine(longLived)).isEqualTo("backend-0");
        }
    }

    @Test
    void noEndpoints_connectionIsResetAtOnce() throws IOException {
        apply(port("web", List.of()));

        long start = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(vip(), 2000);
            s.setSoTimeout(3000);
            s.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(
                            () -> {
                                if (s.getInputStream().read() == -1) {
                                    throw new SocketException("EOF");
                                }
                            })
                    .isInstanceOf(SocketException.class);
        } catch (SocketException e) {
            // Reset may already surface on write.
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(
                        registry.find(ProxyMetrics.REJECTED_CONNECTIONS)
                                .tag("reason", "no_endpoints")
                                .counter()
                                .count())
                .isEqualTo(1);
    }

    @Test
    void notReadyEndpoints_areNotUsed_terminatingServingOnesAreTheFallback() throws IOException {
        List<TcpNameServer> backends = backends(2);
        EndpointState notReady =
                new EndpointState(
                        backends.get(0).endpoint().ip(),
                        backends.get(0).endpoint().port(),
                        false,
                        false,
                        false,
                        null,
                        null);
        EndpointState terminating =
                new EndpointState(
                        backends.get(1).endpoint().ip(),
                        backends.get(1).endpoint().port(),
                        false,
                        true,
                        true,
                        null,
                        null);
        apply(port("web", List.of(notReady, terminating)));

        assertThat(askMany(6, null)).containsOnly(Map.entry("backend-1", 6));
    }

    @Test
    void internalTrafficPolicyLocal_usesOnlyThisNodesEndpoints() throws IOException {
        List<TcpNameServer> backends = backends(2);
        EndpointState here =
                new EndpointState(
                        backends.get(0).endpoint().ip(),
                        backends.get(0).endpoint().port(),
                        true,
                        true,
                        false,
                        "node-1",
                        "web-0");
        EndpointState there =
                new EndpointState(
                        backends.get(1).endpoint().ip(),
                        backends.get(1).endpoint().port(),
                        true,
                        true,
                        false,
                        "node-2",
                        "web-1");
        apply(
                port("web", List.of(here, there))
                        .withTrafficPolicies(TrafficPolicy.LOCAL, TrafficPolicy.CLUSTER));

        assertThat(askMany(6, null)).containsOnly(Map.entry("backend-0", 6));
    }

    @Test
    void connectFailure_triesTheNextEndpoint() throws IOException {
        TcpNameServer live = backends(1).get(0);
        String deadIp = Net.randomPodIp();
        EndpointState dead = EndpointState.ready(deadIp, Net.freePort(deadIp)); // nothing listens
        apply(port("web", List.of(dead, live.endpoint())));

        assertThat(askMany(10, null)).containsOnly(Map.entry("backend-0", 10));
        assertThat(counter(ProxyMetrics.ENDPOINT_CONNECT_FAILURES, dead.address())).isPositive();
        assertThat(counter(ProxyMetrics.ENDPOINT_CONNECTIONS, live.endpoint().address()))
                .isEqualTo(10);
    }

    @Test
    void allEndpointsDead_connectionIsResetAfterTheAttempts() throws IOException {
        String deadIp = Net.randomPodIp();
        apply(port("web", List.of(EndpointState.ready(deadIp, Net.freePort(deadIp)))));

        long start = System.nanoTime();
        assertThatThrownBy(
                        () -> {
                            if (Net.ask(vip()) == null) {
                                throw new SocketException("EOF");
                            }
                        })
                .isInstanceOf(IOException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(
                        registry.find(ProxyMetrics.REJECTED_CONNECTIONS)
                                .tag("reason", "connect_failed")
                                .counter()
                                .count())
                .isEqualTo(1);
    }

    @Test
    void leastConnections_sendsNewConnectionsToTheIdleBackend() throws IOException {
        List<TcpNameServer> backends = backends(3);
        apply(port("web", endpoints(backends)).withPolicy(LbPolicy.LEAST_CONNECTIONS));
        List<Socket> held = new ArrayList<>();
        try {
            Set<String> holders = new HashSet<>();
            for (int i = 0; i < 2; i++) {
                Socket s = new Socket();
                held.add(s);
                s.connect(vip(), 2000);
                s.setSoTimeout(5000);
                s.getOutputStream().write("hold\n".getBytes(StandardCharsets.UTF_8));
                holders.add(Net.readLine(s));
            }
            assertThat(holders).hasSize(2);

            // The third backend is the only idle one: every short request goes there (once the
            // previous request's connection is really gone).
            Map<String, Integer> counts = new HashMap<>();
            for (int i = 0; i < 5; i++) {
                counts.merge(Net.ask(vip()), 1, Integer::sum);
                await().atMost(Duration.ofSeconds(5))
                        .untilAsserted(
                                () ->
                                        assertThat(
                                                        registry.find(
                                                                        ProxyMetrics
                                                                                .ACTIVE_CONNECTIONS)
                                                                .gauge()
                                                                .value())
                                                .isEqualTo(2));
            }
            assertThat(counts).hasSize(1);
            assertThat(holders).doesNotContainAnyElementsOf(counts.keySet());
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void random_reachesEveryBackend() throws IOException {
        List<TcpNameServer> backends = backends(3);
        apply(port("web", endpoints(backends)).withPolicy(LbPolicy.RANDOM));

        Map<String, Integer> counts = askMany(90, null);

        // Each backend expects 30; the chance of any falling under 10 is below 1e-6.
        assertThat(counts).hasSize(3).allSatisfy((k, v) -> assertThat(v).isGreaterThan(10));
    }

    @Test
    void halfClose_clientEndsItsOutput_stillReceivesTheRestOfTheAnswer() throws IOException {
        backends(1);
        TcpNameServer backend = (TcpNameServer) closeables.get(0);
        apply(port("web", List.of(backend.endpoint())));

        try (Socket s = new Socket()) {
            s.connect(vip(), 2000);
            s.setSoTimeout(5000);
            s.getOutputStream().write("a\nb\n".getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();

            assertThat(Net.readAll(s)).containsExactly("backend-0", "backend-0", "bye backend-0");
        }
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(
                        () ->
                                assertThat(
                                                registry.find(ProxyMetrics.ACTIVE_CONNECTIONS)
                                                        .gauge()
                                                        .value())
                                        .isZero());
    }

    @Test
    void largeTransfer_isRelayedIntactBothWays() throws Exception {
        TcpNameServer echo = TcpNameServer.echo(Net.randomPodIp());
        closeables.add(echo);
        apply(port("echo", List.of(echo.endpoint())));
        byte[] payload = new byte[8 * 1024 * 1024];
        new Random(1).nextBytes(payload);

        try (Socket s = new Socket()) {
            s.connect(vip(), 2000);
            s.setSoTimeout(10_000);
            Thread writer =
                    new Thread(
                            () -> {
                                try {
                                    OutputStream out = s.getOutputStream();
                                    for (int off = 0; off < payload.length; off += 65536) {
                                        out.write(
                                                payload,
                                                off,
                                                Math.min(65536, payload.length - off));
                                    }
                                    s.shutdownOutput();
                                } catch (IOException e) {
                                    throw new IllegalStateException(e);
                                }
                            });
            writer.start();
            InputStream in = s.getInputStream();
            byte[] received = in.readAllBytes();
            writer.join(10_000);

            assertThat(received).hasSize(payload.length).isEqualTo(payload);
        }
        String address = echo.endpoint().address();
        assertThat(counter(ProxyMetrics.ENDPOINT_BYTES_SENT, address)).isEqualTo(payload.length);
        assertThat(counter(ProxyMetrics.ENDPOINT_BYTES_RECEIVED, address))
                .isEqualTo(payload.length);
    }

    @Test
    void portRemoved_closesTheListener_butNotEstablishedConnections() throws IOException {
        List<TcpNameServer> backends = backends(1);
        apply(port("web", endpoints(backends)));
        try (Socket longLived = new Socket()) {
            longLived.connect(vip(), 2000);
            longLived.setSoTimeout(5000);
            longLived.getOutputStream().write("hi\n".getBytes(StandardCharsets.UTF_8));
            assertThat(Net.readLine(longLived)).isEqualTo("backend-0");

            table.apply(ServiceState.absent(portName("web").service()));

            assertThat(table.services()).isEmpty();
            assertThatThrownBy(() -> Net.ask(vip())).isInstanceOf(ConnectException.class);
            longLived.getOutputStream().write("still there?\n".getBytes(StandardCharsets.UTF_8));
            assertThat(Net.readLine(longLived)).isEqualTo("backend-0");
        }
    }

    @Test
    void portMoved_rebindsTheListener() throws IOException {
        List<TcpNameServer> backends = backends(1);
        apply(port("web", endpoints(backends)));
        int newPort = Net.freePort(clusterIp);

        apply(ServicePortState.of(portName("web"), clusterIp, newPort, endpoints(backends)));

        assertThat(Net.ask(new InetSocketAddress(clusterIp, newPort))).isEqualTo("backend-0");
        assertThatThrownBy(() -> Net.ask(vip())).isInstanceOf(ConnectException.class);
    }

    @Test
    void bindFailure_isReportedPerService_andOtherServicesStillWork() throws IOException {
        List<TcpNameServer> backends = backends(1);
        ServerSocket squatter = new ServerSocket();
        squatter.bind(vip());
        String otherIp = Net.randomClusterIp();
        int otherPort = Net.freePort(otherIp);
        try {
            apply(port("blocked", endpoints(backends)));
            apply(ServicePortState.of(portName("fine"), otherIp, otherPort, endpoints(backends)));

            assertThat(table.isListening(portName("blocked"))).isFalse();
            assertThat(Net.ask(new InetSocketAddress(otherIp, otherPort))).isEqualTo("backend-0");
            assertThat(
                            registry.find(ProxyMetrics.BIND_FAILURES)
                                    .tag("service", "blocked")
                                    .counter()
                                    .count())
                    .isEqualTo(1);
            assertThat(registry.find(ProxyMetrics.LISTENERS_FAILED).gauge().value()).isEqualTo(1);
        } finally {
            squatter.close();
        }

        table.retryFailedListeners();

        assertThat(table.isListening(portName("blocked"))).isTrue();
        assertThat(Net.ask(vip())).isEqualTo("backend-0");
        assertThat(registry.find(ProxyMetrics.LISTENERS_FAILED).gauge().value()).isZero();
    }

    @Test
    void nodePort_listensOnTheNodePortAddressToo() throws IOException {
        List<TcpNameServer> backends = backends(1);
        int nodePort = Net.freePort("127.0.0.1");
        apply(port("web", endpoints(backends)).withNodePort(nodePort));

        assertThat(Net.ask(new InetSocketAddress("127.0.0.1", nodePort))).isEqualTo("backend-0");
        assertThat(Net.ask(vip())).isEqualTo("backend-0");
    }

    @Test
    void metrics_countConnectionsAndBytes_perEndpoint() throws IOException {
        List<TcpNameServer> backends = backends(2);
        apply(port("web", endpoints(backends)));
        // No series before traffic: a cluster's endpoints would otherwise cost five series each.
        assertThat(registry.find(ProxyMetrics.ENDPOINT_CONNECTIONS).counters()).isEmpty();

        askMany(10, null);

        for (TcpNameServer b : backends) {
            String address = b.endpoint().address();
            assertThat(counter(ProxyMetrics.ENDPOINT_CONNECTIONS, address)).isEqualTo(5);
            assertThat(counter(ProxyMetrics.ENDPOINT_BYTES_SENT, address)).isEqualTo(5 * 6);
            // At least the answers; the backend's "bye" may also make it before the client is gone.
            assertThat(counter(ProxyMetrics.ENDPOINT_BYTES_RECEIVED, address))
                    .isGreaterThanOrEqualTo(5 * ("backend-0\n".length()));
            assertThat(
                            registry.find(ProxyMetrics.ENDPOINT_CONNECTIONS)
                                    .tag("endpoint", address)
                                    .counter()
                                    .getId()
                                    .getTags())
                    .extracting(t -> t.getKey() + "=" + t.getValue())
                    .contains("namespace=default", "service=web", "port=http");
        }
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(
                        () ->
                                assertThat(
                                                registry.find(ProxyMetrics.ACTIVE_CONNECTIONS)
                                                        .gauge()
                                                        .value())
                                        .isZero());

        // An endpoint that leaves takes its meters with it.
        apply(port("web", endpoints(backends.subList(0, 1))));
        assertThat(
                        registry.find(ProxyMetrics.ENDPOINT_CONNECTIONS)
                                .tag("endpoint", backends.get(1).endpoint().address())
                                .counter())
                .isNull();
    }

    @Test
    void udp_roundTripThroughTheClusterIp() throws IOException {
        List<UdpNameServer> udpBackends = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            UdpNameServer b = UdpNameServer.start(Net.randomPodIp(), "dns-" + i);
            closeables.add(b);
            udpBackends.add(b);
        }
        ServicePortName name =
                new ServicePortName(new ServiceKey("default", "dns"), "dns", Protocol.UDP);
        table.apply(
                ServiceState.of(
                        name.service(),
                        List.of(
                                ServicePortState.of(
                                        name,
                                        clusterIp,
                                        port,
                                        udpBackends.stream()
                                                .map(UdpNameServer::endpoint)
                                                .toList()))));

        Set<String> seen = new HashSet<>();
        for (int client = 0; client < 2; client++) {
            try (DatagramSocket socket =
                    new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                String first = Net.udpAsk(socket, vip(), "q" + client);
                String backend = first.substring(0, first.indexOf(':'));
                assertThat(first).isEqualTo(backend + ":q" + client);
                // The flow sticks to its backend.
                assertThat(Net.udpAsk(socket, vip(), "again")).isEqualTo(backend + ":again");
                seen.add(backend);
            }
        }
        assertThat(seen).containsExactlyInAnyOrder("dns-0", "dns-1");
    }

    @Test
    void udp_flowEndsAfterIdleTimeout() throws IOException {
        table.close();
        table =
                newTable(
                        ProxySettings.defaults()
                                .withIoThreads(1)
                                .withUdpIdleTimeout(Duration.ofMillis(200)));
        UdpNameServer b = UdpNameServer.start(Net.randomPodIp(), "dns-0");
        closeables.add(b);
        ServicePortName name =
                new ServicePortName(new ServiceKey("default", "dns"), "dns", Protocol.UDP);
        table.apply(
                ServiceState.of(
                        name.service(),
                        List.of(
                                ServicePortState.of(
                                        name, clusterIp, port, List.of(b.endpoint())))));

        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            assertThat(Net.udpAsk(socket, vip(), "x")).isEqualTo("dns-0:x");
            assertThat(registry.find(ProxyMetrics.ACTIVE_CONNECTIONS).gauge().value()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(
                            () ->
                                    assertThat(
                                                    registry.find(ProxyMetrics.ACTIVE_CONNECTIONS)
                                                            .gauge()
                                                            .value())
                                            .isZero());
            // A new flow starts on the next datagram.
            assertThat(Net.udpAsk(socket, vip(), "y")).isEqualTo("dns-0:y");
        }
    }

    @Test
    void udp_noEndpoints_dropsTheDatagram() throws IOException {
        ServicePortName name =
                new ServicePortName(new ServiceKey("default", "dns"), "dns", Protocol.UDP);
        table.apply(
                ServiceState.of(
                        name.service(),
                        List.of(ServicePortState.of(name, clusterIp, port, List.of()))));

        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            byte[] out = "x".getBytes(StandardCharsets.UTF_8);
            socket.send(new java.net.DatagramPacket(out, out.length, vip()));
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(
                            () ->
                                    assertThat(
                                                    registry.find(ProxyMetrics.REJECTED_CONNECTIONS)
                                                            .tag("service", "dns")
                                                            .counter()
                                                            .count())
                                            .isEqualTo(1));
        }
    }
}
