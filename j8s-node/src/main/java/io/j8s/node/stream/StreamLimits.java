package io.j8s.node.stream;

import java.time.Duration;

/**
 * Bounds of the node's exec/attach streams.
 *
 * @param maxStreams streams open at once on this node endpoint; more are answered 429
 * @param idleTimeout a stream with no message either way for this long is closed (the kubelet's
 *     {@code streamingConnectionIdleTimeout}, 4h by default)
 */
public record StreamLimits(int maxStreams, Duration idleTimeout) {

  public static final int DEFAULT_MAX_STREAMS = 128;
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(4);

  public static StreamLimits defaults() {
    return new StreamLimits(DEFAULT_MAX_STREAMS, DEFAULT_IDLE_TIMEOUT);
  }
}
