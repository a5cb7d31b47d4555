package io.j8s.server;

import java.util.Deque;
import org.slf4j.Logger;

/** Stopping what a component started. */
final class Closeables {
    private Closeables() {}

    /**
     * Pops and closes every one of {@code started}, the last started first. A failure to close one
     * is logged to {@code log} as a warning, and the rest are still closed.
     */
    static void closeAll(Deque<AutoCloseable> started, Logger log) {
        while (!started.isEmpty()) {
            AutoCloseable c = started.pop();
            try {
                c.close();
            } catch (Exception e) {
                log.atWarn()
                        .addKeyValue("component", c.getClass().getSimpleName())
                        .addKeyValue("error", e.toString())
                        .log("error while stopping");
            }
        }
    }
}
