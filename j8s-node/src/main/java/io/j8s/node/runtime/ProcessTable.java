package io.j8s.node.runtime;

import io.j8s.node.state.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process containers this agent has running, persisted so that an agent that crashed can find
 * and kill what it left behind ({@link #killOrphans()}) instead of leaking processes.
 *
 * <p>The file holds one line per container, {@code <pid> <startMillis> <namespace/pod/container>},
 * and is rewritten by temp file and atomic rename on every change. A PID is trusted only when the
 * process with that PID started at the recorded time (or has gone, leaving its session behind).
 * Thread-safe.
 */
public final class ProcessTable {

    private static final Logger log = LoggerFactory.getLogger(ProcessTable.class);

    private record Row(long pid, long startMillis, String name) {}

    private final Path file;
    private final Map<Long, Row> rows = new LinkedHashMap<>(); // guarded by this

    public ProcessTable(Path file) {
        this.file = file;
    }

    public synchronized void add(long pid, Instant started, String name) {
        rows.put(pid, new Row(pid, started.toEpochMilli(), name));
        write();
    }

    public synchronized void remove(long pid) {
        if (rows.remove(pid) != null) {
            write();
        }
    }

    /**
     * Kills every process session recorded by a previous run of the agent and empties the table.
     * Returns the names of the containers that were still running.
     */
    public synchronized List<String> killOrphans() {
        List<String> killed = new ArrayList<>();
        for (Row r : read()) {
            var handle = ProcessHandle.of(r.pid());
            boolean sameProcess =
                    handle.flatMap(h -> h.info().startInstant())
                            .map(t -> Math.abs(t.toEpochMilli() - r.startMillis()) < 1000)
                            .orElse(false);
            if (handle.isPresent() && !sameProcess) {
                continue; // the PID was reused by an unrelated process
            }
            int n = ProcessSessions.killSession(r.pid());
            if (n > 0) {
                killed.add(r.name());
                log.info(
                        "killed orphaned container {} (session {}, {} processes)",
                        r.name(),
                        r.pid(),
                        n);
            }
        }
        rows.clear();
        write();
        return killed;
    }

    private List<Row> read() {
        List<Row> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.trim().split(" ", 3);
                if (f.length == 3) {
                    try {
                        out.add(new Row(Long.parseLong(f[0]), Long.parseLong(f[1]), f[2]));
                    } catch (NumberFormatException e) {
                        log.warn("ignoring malformed line in {}: {}", file, line);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
        return out;
    }

    private void write() {
        StringBuilder sb = new StringBuilder();
        for (Row r : rows.values()) {
            sb.append(r.pid())
                    .append(' ')
                    .append(r.startMillis())
                    .append(' ')
                    .append(r.name())
                    .append('\n');
        }
        AtomicFiles.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    }
}
