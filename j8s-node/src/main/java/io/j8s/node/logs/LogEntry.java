package io.j8s.node.logs;

import java.time.Instant;

/**
 * One captured line of a container's output. {@code line} holds the bytes as written, including the
 * trailing newline when the container wrote one (a line cut at the length cap has none).
 *
 * @param seq position in the container's log; strictly increasing, never reused
 * @param time when the agent read the line
 */
public record LogEntry(long seq, Instant time, LogStream stream, byte[] line) {}
