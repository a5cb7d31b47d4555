package io.j8s.node.logs;

/** Which output stream of a container a log line came from. */
public enum LogStream {
    STDOUT,
    STDERR
}
