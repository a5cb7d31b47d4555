package io.j8s.node.stream;

import java.util.List;
import java.util.Map;

/**
 * What an exec or attach asks for, from the node endpoint's query: {@code command} (repeated),
 * {@code stdin}, {@code stdout}, {@code stderr}, {@code tty} as {@code 1}/{@code true} (the
 * kubelet's names {@code input}, {@code output}, {@code error} are accepted too).
 */
public record StreamOptions(
        List<String> command, boolean stdin, boolean stdout, boolean stderr, boolean tty) {

    /** At most this many command arguments, each at most {@link #MAX_ARG_BYTES}. */
    public static final int MAX_ARGS = 1024;

    public static final int MAX_ARG_BYTES = 128 * 1024;

    public StreamOptions {
        command = List.copyOf(command);
    }

    /**
     * Parses the query of {@code /exec} or {@code /attach}.
     *
     * @throws IllegalArgumentException with the message for a 400
     */
    public static StreamOptions parse(Map<String, List<String>> q, boolean exec) {
        List<String> command = q.getOrDefault("command", List.of());
        if (command.size() > MAX_ARGS) {
            throw new IllegalArgumentException(
                    "too many command arguments: "
                            + command.size()
                            + " (at most "
                            + MAX_ARGS
                            + ")");
        }
        for (String a : command) {
            if (a.length() > MAX_ARG_BYTES) {
                throw new IllegalArgumentException(
                        "a command argument is longer than " + MAX_ARG_BYTES + " characters");
            }
        }
        StreamOptions o =
                new StreamOptions(
                        command,
                        flag(q, "stdin", "input"),
                        flag(q, "stdout", "output"),
                        flag(q, "stderr", "error"),
                        flag(q, "tty", "tty"));
        if (exec && command.isEmpty()) {
            throw new IllegalArgumentException("you must specify at least 1 command");
        }
        if (!o.stdin && !o.stdout && !o.stderr) {
            throw new IllegalArgumentException(
                    "you must specify at least one of stdin, stdout, stderr");
        }
        return o;
    }

    private static boolean flag(Map<String, List<String>> q, String name, String alias) {
        List<String> v = q.get(name);
        if (v == null || v.isEmpty()) {
            v = q.get(alias);
        }
        if (v == null || v.isEmpty()) {
            return false;
        }
        String s = v.get(0);
        if (s.equals("1") || s.equalsIgnoreCase("true")) {
            return true;
        }
        if (s.isEmpty() || s.equals("0") || s.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException(name + " must be 1 or 0, was " + s);
    }
}
