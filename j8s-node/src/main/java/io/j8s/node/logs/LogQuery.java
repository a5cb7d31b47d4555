package io.j8s.node.logs;

import java.time.Instant;

/**
 * What a reader asks of a container log, mirroring {@code PodLogOptions}.
 *
 * @param follow keep streaming new lines until the container instance ends
 * @param tailLines only the last N lines (null: all)
 * @param previous read the previous (terminated) instance of the container
 * @param timestamps prefix each line with its RFC3339Nano time and a space
 * @param limitBytes stop after this many bytes (null: no limit)
 * @param sinceTime only lines read at or after this instant (null: all); {@code sinceSeconds} is
 *     turned into this by the caller
 */
public record LogQuery(
        boolean follow,
        Integer tailLines,
        boolean previous,
        boolean timestamps,
        Long limitBytes,
        Instant sinceTime) {

    public LogQuery {
        if (tailLines != null && tailLines < 0) {
            throw new IllegalArgumentException("tailLines must be >= 0, was " + tailLines);
        }
        if (limitBytes != null && limitBytes < 1) {
            throw new IllegalArgumentException("limitBytes must be >= 1, was " + limitBytes);
        }
    }

    /** Everything, once, without timestamps. */
    public static LogQuery all() {
        return new LogQuery(false, null, false, false, null, null);
    }
}
