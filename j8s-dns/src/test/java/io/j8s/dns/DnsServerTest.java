package io.j8s.dns;

import static io.j8s.dns.Records.clusterIp;
import static io.j8s.dns.Records.headless;
import static io.j8s.dns.Records.put;
import static io.j8s.dns.Records.slice;
import static io.j8s.dns.Records.texts;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.AbstractDnsOptPseudoRrRecord;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryEncoder;
import io.netty.handler.codec.dns.DatagramDnsResponseDecoder;
import io.netty.handler.codec.dns.DefaultDnsQuery;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.handler.codec.dns.TcpDnsQueryEncoder;
import io.netty.handler.codec.dns.TcpDnsResponseDecoder;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The protocol over real sockets: UDP, TCP, truncation, forwarding, refusing, limits, metrics. */
class DnsServerTest {
    private final List<DnsServer> servers = new ArrayList<>();
    private final MeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void stop() {
        servers.forEach(DnsServer::close);
    }

    private DnsServer start(ServiceRecords records, DnsSettings settings)
            throws InterruptedException {
        AtomicInteger inFlight = new AtomicInteger();
        DnsServer server =
                new DnsServer(
                        settings,
                        new ZoneResolver(records, settings),
                        new DnsMetrics(registry, inFlight, records::size),
                        inFlight);
        servers.add(server);
        return server.start();
    }

    private static ServiceRecords cluster() {
        ServiceRecords records = new ServiceRecords();
        records.setNamespaces(Set.of("default"));
        put(records, clusterIp("default", "web", "127.96.0.20", "http"));
        String[] many = new String[20];
        for (int i = 0; i < many.length; i++) {
            many[i] = "127.244.0." + (i + 1) + "/web-" + i;
        }
        put(records, headless("default", "big", false), slice("default", "big", 80, many));
        return records;
    }

    private static final class Opt extends AbstractDnsOptPseudoRrRecord {
        Opt(int payload) {
            super(payload);
        }
    }

    /** Sends one query over UDP; null when no answer came within a second. */
    static DnsResponse udp(
            InetSocketAddress server, String name, DnsRecordType type, int ednsPayload)
            throws IOException {
        DatagramDnsQuery query = new DatagramDnsQuery(null, server, 4242);
        query.setRecursionDesired(true);
        query.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(name, type));
        if (ednsPayload > 0) {
            query.addRecord(DnsSection.ADDITIONAL, new Opt(ednsPayload));
        }
        EmbeddedChannel encoder = new EmbeddedChannel(new DatagramDnsQueryEncoder());
        encoder.writeOutbound(query);
        DatagramPacket packet = encoder.readOutbound();
        byte[] bytes = new byte[packet.content().readableBytes()];
        packet.content().readBytes(bytes);
        packet.release();
        return udpRaw(server, bytes);
    }

    static DnsResponse udpRaw(InetSocketAddress server, byte[] bytes) throws IOException {
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket()) {
            socket.setSoTimeout(1000);
            socket.send(new java.net.DatagramPacket(bytes, bytes.length, server));
            byte[] buf = new byte[65535];
            java.net.DatagramPacket in = new java.net.DatagramPacket(buf, buf.length);
            try {
                socket.receive(in);
            } catch (SocketTimeoutException e) {
                return null;
            }
            assertThat(in.getLength()).isLessThanOrEqualTo(ednsOrDefault(bytes));
            EmbeddedChannel decoder = new EmbeddedChannel(new DatagramDnsResponseDecoder());
            decoder.writeInbound(
                    new DatagramPacket(
                            Unpooled.wrappedBuffer(buf, 0, in.getLength()),
                            (InetSocketAddress) socket.getLocalSocketAddress(),
                            server));
            return decoder.readInbound();
        }
    }

    /**
     * The size a response to this query may have: 512, or 4096 with EDNS (what this server takes).
     */
    private static int ednsOrDefault(byte[] query) {
        int additional = ((query[10] & 0xff) << 8) | (query[11] & 0xff);
        return additional > 0 ? 4096 : 512;
    }

    static DnsResponse tcp(InetSocketAddress server, String name, DnsRecordType type)
            throws IOException {
        DefaultDnsQuery query = new DefaultDnsQuery(7);
        query.setRecursionDesired(true);
        query.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(name, type));
        EmbeddedChannel encoder = new EmbeddedChannel(new TcpDnsQueryEncoder());
        encoder.writeOutbound(query);
        ByteBuf out = encoder.readOutbound();
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        out.release();
        try (Socket socket = new Socket(server.getAddress(), server.getPort())) {
            socket.setSoTimeout(2000);
            socket.getOutputStream().write(bytes);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int length = in.readUnsignedShort();
            byte[] body = new byte[length];
            in.readFully(body);
            EmbeddedChannel decoder = new EmbeddedChannel(new TcpDnsResponseDecoder());
            ByteBuf framed = Unpooled.buffer().writeShort(length).writeBytes(body);
            decoder.writeInbound(framed);
            return decoder.readInbound();
        }
    }

    private static List<DnsRecord> section(DnsResponse r, DnsSection s) {
        List<DnsRecord> out = new ArrayList<>();
        for (int i = 0; i < r.count(s); i++) {
            if (r.recordAt(s, i).type() != DnsRecordType.OPT) {
                out.add(r.recordAt(s, i));
            }
        }
        return out;
    }

    @Test
    void answersOverUdpAndTcp() throws Exception {
        DnsServer server =
                start(
                        cluster(),
                        DnsSettings.defaults()
                                .withForward(DnsSettings.ForwardMode.REFUSE, List.of()));
        DnsResponse udp =
                udp(server.address(), "web.default.svc.cluster.local.", DnsRecordType.A, 0);
        assertThat(udp.code()).isEqualTo(DnsResponseCode.NOERROR);
        assertThat(udp.isAuthoritativeAnswer()).isTrue();
        assertThat(udp.id()).isEqualTo(4242);
        assertThat(texts(section(udp, DnsSection.ANSWER)))
                .containsExactly("web.default.svc.cluster.local. 5 A 127.96.0.20");
        udp.release();
        DnsResponse tcp = tcp(server.address(), "web.default.svc.cluster.local.", DnsRecordType.A);
        assertThat(tcp.id()).isEqualTo(7);
        assertThat(texts(section(tcp, DnsSection.ANSWER)))
                .containsExactly("web.default.svc.cluster.local. 5 A 127.96.0.20");
        tcp.release();
    }

    @Test
    void aLargeAnswerIsTruncatedOverUdpAndWholeOverTcp() throws Exception {
        DnsServer server =
                start(
                        cluster(),
                        DnsSettings.defaults()
                                .withForward(DnsSettings.ForwardMode.REFUSE, List.of()));
        DnsResponse small =
                udp(
                        server.address(),
                        "_http._tcp.big.default.svc.cluster.local.",
                        DnsRecordType.SRV,
                        0);
        assertThat(small.isTruncated()).isTrue();
        assertThat(small.count(DnsSection.ANSWER)).isZero();
        assertThat(small.count(DnsSection.QUESTION)).isEqualTo(1);
        small.release();
        // With EDNS 4096 it fits.
        DnsResponse edns =
                udp(
                        server.address(),
                        "_http._tcp.big.default.svc.cluster.local.",
                        DnsRecordType.SRV,
                        4096);
        assertThat(edns.isTruncated()).isFalse();
        assertThat(edns.count(DnsSection.ANSWER)).isEqualTo(20);
        edns.release();
        DnsResponse tcp =
                tcp(
                        server.address(),
                        "_http._tcp.big.default.svc.cluster.local.",
                        DnsRecordType.SRV);
        assertThat(tcp.isTruncated()).isFalse();
        assertThat(tcp.count(DnsSection.ANSWER)).isEqualTo(20);
        assertThat(section(tcp, DnsSection.ADDITIONAL)).hasSize(20);
        tcp.release();
    }

    @Test
    void namesOutsideTheDomainAreRefusedOrForwarded() throws Exception {
        DnsServer refusing =
                start(
                        cluster(),
                        DnsSettings.defaults()
                                .withForward(DnsSettings.ForwardMode.REFUSE, List.of()));
        DnsResponse refused = udp(refusing.address(), "example.test.", DnsRecordType.A, 0);
        assertThat(refused.code()).isEqualTo(DnsResponseCode.REFUSED);
        assertThat(refused.isRecursionAvailable()).isFalse();
        refused.release();

        // The upstream: another server, authoritative for example.test.
        ServiceRecords other = new ServiceRecords();
        put(other, clusterIp("ns", "remote", "10.1.2.3"));
        DnsServer upstream =
                start(
                        other,
                        DnsSettings.defaults()
                                .withDomain("example.test")
                                .withForward(DnsSettings.ForwardMode.REFUSE, List.of()));
        DnsServer forwarding =
                start(
                        cluster(),
                        DnsSettings.defaults()
                                .withForward(
                                        DnsSettings.ForwardMode.HOST, List.of(upstream.address())));
        DnsResponse forwarded =
                udp(forwarding.address(), "remote.ns.svc.example.test.", DnsRecordType.A, 0);
        assertThat(forwarded.code()).isEqualTo(DnsResponseCode.NOERROR);
        assertThat(forwarded.isAuthoritativeAnswer()).isFalse();
        assertThat(forwarded.isRecursionAvailable()).isTrue();
        assertThat(texts(section(forwarded, DnsSection.ANSWER)))
                .containsExactly("remote.ns.svc.example.test. 5 A 10.1.2.3");
        forwarded.release();
        DnsResponse nx = udp(forwarding.address(), "nope.ns.svc.example.test.", DnsRecordType.A, 0);
        assertThat(nx.code()).isEqualTo(DnsResponseCode.NXDOMAIN);
        assertThat(section(nx, DnsSection.AUTHORITY)).hasSize(1);
        nx.release();
        // The cluster's own names are still answered here.
        DnsResponse own =
                tcp(forwarding.address(), "web.default.svc.cluster.local.", DnsRecordType.A);
        assertThat(texts(section(own, DnsSection.ANSWER)))
                .containsExactly("web.default.svc.cluster.local. 5 A 127.96.0.20");
        own.release();
        assertThat(registry.get(DnsMetrics.FORWARDS).tag("result", "ok").counter().count())
                .isEqualTo(2);
    }

    @Test
    void anUnansweringUpstreamIsServfailAfterTheTimeout() throws Exception {
        try (java.net.DatagramSocket silent =
                new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            DnsSettings settings =
                    new DnsSettings(
                            "cluster.local",
                            5,
                            "127.0.0.1",
                            0,
                            DnsSettings.ForwardMode.HOST,
                            List.of((InetSocketAddress) silent.getLocalSocketAddress()),
                            Duration.ofMillis(200),
                            4,
                            8,
                            Duration.ofSeconds(5),
                            null);
            DnsServer server = start(cluster(), settings);
            DnsResponse r = tcp(server.address(), "example.test.", DnsRecordType.A);
            assertThat(r.code()).isEqualTo(DnsResponseCode.SERVFAIL);
            r.release();
            assertThat(registry.get(DnsMetrics.FORWARDS).tag("result", "timeout").counter().count())
                    .isEqualTo(1);
        }
    }

    @Test
    void garbageIsDroppedAndTheServerGoesOn() throws Exception {
        DnsServer server =
                start(
                        cluster(),
                        DnsSettings.defaults()
                                .withForward(DnsSettings.ForwardMode.REFUSE, List.of()));
        assertThat(udpRaw(server.address(), new byte[] {1, 2, 3})).isNull();
        DnsResponse r = udp(server.address(), "web.default.svc.cluster.local.", DnsRecordType.A, 0);
        assertThat(r.code()).isEqualTo(DnsResponseCode.NOERROR);
        r.release();
    }

    @Test
    void metricsCountQueriesByTypeAndRcode() throws Exception {
        DnsServer server =
                start(
                        cluster(),
                        DnsSettings.defaults()
                                .withForward(DnsSettings.ForwardMode.REFUSE, List.of()));
        udp(server.address(), "web.default.svc.cluster.local.", DnsRecordType.A, 0).release();
        udp(server.address(), "nope.default.svc.cluster.local.", DnsRecordType.A, 0).release();
        tcp(server.address(), "_http._tcp.web.default.svc.cluster.local.", DnsRecordType.SRV)
                .release();
        assertThat(
                        registry.get(DnsMetrics.REQUESTS)
                                .tag("type", "A")
                                .tag("proto", "udp")
                                .counter()
                                .count())
                .isEqualTo(2);
        assertThat(
                        registry.get(DnsMetrics.REQUESTS)
                                .tag("type", "SRV")
                                .tag("proto", "tcp")
                                .counter()
                                .count())
                .isEqualTo(1);
        assertThat(registry.get(DnsMetrics.RESPONSES).tag("rcode", "NXDOMAIN").counter().count())
                .isEqualTo(1);
        assertThat(registry.get(DnsMetrics.RESPONSES).tag("rcode", "NOERROR").counter().count())
                .isEqualTo(2);
        assertThat(registry.get(DnsMetrics.REQUEST_DURATION).timer().count()).isEqualTo(3);
        assertThat(registry.get(DnsMetrics.SERVICES).gauge().value()).isEqualTo(2);
    }

    @Test
    void hostResolversLeaveOutTheClusterDnsItself() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("resolv", ".conf");
        try {
            java.nio.file.Files.writeString(
                    file,
                    """
          # comment
          search example.test
          nameserver 127.96.0.10
          nameserver 10.0.0.2
          nameserver fe80::1%eth0
          nameserver not-an-address
          options ndots:5
          """);
            assertThat(DnsSettings.hostResolvers(file, List.of("127.96.0.10")))
                    .extracting(a -> a.getAddress().getHostAddress() + ":" + a.getPort())
                    .containsExactly("10.0.0.2:53", "fe80:0:0:0:0:0:0:1:53");
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    @Test
    void upstreamNamesCompressedInSoaMxAndSrvDataAreExpanded() {
        // An upstream NXDOMAIN for example.com whose SOA names point back at the question (RFC 1035
        // 4.1.4).
        ByteBuf message = Unpooled.buffer();
        message.writeShort(1)
                .writeShort(0x8183)
                .writeShort(1)
                .writeShort(0)
                .writeShort(1)
                .writeShort(0);
        message.writeByte(7)
                .writeBytes("example".getBytes())
                .writeByte(3)
                .writeBytes("com".getBytes())
                .writeByte(0);
        message.writeShort(1).writeShort(1);
        message.writeShort(0xc00c).writeShort(6).writeShort(1).writeInt(60).writeShort(39);
        message.writeByte(3).writeBytes("ns1".getBytes()).writeShort(0xc00c);
        message.writeByte(10).writeBytes("hostmaster".getBytes()).writeShort(0xc00c);
        message.writeInt(2024).writeInt(7200).writeInt(1800).writeInt(86400).writeInt(60);
        EmbeddedChannel decoder =
                new EmbeddedChannel(new DatagramDnsResponseDecoder(Forwarder.DECODER));
        decoder.writeInbound(
                new DatagramPacket(
                        message,
                        new InetSocketAddress("127.0.0.1", 1),
                        new InetSocketAddress("127.0.0.1", 53)));
        DnsResponse response = decoder.readInbound();
        assertThat(texts(section(response, DnsSection.AUTHORITY)))
                .containsExactly(
                        "example.com. 60 SOA ns1.example.com. hostmaster.example.com. 2024 7200 1800 86400 60");
        response.release();
    }

    @Test
    void aTruncatedUpstreamAnswerIsAskedAgainOverTcp() throws Exception {
        ServiceRecords other = new ServiceRecords();
        String[] many = new String[60];
        for (int i = 0; i < many.length; i++) {
            many[i] = "10.0.0." + (i + 1) + "/host-" + i;
        }
        put(other, headless("ns", "big", false), slice("ns", "big", 80, many));
        DnsServer upstream =
                start(
                        other,
                        DnsSettings.defaults()
                                .withDomain("example.test")
                                .withForward(DnsSettings.ForwardMode.REFUSE, List.of()));
        DnsServer forwarding =
                start(
                        cluster(),
                        DnsSettings.defaults()
                                .withForward(
                                        DnsSettings.ForwardMode.HOST, List.of(upstream.address())));
        DnsResponse r =
                tcp(forwarding.address(), "_http._tcp.big.ns.svc.example.test.", DnsRecordType.SRV);
        assertThat(r.code()).isEqualTo(DnsResponseCode.NOERROR);
        assertThat(r.count(DnsSection.ANSWER)).isEqualTo(60);
        r.release();
        assertThat(
                        registry.get(DnsMetrics.REQUESTS)
                                .tag("type", "SRV")
                                .tag("proto", "tcp")
                                .counter()
                                .count())
                .isEqualTo(2); // the client's, and the forwarder's retry at the upstream
    }

    @Test
    void anUpstreamUdpAnswerLargerThanADefaultDatagramBufferArrivesWhole() throws Exception {
        ServiceRecords other = new ServiceRecords();
        String[] many = new String[20];
        for (int i = 0; i < many.length; i++) {
            many[i] = "10.0.0." + (i + 1) + "/host-" + i;
        }
        put(other, headless("ns", "big", false), slice("ns", "big", 80, many));
        DnsServer upstream =
                start(
                        other,
                        DnsSettings.defaults()
                                .withDomain("example.test")
                                .withForward(DnsSettings.ForwardMode.REFUSE, List.of()));
        DnsServer forwarding =
                start(
                        cluster(),
                        DnsSettings.defaults()
                                .withForward(
                                        DnsSettings.ForwardMode.HOST, List.of(upstream.address())));
        DnsResponse r =
                tcp(forwarding.address(), "_http._tcp.big.ns.svc.example.test.", DnsRecordType.SRV);
        assertThat(DnsServer.encodedSize(r)).isGreaterThan(2048);
        assertThat(r.count(DnsSection.ANSWER)).isEqualTo(20);
        r.release();
        // answered over UDP upstream: no TCP retry
        assertThat(
                        registry.get(DnsMetrics.REQUESTS)
                                .tag("type", "SRV")
                                .tag("proto", "udp")
                                .counter()
                                .count())
                .isEqualTo(1);
    }
}
