package io.j8s.node.runtime;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * A process started for {@code kubectl exec} (or a container's main process as {@code attach} sees
 * it): its standard streams, its exit, a terminal size when it has a pseudo-terminal, and a kill
 * for its whole session. Thread-safe.
 */
public interface StreamProcess {

    /** What the process reads as stdin, or null when it was started without stdin. */
    OutputStream stdin();

    /** stdout (with a tty: the terminal's output, stdout and stderr together). */
    InputStream stdout();

    /** stderr, or null with a tty (the terminal carries both). */
    InputStream stderr();

    /** Whether the process runs on a pseudo-terminal. */
    boolean tty();

    /** Sets the terminal size (TIOCSWINSZ); ignored without a tty. */
    void resize(int width, int height);

    /** Completes with the exit code (128+n when killed by signal n). */
    CompletableFuture<Integer> exit();

    /** Kills the process and everything it started (its session). Idempotent, never blocks long. */
    void kill();

    /** The process id, for logs. */
    long pid();
}
