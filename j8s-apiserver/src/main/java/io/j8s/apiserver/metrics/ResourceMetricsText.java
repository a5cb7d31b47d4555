package io.j8s.apiserver.metrics;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a node's {@code /metrics/resource} (the kubelet's Prometheus text) into points, as
 * metrics-server decodes it: {@code node_cpu_usage_seconds_total}, {@code
 * node_memory_working_set_bytes}, and per container {@code container_cpu_usage_seconds_total},
 * {@code container_memory_working_set_bytes}, {@code container_start_time_seconds}. A sample's own
 * timestamp (milliseconds) is its time; without one, the scrape's. Other metrics are ignored; a
 * malformed line is an error (the node's scrape fails).
 */
public final class ResourceMetricsText {

    private ResourceMetricsText() {}

    /**
     * One measurement: cumulative CPU in nanoseconds, working set in bytes, when, and since when
     * the counter runs.
     */
    public record Point(Instant timestamp, long cpuNanos, long memoryBytes, Instant startTime) {}

    /** A pod's name. */
    public record PodRef(String namespace, String name) {}

    /**
     * What one scrape of one node gave: the node's point (null when it reported none) and its
     * containers'.
     */
    public record Scrape(Point node, Map<PodRef, Map<String, Point>> pods) {}

    private static final class Partial {
        Instant cpuTime;
        Long cpuNanos;
        Instant memoryTime;
        Long memoryBytes;
        Instant startTime;

        Point point() {
            if (cpuNanos == null || memoryBytes == null) {
                return null;
            }
            Instant t = cpuTime.isAfter(memoryTime) ? cpuTime : memoryTime;
            return new Point(t, cpuNanos, memoryBytes, startTime);
        }
    }

    public static Scrape parse(String text, Instant scrapeTime) {
        Partial node = new Partial();
        Map<PodRef, Map<String, Partial>> containers = new LinkedHashMap<>();
        int lineNumber = 0;
        for (String raw : text.split("\n")) {
            lineNumber++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                parseLine(line, scrapeTime, node, containers);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("line " + lineNumber + ": " + e.getMessage(), e);
            }
        }
        Map<PodRef, Map<String, Point>> pods = new LinkedHashMap<>();
        containers.forEach(
                (pod, byName) -> {
                    Map<String, Point> points = new LinkedHashMap<>();
                    byName.forEach(
                            (name, partial) -> {
                                Point p = partial.point();
                                if (p != null && partial.startTime != null) {
                                    points.put(name, p);
                                }
                            });
                    if (!points.isEmpty()) {
                        pods.put(pod, points);
                    }
                });
        return new Scrape(node.point(), pods);
    }

    private static void parseLine(
            String line,
            Instant scrapeTime,
            Partial node,
            Map<PodRef, Map<String, Partial>> containers) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        String name;
        Map<String, String> labels = Map.of();
        String rest;
        if (brace >= 0 && (space < 0 || brace < space)) {
            name = line.substring(0, brace);
            int end = labelsEnd(line, brace);
            labels = labels(line.substring(brace + 1, end));
            rest = line.substring(end + 1).strip();
        } else {
            if (space < 0) {
                throw new IllegalArgumentException("no value");
            }
            name = line.substring(0, space);
            rest = line.substring(space + 1).strip();
        }
        String[] parts = rest.split("\\s+");
        BigDecimal value = new BigDecimal(parts[0]);
        Instant time =
                parts.length > 1 ? Instant.ofEpochMilli(Long.parseLong(parts[1])) : scrapeTime;
        if (value.signum() < 0) {
            throw new IllegalArgumentException(name + " is negative");
        }
        switch (name) {
            case "node_cpu_usage_seconds_total" -> {
                node.cpuNanos = nanos(value);
                node.cpuTime = time;
            }
            case "node_memory_working_set_bytes" -> {
                node.memoryBytes = value.longValue();
                node.memoryTime = time;
            }
            case "container_cpu_usage_seconds_total" -> {
                Partial c = container(containers, labels);
                c.cpuNanos = nanos(value);
                c.cpuTime = time;
            }
            case "container_memory_working_set_bytes" -> {
                Partial c = container(containers, labels);
                c.memoryBytes = value.longValue();
                c.memoryTime = time;
            }
            case "container_start_time_seconds" ->
                    container(containers, labels).startTime =
                            Instant.ofEpochSecond(0, nanos(value));
            default -> {
                // other metrics of the endpoint are not used
            }
        }
    }

    private static long nanos(BigDecimal seconds) {
        return seconds.movePointRight(9).longValue();
    }

    private static Partial container(
            Map<PodRef, Map<String, Partial>> containers, Map<String, String> labels) {
        String namespace = labels.get("namespace");
        String pod = labels.get("pod");
        String container = labels.get("container");
        if (namespace == null || pod == null || container == null) {
            throw new IllegalArgumentException(
                    "a container sample without namespace, pod and container labels");
        }
        return containers
                .computeIfAbsent(new PodRef(namespace, pod), k -> new LinkedHashMap<>())
                .computeIfAbsent(container, k -> new Partial());
    }

    private static int labelsEnd(String line, int open) {
        boolean quoted = false;
        for (int i = open + 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '}' && !quoted) {
                return i;
            }
        }
        throw new IllegalArgumentException("unterminated labels");
    }

    private static Map<String, String> labels(String text) {
        Map<String, String> out = new HashMap<>();
        int i = 0;
        while (i < text.length()) {
            int eq = text.indexOf('=', i);
            if (eq < 0 || eq + 1 >= text.length() || text.charAt(eq + 1) != '"') {
                throw new IllegalArgumentException("malformed labels");
            }
            String key = text.substring(i, eq).strip();
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            for (; j < text.length() && text.charAt(j) != '"'; j++) {
                char c = text.charAt(j);
                if (c == '\\' && j + 1 < text.length()) {
                    char n = text.charAt(++j);
                    value.append(n == 'n' ? '\n' : n);
                } else {
                    value.append(c);
                }
            }
            if (j >= text.length()) {
                throw new IllegalArgumentException("unterminated label value");
            }
            out.put(key, value.toString());
            i = j + 1;
            while (i < text.length() && (text.charAt(i) == ',' || text.charAt(i) == ' ')) {
                i++;
            }
        }
        return out;
    }
}
