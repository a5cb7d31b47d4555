package io.j8s.server.loopback;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.utils.HttpClientUtils;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * fabric8 HTTP clients that reach the API server of this process over its in-process listener
 * (Netty's local, in-VM transport: no socket, no TLS; docs/architecture.md, "Components"). The
 * clients of j8s' own components (controllers, node agents, proxy, cluster DNS) use it when the API
 * server runs in the same process; they authenticate with a loopback bearer token, which the API
 * server accepts over this listener only.
 *
 * <p>One local channel per request (an in-VM connect costs a queue hand-off, so there is no pool),
 * HTTP/1.1 without TLS; watches are fabric8's HTTP watches ({@code Config.onlyHttpWatches}): there
 * are no WebSockets. The factory owns the event loops of every client it makes (two threads; the
 * response consumers of the clients run on them, as with fabric8's Vert.x client) and stops them on
 * {@link #close()}; close the clients first. Thread safe.
 */
public final class LoopbackHttpClientFactory implements HttpClient.Factory, AutoCloseable {
    private final Supplier<LocalAddress> address;
    private final EventLoopGroup group;
    private final ExecutorService callbacks;

    /**
     * @param address the API server's in-process listener (asked at each request, so the factory
     *     may be made before the server binds)
     */
    public LoopbackHttpClientFactory(Supplier<LocalAddress> address) {
        this.address = address;
        this.group =
                new MultiThreadIoEventLoopGroup(
                        2,
                        new DefaultThreadFactory("j8s-loopback-client", true),
                        LocalIoHandler.newFactory());
        AtomicInteger threads = new AtomicInteger();
        this.callbacks =
                Executors.newCachedThreadPool(
                        r -> {
                            Thread t =
                                    new Thread(
                                            r,
                                            "j8s-loopback-callback-" + threads.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
    }

    @Override
    public LoopbackHttpClientBuilder newBuilder() {
        return new LoopbackHttpClientBuilder(this);
    }

    /**
     * What fabric8's {@code HttpClientUtils.applyCommonConfiguration} applies, minus TLS and proxy
     * (neither exists in-process; building the trust managers of the configuration would cost what
     * this transport saves): the request settings (timeouts, retries) and the interceptors (the
     * bearer token, user agent, impersonation).
     */
    @Override
    public HttpClient.Builder newBuilder(Config config) {
        LoopbackHttpClientBuilder builder = newBuilder();
        builder.tag(config.getRequestConfig());
        if (config.getConnectionTimeout() > 0) {
            builder.connectTimeout(config.getConnectionTimeout(), TimeUnit.MILLISECONDS);
        }
        HttpClientUtils.createApplicableInterceptors(config, this)
                .forEach(builder::addOrReplaceInterceptor);
        return builder;
    }

    /** Lower than every fabric8 implementation: used only when given explicitly. */
    @Override
    public int priority() {
        return -100;
    }

    LocalAddress address() {
        return address.get();
    }

    EventLoopGroup group() {
        return group;
    }

    /** Where responses are completed and bodies handed over: never on an event loop. */
    Executor callbacks() {
        return callbacks;
    }

    /** Stops the event loops; close every client first. */
    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        callbacks.shutdownNow();
    }
}
