package io.j8s.node.logs;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The captured output of one container instance: a size-capped ring of timestamped lines.
 *
 * <p>When the total size exceeds the capacity the oldest lines are dropped, so a chatty container
 * costs at most {@code capacityBytes} (plus per-line overhead). Lines longer than {@link
 * #MAX_LINE_BYTES} are split, as the kubelet's CRI log writer does.
 *
 * <p>Thread safety: all methods may be called from any thread; appends come from the stream reader
 * threads, reads from the log endpoint. Listeners are called on the appending thread after the lock
 * is released and must not block.
 */
public final class ContainerLog {

    /** Longest line kept as one entry; longer lines are cut into several entries. */
    public static final int MAX_LINE_BYTES = 16 * 1024;

    /** The kubelet's RFC3339NanoFixed: always nine fractional digits, UTC. */
    public static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
                    .withZone(ZoneOffset.UTC);

    private final long capacityBytes;
    private final CopyOnWriteArrayList<Runnable> listeners = new CopyOnWriteArrayList<>();

    // Guarded by this.
    private final ArrayDeque<LogEntry> entries = new ArrayDeque<>();
    private long bytes;
    private long nextSeq;
    private boolean closed;

    public ContainerLog(long capacityBytes) {
        if (capacityBytes < MAX_LINE_BYTES) {
            throw new IllegalArgumentException(
                    "capacityBytes must be >= " + MAX_LINE_BYTES + ", was " + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
    }

    /** Appends one line (already split by the caller); ignored after {@link #close()}. */
    public void append(LogStream stream, Instant time, byte[] line) {
        synchronized (this) {
            if (closed) {
                return;
            }
            for (int off = 0; off < line.length; off += MAX_LINE_BYTES) {
                int len = Math.min(MAX_LINE_BYTES, line.length - off);
                byte[] part =
                        (off == 0 && len == line.length)
                                ? line
                                : java.util.Arrays.copyOfRange(line, off, off + len);
                entries.addLast(new LogEntry(nextSeq++, time, stream, part));
                bytes += part.length;
            }
            while (bytes > capacityBytes && !entries.isEmpty()) {
                bytes -= entries.removeFirst().line().length;
            }
        }
        notifyListeners();
    }

    /** Marks the end of this instance's output: followers finish once they have read everything. */
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        notifyListeners();
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /** Bytes currently held. */
    public synchronized long sizeBytes() {
        return bytes;
    }

    /**
     * The entries a query selects right now: those at or after {@code sinceTime}, then the last
     * {@code tailLines} of them. {@code limitBytes} is applied when rendering, see {@link #render}.
     */
    public List<LogEntry> select(LogQuery query) {
        List<LogEntry> out = new ArrayList<>();
        synchronized (this) {
            for (LogEntry e : entries) {
                if (query.sinceTime() == null || !e.time().isBefore(query.sinceTime())) {
                    out.add(e);
                }
            }
        }
        if (query.tailLines() != null && out.size() > query.tailLines()) {
            out = new ArrayList<>(out.subList(out.size() - query.tailLines(), out.size()));
        }
        return out;
    }

    /**
     * What {@link #select} returns together with the sequence number of the newest entry held at
     * that moment (-1 when none has been written), so a follower continues exactly after it.
     */
    public record Selection(List<LogEntry> entries, long lastSeq) {}

    /** {@link #select} and the newest sequence number, read atomically. */
    public Selection selectForFollow(LogQuery query) {
        synchronized (this) {
            return new Selection(select(query), nextSeq - 1);
        }
    }

    /** Entries with a sequence number greater than {@code afterSeq}, oldest first. */
    public List<LogEntry> after(long afterSeq) {
        List<LogEntry> out = new ArrayList<>();
        synchronized (this) {
            Iterator<LogEntry> it = entries.descendingIterator();
            while (it.hasNext()) {
                LogEntry e = it.next();
                if (e.seq() <= afterSeq) {
                    break;
                }
                out.add(e);
            }
        }
        java.util.Collections.reverse(out);
        return out;
    }

    /** Registers a callback run after every append and on close; returns a handle to remove it. */
    public AutoCloseable onChange(Runnable listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** One entry as the kubelet serves it: optionally "RFC3339Nano SPACE", then the line. */
    public static byte[] render(LogEntry entry, boolean timestamps) {
        if (!timestamps) {
            return entry.line();
        }
        byte[] ts =
                (TIMESTAMP.format(entry.time()) + " ")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] out = new byte[ts.length + entry.line().length];
        System.arraycopy(ts, 0, out, 0, ts.length);
        System.arraycopy(entry.line(), 0, out, ts.length, entry.line().length);
        return out;
    }

    /** Renders the selected entries of a non-following query, honouring {@code limitBytes}. */
    public byte[] read(LogQuery query) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long limit = query.limitBytes() == null ? Long.MAX_VALUE : query.limitBytes();
        for (LogEntry e : select(query)) {
            byte[] b = render(e, query.timestamps());
            int n = (int) Math.min(b.length, limit - out.size());
            out.write(b, 0, n);
            if (out.size() >= limit) {
                break;
            }
        }
        return out.toByteArray();
    }

    private void notifyListeners() {
        for (Runnable r : listeners) {
            r.run();
        }
    }
}
