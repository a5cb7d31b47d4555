package io.j8s.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryEncoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseDecoder;
import io.netty.handler.codec.dns.DefaultDnsQuery;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DefaultDnsRecordDecoder;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.handler.codec.dns.TcpDnsQueryEncoder;
import io.netty.handler.codec.dns.TcpDnsResponseDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends questions outside the cluster domain to the upstream resolvers, with Netty's DNS codec:
 * over UDP (EDNS 4096) from one socket, answers matched by id and sender; over TCP when the UDP
 * answer is truncated; to the next upstream when one does not answer within {@link
 * DnsSettings#forwardTimeout()}; at most {@link DnsSettings#maxInFlightForwards()} at once. Not a
 * cache: each question goes upstream. Everything runs on one event loop.
 *
 * <p>Upstream answers are decoded with {@link #DECODER}: Netty's record decoder, which expands
 * compressed names in CNAME, NS and PTR data, also expands them in SOA, MX and SRV data, so that
 * the records can be sent on in another message.
 */
final class Forwarder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Forwarder.class);

    /** Netty's decoder, with the names in SOA, MX and SRV data expanded (see the class comment). */
    static final DnsRecordDecoder DECODER =
            new DefaultDnsRecordDecoder() {
                @Override
                protected DnsRecord decodeRecord(
                        String name,
                        DnsRecordType type,
                        int dnsClass,
                        long timeToLive,
                        ByteBuf in,
                        int offset,
                        int length)
                        throws Exception {
                    if (type != DnsRecordType.SOA
                            && type != DnsRecordType.MX
                            && type != DnsRecordType.SRV) {
                        return super.decodeRecord(
                                name, type, dnsClass, timeToLive, in, offset, length);
                    }
                    ByteBuf rdata = in.duplicate().setIndex(offset, offset + length);
                    ByteBuf out = Unpooled.buffer(length + 64);
                    try {
                        if (type == DnsRecordType.SOA) {
                            ZoneResolver.writeName(decodeName(rdata), out);
                            ZoneResolver.writeName(decodeName(rdata), out);
                            out.writeBytes(rdata, 20);
                        } else if (type == DnsRecordType.MX) {
                            out.writeShort(rdata.readUnsignedShort());
                            ZoneResolver.writeName(decodeName(rdata), out);
                        } else {
                            out.writeBytes(rdata, 6);
                            ZoneResolver.writeName(decodeName(rdata), out);
                        }
                    } catch (RuntimeException e) {
                        out.release();
                        throw e;
                    }
                    return new DefaultDnsRawRecord(name, type, dnsClass, timeToLive, out);
                }
            };

    /**
     * The largest upstream UDP answer taken (a larger one arrives cut, fails to decode and times
     * out).
     */
    static final int MAX_UDP_ANSWER = 65535;

    /**
     * Gets the upstream response (valid only during the call: copy what is kept) or null, and why.
     */
    interface Callback {
        void done(DnsResponse response, String result);
    }

    private final EventLoop loop;
    private final List<InetSocketAddress> upstreams;
    private final long timeoutMillis;
    private final int maxInFlight;
    private final AtomicInteger inFlight;
    private final Map<Integer, Pending> pending = new HashMap<>();
    private final Channel udp;

    private final class Pending {
        final int id;
        final DnsQuestion question;
        final Callback callback;
        int upstream;
        InetSocketAddress to;
        ScheduledFuture<?> timer;
        boolean done;

        Pending(int id, DnsQuestion question, Callback callback) {
            this.id = id;
            this.question = question;
            this.callback = callback;
        }

        void finish(DnsResponse response, String result) {
            if (done) {
                return;
            }
            done = true;
            if (timer != null) {
                timer.cancel(false);
            }
            pending.remove(id, this);
            inFlight.decrementAndGet();
            try {
                callback.done(response, result);
            } catch (RuntimeException e) {
                log.atWarn()
                        .setCause(e)
                        .addKeyValue("name", question.name())
                        .log("answering a forwarded query failed");
            }
        }
    }

    Forwarder(EventLoop loop, DnsSettings settings, AtomicInteger inFlight)
            throws InterruptedException {
        this.loop = loop;
        this.upstreams = settings.upstreams();
        this.timeoutMillis = settings.forwardTimeout().toMillis();
        this.maxInFlight = settings.maxInFlightForwards();
        this.inFlight = inFlight;
        this.udp =
                new Bootstrap()
                        .group(loop)
                        .channel(NioDatagramChannel.class)
                        // an EDNS answer is up to 4096 bytes; the default receive buffer of a
                        // datagram is 2048
                        .option(
                                ChannelOption.RCVBUF_ALLOCATOR,
                                new FixedRecvByteBufAllocator(MAX_UDP_ANSWER))
                        .handler(
                                new ChannelInitializer<DatagramChannel>() {
                                    @Override
                                    protected void initChannel(DatagramChannel ch) {
                                        ch.pipeline()
                                                .addLast(
                                                        new DatagramDnsQueryEncoder(),
                                                        new DatagramDnsResponseDecoder(DECODER),
                                                        new SimpleChannelInboundHandler<
                                                                DatagramDnsResponse>() {
                                                            @Override
                                                            protected void channelRead0(
                                                                    ChannelHandlerContext ctx,
                                                                    DatagramDnsResponse response) {
                                                                onUdpResponse(response);
                                                            }

                                                            @Override
                                                            public void exceptionCaught(
                                                                    ChannelHandlerContext ctx,
                                                                    Throwable cause) {
                                                                log.atDebug()
                                                                        .addKeyValue(
                                                                                "cause",
                                                                                cause.toString())
                                                                        .log(
                                                                                "dropped an upstream message");
                                                            }
                                                        });
                                    }
                                })
                        .bind(0)
                        .sync()
                        .channel();
    }

    /** Forwards {@code question}; {@code callback} runs once, on the event loop. */
    void forward(DnsQuestion question, Callback callback) {
        loop.execute(
                () -> {
                    if (inFlight.incrementAndGet() > maxInFlight || pending.size() >= 65536) {
                        inFlight.decrementAndGet();
                        callback.done(null, "overloaded");
                        return;
                    }
                    int id;
                    do {
                        id = ThreadLocalRandom.current().nextInt(65536);
                    } while (pending.containsKey(id));
                    Pending p =
                            new Pending(
                                    id,
                                    new DefaultDnsQuestion(question.name(), question.type()),
                                    callback);
                    pending.put(id, p);
                    sendUdp(p);
                });
    }

    private void sendUdp(Pending p) {
        p.to = upstreams.get(p.upstream);
        DatagramDnsQuery query = new DatagramDnsQuery(null, p.to, p.id);
        query.setRecursionDesired(true);
        query.addRecord(DnsSection.QUESTION, p.question);
        query.addRecord(DnsSection.ADDITIONAL, new DnsServer.Opt(4096));
        p.timer =
                loop.schedule(
                        () -> {
                            if (p.upstream + 1 < upstreams.size()) {
                                p.upstream++;
                                sendUdp(p);
                            } else {
                                p.finish(null, "timeout");
                            }
                        },
                        timeoutMillis,
                        TimeUnit.MILLISECONDS);
        udp.writeAndFlush(query)
                .addListener(
                        f -> {
                            if (!f.isSuccess()) {
                                p.finish(null, "error");
                            }
                        });
    }

    private void onUdpResponse(DatagramDnsResponse response) {
        Pending p = pending.get(response.id());
        if (p == null
                || !response.sender().equals(p.to)
                || response.count(DnsSection.QUESTION) != 1
                || !response.recordAt(DnsSection.QUESTION)
                        .name()
                        .equalsIgnoreCase(p.question.name())) {
            return;
        }
        if (response.isTruncated()) {
            p.timer.cancel(false);
            sendTcp(p);
            return;
        }
        p.finish(response, "ok");
    }

    /** Asks the same upstream over TCP (its UDP answer was truncated). */
    private void sendTcp(Pending p) {
        ChannelFuture connect =
                new Bootstrap()
                        .group(loop)
                        .channel(NioSocketChannel.class)
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeoutMillis)
                        .handler(
                                new ChannelInitializer<SocketChannel>() {
                                    @Override
                                    protected void initChannel(SocketChannel ch) {
                                        ch.pipeline()
                                                .addLast(
                                                        new TcpDnsQueryEncoder(),
                                                        new TcpDnsResponseDecoder(DECODER, 65535),
                                                        new SimpleChannelInboundHandler<
                                                                DnsResponse>() {
                                                            @Override
                                                            protected void channelRead0(
                                                                    ChannelHandlerContext ctx,
                                                                    DnsResponse response) {
                                                                if (response.id() == p.id) {
                                                                    p.finish(response, "ok");
                                                                    ctx.close();
                                                                }
                                                            }

                                                            @Override
                                                            public void exceptionCaught(
                                                                    ChannelHandlerContext ctx,
                                                                    Throwable cause) {
                                                                p.finish(null, "error");
                                                                ctx.close();
                                                            }

                                                            @Override
                                                            public void channelInactive(
                                                                    ChannelHandlerContext ctx) {
                                                                p.finish(null, "error");
                                                            }
                                                        });
                                    }
                                })
                        .connect(p.to);
        Channel channel = connect.channel();
        p.timer =
                loop.schedule(
                        () -> {
                            p.finish(null, "timeout");
                            channel.close();
                        },
                        timeoutMillis,
                        TimeUnit.MILLISECONDS);
        connect.addListener(
                f -> {
                    if (!f.isSuccess()) {
                        p.finish(null, "error");
                        return;
                    }
                    DefaultDnsQuery query = new DefaultDnsQuery(p.id);
                    query.setRecursionDesired(true);
                    query.addRecord(DnsSection.QUESTION, p.question);
                    channel.writeAndFlush(query);
                });
    }

    @Override
    public void close() {
        udp.close().syncUninterruptibly();
    }

    /**
     * The {@code nameserver} addresses of a resolv.conf file (port 53), leaving out {@code exclude}
     * (the cluster DNS's own addresses, so that it never forwards to itself); empty when the file
     * is missing.
     */
    static List<InetSocketAddress> hostNameservers(
            Path resolvConf, List<String> exclude, Consumer<String> warn) {
        List<InetSocketAddress> out = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(resolvConf);
        } catch (IOException e) {
            warn.accept("cannot read " + resolvConf + ": " + e.getMessage());
            return out;
        }
        for (String line : lines) {
            String[] words = line.trim().split("\\s+");
            if (words.length < 2 || !words[0].equals("nameserver")) {
                continue;
            }
            String address = words[1];
            int zone = address.indexOf('%');
            if (zone >= 0) {
                address = address.substring(0, zone);
            }
            if (exclude.contains(address)) {
                continue;
            }
            try {
                if (!address.matches("[0-9a-fA-F:.]+")) {
                    throw new UnknownHostException(address);
                }
                out.add(new InetSocketAddress(InetAddress.getByName(address), 53));
            } catch (UnknownHostException e) {
                warn.accept(
                        "ignoring nameserver "
                                + words[1]
                                + " of "
                                + resolvConf
                                + ": not an address");
            }
        }
        return out;
    }
}
