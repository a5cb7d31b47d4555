package io.j8s.node.stream;

import java.time.Duration;

/**
 * Bounds of the node's exec/attach streams.
 *
 * @param maxStreams streams open at once on this node endpoint; more are answered 429
 * @param idleTimeout a stream with no message either way for this long is closed (the kubelet's
 *     {@code streamingConnectionIdleTimeout}, 4h by default)
 *     <p>{@link #defaults()} reads the JVM system properties {@value #MAX_STREAMS_PROPERTY} (a
 *     count) and {@value #IDLE_TIMEOUT_PROPERTY} (an ISO-8601 duration such as {@code PT30M}, or
 *     seconds), e.g. {@code J8S_JAVA_OPTS=-Dj8s.node.streamingConnectionIdleTimeout=PT30M bin/j8s
 *     server}.
 */
public record StreamLimits(int maxStreams, Duration idleTimeout) {

    public static final int DEFAULT_MAX_STREAMS = 128;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(4);

    public static final String MAX_STREAMS_PROPERTY = "j8s.node.maxStreams";
    public static final String IDLE_TIMEOUT_PROPERTY = "j8s.node.streamingConnectionIdleTimeout";

    public StreamLimits {
        if (maxStreams < 1) {
            throw new IllegalArgumentException(
                    MAX_STREAMS_PROPERTY + " must be at least 1, was " + maxStreams);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException(
                    IDLE_TIMEOUT_PROPERTY + " must be positive, was " + idleTimeout);
        }
    }

    /** The defaults, or what the system properties above say. */
    public static StreamLimits defaults() {
        String max = System.getProperty(MAX_STREAMS_PROPERTY);
        String idle = System.getProperty(IDLE_TIMEOUT_PROPERTY);
        try {
            return new StreamLimits(
                    max == null ? DEFAULT_MAX_STREAMS : Integer.parseInt(max.trim()),
                    idle == null
                            ? DEFAULT_IDLE_TIMEOUT
                            : idle.trim().matches("\\d+")
                                    ? Duration.ofSeconds(Long.parseLong(idle.trim()))
                                    : Duration.parse(idle.trim()));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "invalid "
                            + MAX_STREAMS_PROPERTY
                            + "="
                            + max
                            + " or "
                            + IDLE_TIMEOUT_PROPERTY
                            + "="
                            + idle
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }
}
