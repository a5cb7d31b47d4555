package io.j8s.node.logs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;

/**
 * Reads a container's output stream to its end and appends it line by line to a {@link
 * ContainerLog}, stamping each line with the time it was read. A final line without a newline is
 * kept as is. Blocks the calling thread until the stream ends.
 */
public final class LineSplitter {

    private LineSplitter() {}

    public static void pump(InputStream in, LogStream stream, ContainerLog log, Clock clock)
            throws IOException {
        byte[] buf = new byte[8192];
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int n;
        while ((n = in.read(buf)) > 0) {
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (buf[i] == '\n') {
                    line.write(buf, start, i + 1 - start);
                    log.append(stream, clock.instant(), line.toByteArray());
                    line.reset();
                    start = i + 1;
                }
            }
            line.write(buf, start, n - start);
            if (line.size() >= ContainerLog.MAX_LINE_BYTES) {
                log.append(stream, clock.instant(), line.toByteArray());
                line.reset();
            }
        }
        if (line.size() > 0) {
            log.append(stream, clock.instant(), line.toByteArray());
        }
    }
}
