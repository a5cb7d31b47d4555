package io.j8s.node.runtime;

/**
 * The outcome of running a command in a container's context (exec probes).
 *
 * @param exitCode the command's exit code; -1 when it timed out or could not start
 * @param output combined stdout and stderr, truncated to a few KiB
 * @param timedOut whether the command was killed for exceeding its timeout
 */
public record ExecResult(int exitCode, String output, boolean timedOut) {}
