package io.j8s.node.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The attach side of a container's main process ({@code kubectl attach}, {@code run -it}): the raw
 * output its pumps read is offered to every attached client as it comes (the log keeps its own
 * copy); the process's stdin (a pipe, or the terminal with {@code tty: true}) is shared by the
 * attached clients. A client that reads slower than the container writes loses output past {@link
 * #MAX_BUFFERED_BYTES} rather than slowing the container. With {@code stdinOnce}, the container's
 * stdin is closed when the first client that attached with stdin detaches. Thread-safe.
 */
final class Attachments {

    /** Output buffered per attached client. */
    static final long MAX_BUFFERED_BYTES = 1 << 20;

    private static final byte[] END = new byte[0];

    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final OutputStream stdin; // null: the container has no stdin
    private final boolean stdinOnce;
    private final boolean tty;
    private final Pty pty; // null without tty
    private final CompletableFuture<Integer> exit;
    private final AtomicBoolean stdinClosed = new AtomicBoolean();
    private volatile boolean ended;

    Attachments(OutputStream stdin, boolean stdinOnce, Pty pty, CompletableFuture<Integer> exit) {
        this.stdin = stdin;
        this.stdinOnce = stdinOnce;
        this.tty = pty != null;
        this.pty = pty;
        this.exit = exit;
    }

    /** Output the main process wrote on {@code stdout} (or stderr); called by the pump threads. */
    void offer(boolean stderr, byte[] b, int off, int len) {
        if (clients.isEmpty() || len <= 0) {
            return;
        }
        byte[] copy = java.util.Arrays.copyOfRange(b, off, off + len);
        for (Client c : clients) {
            c.offer(stderr, copy);
        }
    }

    /** The main process's output has ended: attached clients see EOF. */
    void end() {
        ended = true;
        for (Client c : clients) {
            c.detach();
        }
    }

    StreamProcess attach(boolean withStdin) throws ContainerStartException {
        if (ended) {
            throw new ContainerStartException("the container's main process has ended");
        }
        if (withStdin && stdin == null) {
            throw new ContainerStartException(
                    "stdin is not enabled for this container: set stdin: true in its spec to attach with stdin");
        }
        if (withStdin && stdinClosed.get()) {
            throw new ContainerStartException("the container's stdin was closed (stdinOnce)");
        }
        Client c = new Client(withStdin);
        clients.add(c);
        if (ended) {
            c.detach();
        }
        return c;
    }

    private final class Client implements StreamProcess {
        private final boolean withStdin;
        private final LinkedBlockingQueue<byte[]> out = new LinkedBlockingQueue<>();
        private final LinkedBlockingQueue<byte[]> err = new LinkedBlockingQueue<>();
        private final AtomicLong buffered = new AtomicLong();
        private final AtomicBoolean detached = new AtomicBoolean();

        Client(boolean withStdin) {
            this.withStdin = withStdin;
        }

        void offer(boolean stderr, byte[] b) {
            if (buffered.addAndGet(b.length) > MAX_BUFFERED_BYTES) {
                buffered.addAndGet(-b.length); // a slow client misses output; the log has it
                return;
            }
            (stderr && !tty ? err : out).add(b);
        }

        void detach() {
            if (detached.compareAndSet(false, true)) {
                clients.remove(this);
                out.add(END);
                err.add(END);
                stdinEnded();
            }
        }

        /** This client's stdin ended: with stdinOnce, the container's stdin ends too. */
        void stdinEnded() {
            if (withStdin && stdinOnce && stdinClosed.compareAndSet(false, true)) {
                if (tty) {
                    try {
                        synchronized (stdin) {
                            stdin.write(4); // ^D: a terminal cannot be half-closed
                            stdin.flush();
                        }
                    } catch (IOException e) {
                        // the process no longer reads
                    }
                } else {
                    ContainerProcesses.closeQuietly(stdin);
                }
            }
        }

        private InputStream reader(LinkedBlockingQueue<byte[]> q) {
            return new InputStream() {
                private byte[] current;
                private int pos;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    while (current == null || pos >= current.length) {
                        try {
                            byte[] next = q.poll(1, TimeUnit.SECONDS);
                            if (next == END) {
                                q.add(END);
                                return -1;
                            }
                            if (next != null) {
                                current = next;
                                pos = 0;
                                buffered.addAndGet(-next.length);
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return -1;
                        }
                    }
                    int n = Math.min(len, current.length - pos);
                    System.arraycopy(current, pos, b, off, n);
                    pos += n;
                    return n;
                }
            };
        }

        @Override
        public OutputStream stdin() {
            if (!withStdin) {
                return null;
            }
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (detached.get()) {
                        throw new IOException("detached");
                    }
                    synchronized (stdin) {
                        stdin.write(b, off, len);
                        stdin.flush();
                    }
                }

                @Override
                public void close() {
                    stdinEnded();
                }
            };
        }

        @Override
        public InputStream stdout() {
            return reader(out);
        }

        @Override
        public InputStream stderr() {
            return tty ? null : reader(err);
        }

        @Override
        public boolean tty() {
            return tty;
        }

        @Override
        public void resize(int width, int height) {
            if (pty != null) {
                pty.resize(width, height);
            }
        }

        @Override
        public CompletableFuture<Integer> exit() {
            return exit;
        }

        /** Detaches; the container goes on. */
        @Override
        public void kill() {
            detach();
        }

        @Override
        public long pid() {
            return -1;
        }
    }
}
