package io.j8s.node.stream;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes' remote command channel protocols over WebSocket ({@code v4.channel.k8s.io}, {@code
 * v5.channel.k8s.io}): every binary message starts with a channel byte — 0 stdin, 1 stdout, 2
 * stderr, 3 error (one {@code Status} JSON, then the stream ends), 4 resize ({@code
 * {"Width":..,"Height":..}}); v5 adds 255, "close", whose one-byte payload names the channel the
 * client half-closes (stdin EOF). Pure.
 */
public final class StreamProtocol {

    public static final String V5 = "v5.channel.k8s.io";
    public static final String V4 = "v4.channel.k8s.io";

    /** What the node offers, best first. */
    public static final List<String> SUPPORTED = List.of(V5, V4);

    public static final int STDIN = 0;
    public static final int STDOUT = 1;
    public static final int STDERR = 2;
    public static final int ERROR = 3;
    public static final int RESIZE = 4;
    public static final int CLOSE = 255;

    private static final Pattern WIDTH = Pattern.compile("\"Width\"\\s*:\\s*(\\d{1,9})");
    private static final Pattern HEIGHT = Pattern.compile("\"Height\"\\s*:\\s*(\\d{1,9})");

    private StreamProtocol() {}

    /** The first of the client's {@code Sec-WebSocket-Protocol} values the node speaks, or null. */
    public static String negotiate(String requested) {
        if (requested == null) {
            return null;
        }
        for (String p : requested.split(",")) {
            String t = p.trim();
            if (SUPPORTED.contains(t)) {
                return t;
            }
        }
        return null;
    }

    /** The Status a command that exited with {@code code} ends with (v4+ error channel). */
    public static byte[] exitStatus(int code, List<String> command) {
        if (code == 0) {
            return "{\"metadata\":{},\"status\":\"Success\"}".getBytes(StandardCharsets.UTF_8);
        }
        String message =
                "command terminated with non-zero exit code: error executing command "
                        + command
                        + ", exit code "
                        + code;
        return ("{\"metadata\":{},\"status\":\"Failure\",\"message\":"
                        + quote(message)
                        + ",\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\""
                        + code
                        + "\"}]}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A Failure Status for a stream that could not run (kubectl prints the message). */
    public static byte[] failure(String message) {
        return ("{\"metadata\":{},\"status\":\"Failure\",\"message\":"
                        + quote(message)
                        + ",\"reason\":\"InternalError\",\"code\":500}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The terminal size of a resize message, or null when it is not one. */
    public static int[] parseResize(String json) {
        Matcher w = WIDTH.matcher(json);
        Matcher h = HEIGHT.matcher(json);
        if (!w.find() || !h.find()) {
            return null;
        }
        return new int[] {
            (int) Math.min(0xffff, Long.parseLong(w.group(1))),
            (int) Math.min(0xffff, Long.parseLong(h.group(1)))
        };
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
