package io.j8s.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.dns.AbstractDnsOptPseudoRrRecord;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsResponse;
import io.netty.handler.codec.dns.DnsOpCode;
import io.netty.handler.codec.dns.DnsQuery;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordEncoder;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.handler.codec.dns.TcpDnsQueryDecoder;
import io.netty.handler.codec.dns.TcpDnsResponseEncoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DNS protocol over UDP and TCP on one port, with Netty's DNS codec: a question of the cluster
 * domain is answered from {@link ZoneResolver}; any other goes to the {@link Forwarder} or is
 * REFUSED ({@link DnsSettings#forward()}).
 *
 * <p>Sizes: a UDP answer larger than 512 bytes, or than the client's EDNS payload size (at most
 * 4096), goes out empty with the TC bit, and the client asks again over TCP; TCP messages are at
 * most 65535 bytes (the length prefix), connections are capped and closed when idle. A query that
 * is not a standard query with one question gets NOTIMP or FORMERR; one that cannot be decoded is
 * dropped (as CoreDNS does).
 */
public final class DnsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DnsServer.class);
    private static final int UDP_LIMIT = 512;
    private static final int MAX_EDNS_PAYLOAD = 4096;
    private static final int TCP_LIMIT = 65535;

    private final DnsSettings settings;
    private final ZoneResolver resolver;
    private final DnsMetrics metrics;
    private final AtomicInteger inFlight;
    private final AtomicInteger tcpConnections = new AtomicInteger();
    private EventLoopGroup group;
    private Channel udp;
    private Channel tcp;
    private Forwarder forwarder;

    public DnsServer(
            DnsSettings settings,
            ZoneResolver resolver,
            DnsMetrics metrics,
            AtomicInteger inFlight) {
        this.settings = settings;
        this.resolver = resolver;
        this.metrics = metrics;
        this.inFlight = inFlight;
    }

    /**
     * Binds UDP, then TCP on the same port (with port 0, a few free ports are tried until both
     * bind).
     */
    public DnsServer start() throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            if (settings.forward() == DnsSettings.ForwardMode.HOST
                    && !settings.upstreams().isEmpty()) {
                forwarder = new Forwarder(group.next(), settings, inFlight);
            }
            RuntimeException last = null;
            for (int attempt = 0; attempt < 10; attempt++) {
                Channel u =
                        new Bootstrap()
                                .group(group)
                                .channel(NioDatagramChannel.class)
                                // queries are small; a larger datagram is cut to this and then
                                // fails to decode (dropped)
                                .option(
                                        ChannelOption.RCVBUF_ALLOCATOR,
                                        new FixedRecvByteBufAllocator(MAX_EDNS_PAYLOAD))
                                .handler(
                                        new ChannelInitializer<DatagramChannel>() {
                                            @Override
                                            protected void initChannel(DatagramChannel ch) {
                                                ch.pipeline()
                                                        .addLast(
                                                                new DatagramDnsQueryDecoder(),
                                                                new DatagramDnsResponseEncoder(),
                                                                new UdpHandler());
                                            }
                                        })
                                .bind(settings.bindAddress(), settings.port())
                                .sync()
                                .channel();
                int port = ((InetSocketAddress) u.localAddress()).getPort();
                try {
                    tcp =
                            new ServerBootstrap()
                                    .group(group)
                                    .channel(NioServerSocketChannel.class)
                                    .childOption(ChannelOption.TCP_NODELAY, true)
                                    .childHandler(
                                            new ChannelInitializer<SocketChannel>() {
                                                @Override
                                                protected void initChannel(SocketChannel ch) {
                                                    ch.pipeline()
                                                            .addLast(
                                                                    new IdleStateHandler(
                                                                            settings.tcpIdleTimeout()
                                                                                    .toMillis(),
                                                                            0,
                                                                            0,
                                                                            TimeUnit.MILLISECONDS),
                                                                    new TcpDnsQueryDecoder(),
                                                                    new TcpDnsResponseEncoder(),
                                                                    new TcpHandler());
                                                }
                                            })
                                    .bind(settings.bindAddress(), port)
                                    .sync()
                                    .channel();
                    udp = u;
                    break;
                } catch (InterruptedException e) {
                    u.close();
                    throw e;
                } catch (Exception e) {
                    // Netty rethrows the bind's IOException unchecked-style: the UDP port is free,
                    // its TCP twin not.
                    u.close().sync();
                    last =
                            new IllegalStateException(
                                    "cannot listen for DNS on TCP "
                                            + settings.bindAddress()
                                            + ":"
                                            + port
                                            + ": "
                                            + e.getMessage(),
                                    e);
                    if (settings.port() != 0) {
                        throw last;
                    }
                }
            }
            if (udp == null) {
                throw last;
            }
        } catch (RuntimeException | InterruptedException e) {
            close();
            throw e;
        }
        log.atInfo()
                .addKeyValue("address", address())
                .addKeyValue("domain", settings.domain())
                .addKeyValue("forward", settings.forward())
                .addKeyValue("upstreams", settings.upstreams())
                .log("cluster DNS listening");
        return this;
    }

    /** Where UDP and TCP listen. */
    public InetSocketAddress address() {
        return (InetSocketAddress) udp.localAddress();
    }

    @Override
    public void close() {
        if (udp != null) {
            udp.close().syncUninterruptibly();
        }
        if (tcp != null) {
            tcp.close().syncUninterruptibly();
        }
        if (forwarder != null) {
            forwarder.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Sends a response; a UDP one is truncated to the client's size. */
    private interface Reply {
        DnsResponse newResponse(int id);

        void send(DnsResponse response);
    }

    private void handle(DnsQuery query, String proto, Reply reply, int sizeLimit) {
        long start = System.nanoTime();
        DnsQuestion question =
                query.count(DnsSection.QUESTION) == 1 ? query.recordAt(DnsSection.QUESTION) : null;
        int ednsPayload = -1;
        for (int i = 0; i < query.count(DnsSection.ADDITIONAL); i++) {
            DnsRecord r = query.recordAt(DnsSection.ADDITIONAL, i);
            if (r.type() == DnsRecordType.OPT) {
                ednsPayload = Math.max(UDP_LIMIT, Math.min(MAX_EDNS_PAYLOAD, r.dnsClass()));
            }
        }
        int limit = sizeLimit > 0 ? sizeLimit : (ednsPayload > 0 ? ednsPayload : UDP_LIMIT);
        boolean edns = ednsPayload > 0;
        metrics.request(question == null ? DnsRecordType.valueOf(0) : question.type(), proto);
        if (query.opCode() != DnsOpCode.QUERY || question == null) {
            DnsResponse response = base(query, reply, question, edns);
            response.setCode(
                    query.opCode() != DnsOpCode.QUERY
                            ? DnsResponseCode.NOTIMP
                            : DnsResponseCode.FORMERR);
            finish(reply, response, limit, start, question);
            return;
        }
        ZoneResolver.Answer answer;
        try {
            answer = resolver.resolve(question.name(), question.type());
        } catch (RuntimeException e) {
            log.atWarn().setCause(e).addKeyValue("name", question.name()).log("answering failed");
            DnsResponse response = base(query, reply, question, edns);
            response.setCode(DnsResponseCode.SERVFAIL);
            finish(reply, response, limit, start, question);
            return;
        }
        if (answer != null) {
            DnsResponse response = base(query, reply, question, edns);
            response.setAuthoritativeAnswer(true);
            response.setCode(answer.rcode());
            answer.answers().forEach(r -> response.addRecord(DnsSection.ANSWER, r));
            answer.authorities().forEach(r -> response.addRecord(DnsSection.AUTHORITY, r));
            answer.additionals().forEach(r -> response.addRecord(DnsSection.ADDITIONAL, r));
            if (answer.chase() != null && forwarder != null) {
                // An ExternalName: the CNAME's target, resolved outside the zone, follows it.
                forwarder.forward(
                        new DefaultDnsQuestion(answer.chase() + ".", question.type()),
                        (upstream, result) -> {
                            metrics.forward(result);
                            if (upstream != null) {
                                copy(upstream, DnsSection.ANSWER, response, DnsSection.ANSWER);
                            }
                            finish(reply, response, limit, start, question);
                        });
                return;
            }
            finish(reply, response, limit, start, question);
            return;
        }
        if (forwarder == null) {
            DnsResponse response = base(query, reply, question, edns);
            response.setCode(DnsResponseCode.REFUSED);
            finish(reply, response, limit, start, question);
            return;
        }
        forwarder.forward(
                new DefaultDnsQuestion(question.name(), question.type()),
                (upstream, result) -> {
                    metrics.forward(result);
                    DnsResponse response = base(query, reply, question, edns);
                    if (upstream == null) {
                        log.atDebug()
                                .addKeyValue("name", question.name())
                                .addKeyValue("result", result)
                                .log("forward failed");
                        response.setCode(DnsResponseCode.SERVFAIL);
                    } else {
                        response.setCode(upstream.code());
                        response.setAuthoritativeAnswer(false);
                        copy(upstream, DnsSection.ANSWER, response, DnsSection.ANSWER);
                        copy(upstream, DnsSection.AUTHORITY, response, DnsSection.AUTHORITY);
                        copy(upstream, DnsSection.ADDITIONAL, response, DnsSection.ADDITIONAL);
                    }
                    finish(reply, response, limit, start, question);
                });
    }

    private static void copy(
            DnsResponse from, DnsSection section, DnsResponse to, DnsSection into) {
        for (int i = 0; i < from.count(section); i++) {
            DnsRecord r = from.recordAt(section, i);
            if (r.type() == DnsRecordType.OPT) {
                continue;
            }
            to.addRecord(into, r instanceof DnsRawRecord raw ? raw.copy() : r);
        }
    }

    private DnsResponse base(DnsQuery query, Reply reply, DnsQuestion question, boolean edns) {
        DnsResponse response = reply.newResponse(query.id());
        response.setOpCode(query.opCode());
        response.setRecursionDesired(query.isRecursionDesired());
        response.setRecursionAvailable(forwarder != null);
        if (question != null) {
            response.addRecord(
                    DnsSection.QUESTION,
                    new DefaultDnsQuestion(question.name(), question.type(), question.dnsClass()));
        }
        if (edns) {
            response.addRecord(DnsSection.ADDITIONAL, new Opt(MAX_EDNS_PAYLOAD));
        }
        return response;
    }

    /** Truncates a response over {@code limit} bytes to its question (with TC), then sends it. */
    private void finish(
            Reply reply, DnsResponse response, int limit, long start, DnsQuestion question) {
        int size = encodedSize(response);
        if (size > limit) {
            log.atDebug()
                    .addKeyValue("name", question == null ? null : question.name())
                    .addKeyValue("bytes", size)
                    .addKeyValue("limit", limit)
                    .log("answer truncated");
            DnsRecord opt = null;
            for (int i = 0; i < response.count(DnsSection.ADDITIONAL); i++) {
                if (response.recordAt(DnsSection.ADDITIONAL, i).type() == DnsRecordType.OPT) {
                    opt = response.recordAt(DnsSection.ADDITIONAL, i);
                }
            }
            boolean hadOpt = opt != null;
            response.clear(DnsSection.ANSWER);
            response.clear(DnsSection.AUTHORITY);
            response.clear(DnsSection.ADDITIONAL);
            if (hadOpt) {
                response.addRecord(DnsSection.ADDITIONAL, new Opt(MAX_EDNS_PAYLOAD));
            }
            response.setTruncated(true);
            if (encodedSize(response) > limit) {
                response.clear(DnsSection.ADDITIONAL);
            }
        }
        metrics.response(response.code(), System.nanoTime() - start);
        log.atDebug()
                .addKeyValue("name", question == null ? null : question.name())
                .addKeyValue("type", question == null ? null : question.type().name())
                .addKeyValue("rcode", response.code().toString())
                .addKeyValue("answers", response.count(DnsSection.ANSWER))
                .log("answered");
        reply.send(response);
    }

    /**
     * The response's size on the wire, as Netty's record encoder writes it (no name compression).
     */
    static int encodedSize(DnsResponse response) {
        ByteBuf scratch = ByteBufAllocator.DEFAULT.heapBuffer();
        try {
            int size = 12;
            for (DnsSection section : DnsSection.values()) {
                for (int i = 0; i < response.count(section); i++) {
                    DnsRecord r = response.recordAt(section, i);
                    scratch.clear();
                    if (section == DnsSection.QUESTION) {
                        DnsRecordEncoder.DEFAULT.encodeQuestion((DnsQuestion) r, scratch);
                    } else {
                        DnsRecordEncoder.DEFAULT.encodeRecord(r, scratch);
                    }
                    size += scratch.readableBytes();
                }
            }
            return size;
        } catch (Exception e) {
            throw new IllegalStateException("cannot size a DNS response: " + e, e);
        } finally {
            scratch.release();
        }
    }

    /** The EDNS OPT record of a response: the payload size this server takes. */
    static final class Opt extends AbstractDnsOptPseudoRrRecord {
        Opt(int payload) {
            super(payload);
        }
    }

    @ChannelHandler.Sharable
    private final class UdpHandler extends SimpleChannelInboundHandler<DatagramDnsQuery> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
            InetSocketAddress client = query.sender();
            InetSocketAddress local = query.recipient();
            handle(
                    query,
                    "udp",
                    new Reply() {
                        @Override
                        public DnsResponse newResponse(int id) {
                            return new DatagramDnsResponse(local, client, id);
                        }

                        @Override
                        public void send(DnsResponse response) {
                            ctx.writeAndFlush(response);
                        }
                    },
                    -1);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.atDebug()
                    .addKeyValue("cause", cause.toString())
                    .log("dropped a UDP message that is not a DNS query");
        }
    }

    private final class TcpHandler extends SimpleChannelInboundHandler<DnsQuery> {
        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            if (tcpConnections.incrementAndGet() > settings.maxTcpConnections()) {
                log.atWarn()
                        .addKeyValue("client", ctx.channel().remoteAddress())
                        .addKeyValue("limit", settings.maxTcpConnections())
                        .log("too many DNS TCP connections; closing");
                ctx.close();
            }
            super.channelActive(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            tcpConnections.decrementAndGet();
            super.channelInactive(ctx);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DnsQuery query) {
            handle(
                    query,
                    "tcp",
                    new Reply() {
                        @Override
                        public DnsResponse newResponse(int id) {
                            return new DefaultDnsResponse(id);
                        }

                        @Override
                        public void send(DnsResponse response) {
                            if (ctx.channel().isActive()) {
                                ctx.writeAndFlush(response);
                            } else {
                                ReferenceCountUtil.release(response);
                            }
                        }
                    },
                    TCP_LIMIT);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) {
                ctx.close();
                return;
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.atDebug()
                    .addKeyValue("client", ctx.channel().remoteAddress())
                    .addKeyValue("cause", cause.toString())
                    .log("closing a DNS TCP connection");
            ctx.close();
        }
    }
}
