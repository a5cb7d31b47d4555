package io.j8s.proxy.net;

import io.j8s.proxy.balance.Backend;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handler of a UDP listener: datagrams from one client address and port form a flow with its
 * own upstream socket to one backend (chosen by the Service's policy when the flow starts), so
 * replies find their way back; a flow ends after the idle timeout. Datagrams for a Service without
 * usable endpoints are dropped. Confined to the listener's event loop, which also runs every flow's
 * upstream channel.
 */
final class UdpFrontendHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(UdpFrontendHandler.class);

    private final ForwardingContext forwarding;
    private final Route route;
    private final Map<InetSocketAddress, UdpFlow> flows = new HashMap<>();

    UdpFrontendHandler(ForwardingContext forwarding, Route route) {
        this.forwarding = forwarding;
        this.route = route;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            ctx.fireChannelRead(msg);
            return;
        }
        InetSocketAddress client = packet.sender();
        UdpFlow flow = flows.get(client);
        if (flow == null || !flow.isOpen()) {
            Backend backend = route.pick(client.getAddress(), java.util.Set.of());
            if (backend == null) {
                route.countNoEndpoints();
                packet.release();
                log.atDebug()
                        .addKeyValue("service", route.name().service().toString())
                        .addKeyValue("client", client)
                        .log("dropping datagram: no usable endpoints");
                return;
            }
            Channel listener = ctx.channel();
            flow =
                    UdpFlow.open(
                            forwarding,
                            listener,
                            client,
                            backend,
                            route.meters(backend),
                            closed -> flows.remove(client, closed));
            flows.put(client, flow);
        }
        flow.send(packet.content());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // Replies could no longer leave from the Service address: end every flow.
        for (UdpFlow flow : new ArrayList<>(flows.values())) {
            flow.close();
        }
        flows.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A listener survives errors of single datagrams (e.g. ICMP errors on the shared socket).
        log.atDebug()
                .addKeyValue("service", route.name().service().toString())
                .setCause(cause)
                .log("UDP listener error");
    }
}
