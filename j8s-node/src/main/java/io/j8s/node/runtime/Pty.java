package io.j8s.node.runtime;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The master side of a Linux pseudo-terminal, through libc ({@code posix_openpt}, {@code grantpt},
 * {@code unlockpt}, {@code ptsname_r}, {@code ioctl(TIOCSWINSZ)}). The slave is opened by the child
 * (by its path), never held by this JVM, so a read of the master ends (EIO) once every process on
 * the terminal has gone. The file descriptor is closed when the reader ends and the writer is
 * closed ({@link #close()} forces it). Thread-safe.
 */
final class Pty implements AutoCloseable {

    private interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int posix_openpt(int flags);

        int grantpt(int fd);

        int unlockpt(int fd);

        int ptsname_r(int fd, byte[] buf, NativeLong len);

        int ioctl(int fd, NativeLong request, Pointer arg);

        NativeLong read(int fd, byte[] buf, NativeLong count);

        NativeLong write(int fd, byte[] buf, NativeLong count);

        int close(int fd);
    }

    private static final int O_RDWR = 2;
    private static final int O_NOCTTY = 0400;
    private static final int O_CLOEXEC = 02000000;
    private static final long TIOCSWINSZ = 0x5414;

    private final int master;
    private final String slavePath;
    private boolean readerDone; // guarded by this
    private boolean writerDone; // guarded by this
    private boolean closed; // guarded by this

    private Pty(int master, String slavePath) {
        this.master = master;
        this.slavePath = slavePath;
    }

    /** Opens a new pseudo-terminal; the caller must start a process on {@link #slavePath()}. */
    static Pty open() throws IOException {
        LibC c = LibC.INSTANCE;
        int fd = c.posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (fd < 0) {
            throw new IOException("posix_openpt failed (errno " + Native.getLastError() + ")");
        }
        byte[] name = new byte[128];
        if (c.grantpt(fd) != 0
                || c.unlockpt(fd) != 0
                || c.ptsname_r(fd, name, new NativeLong(name.length)) != 0) {
            int errno = Native.getLastError();
            c.close(fd);
            throw new IOException("cannot set up the pseudo-terminal (errno " + errno + ")");
        }
        int len = 0;
        while (len < name.length && name[len] != 0) {
            len++;
        }
        return new Pty(fd, new String(name, 0, len, StandardCharsets.US_ASCII));
    }

    String slavePath() {
        return slavePath;
    }

    /** Sets the window size, which also signals SIGWINCH to the terminal's foreground group. */
    void resize(int width, int height) {
        Memory ws = new Memory(8);
        ws.setShort(0, (short) Math.max(0, Math.min(height, 0xffff)));
        ws.setShort(2, (short) Math.max(0, Math.min(width, 0xffff)));
        ws.setShort(4, (short) 0);
        ws.setShort(6, (short) 0);
        synchronized (this) {
            if (!closed) {
                LibC.INSTANCE.ioctl(master, new NativeLong(TIOCSWINSZ), ws);
            }
        }
    }

    /** What the terminal shows; ends when no process holds the terminal anymore. */
    InputStream input() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] b = new byte[1];
                int n = read(b, 0, 1);
                return n < 0 ? -1 : b[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                synchronized (Pty.this) {
                    if (closed || readerDone) {
                        return -1;
                    }
                }
                byte[] buf = off == 0 ? b : new byte[len];
                long n =
                        LibC.INSTANCE
                                .read(master, buf, new NativeLong(Math.min(len, b.length - off)))
                                .longValue();
                if (n <= 0) {
                    // EIO: the last process on the terminal is gone.
                    endReader();
                    return -1;
                }
                if (buf != b) {
                    System.arraycopy(buf, 0, b, off, (int) n);
                }
                return (int) n;
            }

            @Override
            public void close() {
                endReader();
            }
        };
    }

    /** What the terminal reads as typed input. */
    OutputStream output() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                byte[] buf = off == 0 ? b : java.util.Arrays.copyOfRange(b, off, off + len);
                int done = 0;
                while (done < len) {
                    byte[] chunk = done == 0 ? buf : java.util.Arrays.copyOfRange(buf, done, len);
                    long n;
                    synchronized (Pty.this) {
                        if (closed || writerDone) {
                            throw new IOException("the terminal is closed");
                        }
                    }
                    n = LibC.INSTANCE.write(master, chunk, new NativeLong(len - done)).longValue();
                    if (n <= 0) {
                        throw new IOException(
                                "write to the terminal failed (errno "
                                        + Native.getLastError()
                                        + ")");
                    }
                    done += (int) n;
                }
            }

            @Override
            public void close() {
                synchronized (Pty.this) {
                    writerDone = true;
                    closeIfDone();
                }
            }
        };
    }

    private synchronized void endReader() {
        readerDone = true;
        closeIfDone();
    }

    private void closeIfDone() {
        if (readerDone && writerDone && !closed) {
            closed = true;
            LibC.INSTANCE.close(master);
        }
    }

    /** Closes the master now (a blocked read is left to end by itself with EIO). */
    @Override
    public synchronized void close() {
        writerDone = true;
        closeIfDone();
    }
}
