package io.j8s.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.j8s.node.logs.ContainerLog;
import io.j8s.node.logs.LogQuery;
import io.j8s.node.testing.Ports;
import io.j8s.node.testing.TestPods;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BuiltinRuntimeTest {

    private EventLoopGroup group;
    private BuiltinRuntime runtime;
    private ContainerInstance instance;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeEach
    void setUp() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        runtime = new BuiltinRuntime(group, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (instance != null) {
            instance.stop(Duration.ZERO);
            instance.exit().get(5, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private ContainerInstance start(String ip, Container c, ContainerLog log)
            throws ContainerStartException {
        return runtime.start(
                new ContainerLaunch("default", "web-7", "uid", "node01", ip, c, Map.of(), log));
    }

    @Test
    void start_answersEveryRequestWithThePodsName() throws Exception {
        String ip = Ports.uniqueLoopbackIp();
        int port = Ports.freePort(ip);
        ContainerLog log = new ContainerLog(1 << 20);
        instance = start(ip, TestPods.web("nginx", port), log);

        HttpResponse<String> text =
                http.send(
                        HttpRequest.newBuilder(
                                        URI.create("http://" + ip + ":" + port + "/anything"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(text.statusCode()).isEqualTo(200);
        assertThat(text.body())
                .isEqualTo("Hello from pod default/web-7 (IP " + ip + ", node node01)\n");

        HttpResponse<String> json =
                http.send(
                        HttpRequest.newBuilder(URI.create("http://" + ip + ":" + port + "/x"))
                                .header("Accept", "application/json")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(json.headers().firstValue("content-type")).contains("application/json");
        assertThat(json.body())
                .contains(
                        "\"pod\":\"web-7\"",
                        "\"namespace\":\"default\"",
                        "\"ip\":\"" + ip + "\"",
                        "\"node\":\"node01\"",
                        "\"path\":\"/x\"");

        String access = new String(log.read(LogQuery.all()), StandardCharsets.UTF_8);
        assertThat(access).contains("\"GET /anything HTTP/1.1\" 200");
    }

    @Test
    void stop_closesTheListener() throws Exception {
        String ip = Ports.uniqueLoopbackIp();
        int port = Ports.freePort(ip);
        ContainerLog log = new ContainerLog(1 << 20);
        ContainerInstance i = start(ip, TestPods.web("nginx", port), log);
        i.stop(Duration.ofSeconds(30));
        ExitStatus exit = i.exit().get(5, TimeUnit.SECONDS);
        assertThat(exit.reason()).isEqualTo("Completed");
        assertThat(log.isClosed()).isTrue();
        assertThatThrownBy(() -> new Socket(ip, port).close()).isInstanceOf(IOException.class);
    }

    @Test
    void start_failsClearlyWhenThePortIsTaken() throws Exception {
        String ip = Ports.uniqueLoopbackIp();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(ip, 0));
            int port = taken.getLocalPort();
            int second = Ports.freePort(ip);
            assertThatThrownBy(
                            () ->
                                    start(
                                            ip,
                                            TestPods.web("nginx", second, port),
                                            new ContainerLog(1 << 20)))
                    .isInstanceOf(ContainerStartException.class)
                    .hasMessage(
                            "binding "
                                    + ip
                                    + ":"
                                    + port
                                    + " failed: the address is already in use (another Pod or process on this host listens there)");
            // The port that did bind was released again.
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(ip, second));
            }
        }
    }

    @Test
    void bindErrors_explainPrivilegedPorts() {
        String msg =
                BindErrors.explain(
                        "127.244.1.5", 80, "TCP", new BindException("Permission denied"));
        assertThat(msg)
                .isEqualTo(
                        "binding 127.244.1.5:80 needs root or CAP_NET_BIND_SERVICE; run as root or grant the capability "
                                + "(setcap cap_net_bind_service=+ep $(readlink -f $(command -v java))) or use containerPort >= 1024");
        assertThat(
                        BindErrors.explain(
                                "10.1.1.1",
                                8080,
                                "TCP",
                                new BindException("Cannot assign requested address")))
                .contains("is not an address of this host");
    }

    @Test
    void start_onAPrivilegedPortWithoutPrivilegesSaysWhatToDo() throws Exception {
        boolean privileged;
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(Ports.uniqueLoopbackIp(), 1023));
            privileged = true;
        } catch (BindException e) {
            privileged = false;
        }
        String ip = Ports.uniqueLoopbackIp();
        if (privileged) {
            // Root (or CAP_NET_BIND_SERVICE): port 80 works, as for a real nginx.
            instance = start(ip, TestPods.web("nginx"), new ContainerLog(1 << 20));
            try (Socket s = new Socket(ip, 80)) {
                assertThat(s.isConnected()).isTrue();
            }
        } else {
            assertThatThrownBy(() -> start(ip, TestPods.web("nginx"), new ContainerLog(1 << 20)))
                    .hasMessageContaining("needs root or CAP_NET_BIND_SERVICE");
        }
    }

    @Test
    void start_udpPortsEchoWithThePodName() throws Exception {
        String ip = Ports.uniqueLoopbackIp();
        int port;
        try (DatagramSocket free = new DatagramSocket(new InetSocketAddress(ip, 0))) {
            port = free.getLocalPort();
        }
        Container c =
                new ContainerBuilder()
                        .withName("dns")
                        .withImage("coredns")
                        .addNewPort()
                        .withContainerPort(port)
                        .withProtocol("UDP")
                        .endPort()
                        .build();
        instance = start(ip, c, new ContainerLog(1 << 20));
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.setSoTimeout(3000);
            byte[] ping = "ping".getBytes(StandardCharsets.UTF_8);
            client.send(new DatagramPacket(ping, ping.length, InetAddress.getByName(ip), port));
            DatagramPacket reply = new DatagramPacket(new byte[100], 100);
            client.receive(reply);
            assertThat(new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8))
                    .isEqualTo("web-7: ping");
        }
    }
}
