package io.j8s.proxy.net;

import io.j8s.proxy.ProxySettings;
import io.j8s.proxy.metrics.ProxyMetrics;
import io.netty.channel.EventLoopGroup;
import java.time.Clock;

/**
 * What every listener and handler of one proxy shares: the transport and its event loops, the
 * settings, the metrics and the clock. Immutable holder; the parts are thread-safe.
 */
record ForwardingContext(
        Transport transport,
        EventLoopGroup group,
        ProxySettings settings,
        ProxyMetrics metrics,
        Clock clock) {}
