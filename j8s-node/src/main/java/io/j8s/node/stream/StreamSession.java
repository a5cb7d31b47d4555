package io.j8s.node.stream;

import io.j8s.node.runtime.ContainerStartException;
import io.j8s.node.runtime.StreamProcess;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One exec or attach stream on an upgraded WebSocket: relays the client's stdin and resize messages
 * to the process and its output back, then sends the exit {@code Status} on the error channel and
 * closes. Threads: one starts the process and pumps stdout, one pumps stderr, one writes stdin; all
 * end when the process ends or the client goes (which kills an exec'd process). Back-pressure both
 * ways: output is read only while the socket is writable, and the socket is read only while stdin
 * has at most a few messages queued.
 */
final class StreamSession extends SimpleChannelInboundHandler<WebSocketFrame> {

    private static final Logger log = LoggerFactory.getLogger(StreamSession.class);

    /** Output is read in chunks of this size; one WebSocket message each. */
    static final int CHUNK = 32 * 1024;

    private static final int PAUSE_AT = 8;
    private static final int RESUME_AT = 2;
    private static final byte[] EOF = new byte[0];

    /** Starts the process (or attaches) on the session's thread. */
    interface Starter {
        StreamProcess start() throws ContainerStartException;
    }

    private final String name;
    private final boolean exec;
    private final StreamOptions options;
    private final boolean v5;
    private final Starter starter;
    private final Runnable onEnd;
    private final LinkedBlockingQueue<byte[]> stdin = new LinkedBlockingQueue<>();
    private final Object writable = new Object();
    private final CompletableFuture<StreamProcess> process = new CompletableFuture<>();
    private volatile Channel channel;
    private volatile boolean closed;

    StreamSession(
            String name,
            boolean exec,
            StreamOptions options,
            String protocol,
            Starter starter,
            Runnable onEnd) {
        this.name = name;
        this.exec = exec;
        this.options = options;
        this.v5 = StreamProtocol.V5.equals(protocol);
        this.starter = starter;
        this.onEnd = onEnd;
    }

    /** Call once the handshake is done and this handler is in the pipeline. */
    void start(Channel ch) {
        this.channel = ch;
        ch.closeFuture().addListener(f -> teardown());
        Thread t = new Thread(this::run, "j8s-stream-" + name);
        t.setDaemon(true);
        t.start();
    }

    private void run() {
        StreamProcess p;
        try {
            p = starter.start();
        } catch (ContainerStartException e) {
            log.atInfo()
                    .addKeyValue("stream", name)
                    .addKeyValue("error", e.getMessage())
                    .log("exec could not start");
            finish(StreamProtocol.failure(e.getMessage()));
            process.complete(null);
            return;
        } catch (RuntimeException e) {
            log.atWarn().setCause(e).addKeyValue("stream", name).log("exec failed to start");
            finish(StreamProtocol.failure("cannot start the command: " + e));
            process.complete(null);
            return;
        }
        process.complete(p);
        if (closed) {
            p.kill();
            return;
        }
        log.atDebug()
                .addKeyValue("stream", name)
                .addKeyValue("pid", p.pid())
                .addKeyValue("tty", p.tty())
                .log("stream started");
        if (options.stdin() && p.stdin() != null) {
            Thread w = new Thread(() -> writeStdin(p), "j8s-stream-" + name + "-stdin");
            w.setDaemon(true);
            w.start();
        } else if (p.stdin() != null && !p.tty()) {
            closeQuietly(p.stdin());
        }
        Thread err = null;
        if (p.stderr() != null) {
            InputStream e = p.stderr();
            boolean send = options.stderr();
            err =
                    new Thread(
                            () -> pump(e, StreamProtocol.STDERR, send),
                            "j8s-stream-" + name + "-stderr");
            err.setDaemon(true);
            err.start();
        }
        pump(p.stdout(), StreamProtocol.STDOUT, options.stdout());
        try {
            if (err != null) {
                err.join();
            }
            if (closed) {
                return; // the client went: an exec'd process was killed, an attach detached
            }
            if (!exec) {
                // The main process's output ended; kubectl reads its exit code from the Pod's
                // status.
                finish(StreamProtocol.exitStatus(0, options.command()));
                return;
            }
            int code = p.exit().get();
            finish(StreamProtocol.exitStatus(code, options.command()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.kill();
        } catch (java.util.concurrent.ExecutionException e) {
            finish(StreamProtocol.failure("the command ended abnormally: " + e.getCause()));
        }
    }

    /** Copies one output stream to one channel while the socket is writable; ends at EOF. */
    private void pump(InputStream in, int ch, boolean send) {
        byte[] buf = new byte[CHUNK];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (n == 0 || !send || closed) {
                    continue; // unrequested output is drained, as to /dev/null
                }
                ByteBuf frame = channel.alloc().buffer(n + 1);
                frame.writeByte(ch).writeBytes(buf, 0, n);
                channel.writeAndFlush(new BinaryWebSocketFrame(frame));
                awaitWritable();
            }
        } catch (IOException e) {
            // the process was killed, or the pipe closed: end of output
        }
    }

    private void awaitWritable() {
        synchronized (writable) {
            while (!closed && !channel.isWritable()) {
                try {
                    writable.wait(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void writeStdin(StreamProcess p) {
        OutputStream out = p.stdin();
        try {
            while (true) {
                byte[] b = stdin.poll(1, TimeUnit.SECONDS);
                if (closed && (b == null || b == EOF)) {
                    break;
                }
                if (b == null) {
                    if (p.exit().isDone()) {
                        break;
                    }
                    continue;
                }
                if (b == EOF) {
                    if (p.tty()) {
                        out.write(4); // ^D: end of input on a terminal, which cannot be half-closed
                        out.flush();
                    }
                    break;
                }
                out.write(b);
                out.flush();
                if (stdin.size() <= RESUME_AT) {
                    channel.config().setAutoRead(true);
                }
            }
        } catch (IOException e) {
            // the process no longer reads its stdin
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (!p.tty() || closed) {
                closeQuietly(out);
            }
            stdin.clear();
            if (channel.isActive()) {
                channel.config().setAutoRead(true);
            }
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
            return;
        }
        if (frame instanceof CloseWebSocketFrame) {
            ctx.writeAndFlush(new CloseWebSocketFrame(1000, ""))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (!(frame instanceof BinaryWebSocketFrame || frame instanceof TextWebSocketFrame)) {
            return; // pongs need no answer
        }
        // A text message is taken as its bytes, channel first, as Kubernetes does on these
        // protocols.
        ByteBuf c = frame.content();
        if (!c.isReadable()) {
            return;
        }
        int ch = c.readUnsignedByte();
        switch (ch) {
            case StreamProtocol.STDIN -> {
                if (options.stdin() && c.isReadable()) {
                    byte[] b = new byte[c.readableBytes()];
                    c.readBytes(b);
                    stdin.add(b);
                    if (stdin.size() >= PAUSE_AT) {
                        ctx.channel().config().setAutoRead(false);
                    }
                }
            }
            case StreamProtocol.RESIZE -> {
                int[] size = StreamProtocol.parseResize(c.toString(StandardCharsets.UTF_8));
                StreamProcess p = process.getNow(null);
                if (size != null && p != null) {
                    p.resize(size[0], size[1]);
                } else if (size != null) {
                    process.thenAccept(
                            q -> {
                                if (q != null) {
                                    q.resize(size[0], size[1]);
                                }
                            });
                }
            }
            case StreamProtocol.CLOSE -> {
                if (v5 && c.isReadable() && c.readUnsignedByte() == StreamProtocol.STDIN) {
                    stdin.add(EOF);
                }
            }
            default -> {
                // other channels carry nothing from the client
            }
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        synchronized (writable) {
            writable.notifyAll();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            log.atInfo().addKeyValue("stream", name).log("stream idle for too long; closing it");
            ctx.writeAndFlush(new CloseWebSocketFrame(1000, "idle timeout"))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.atDebug()
                .addKeyValue("stream", name)
                .addKeyValue("error", cause.toString())
                .log("stream connection failed");
        ctx.close();
    }

    /** Sends the final Status and closes normally. */
    private void finish(byte[] status) {
        Channel ch = channel;
        if (!ch.isActive()) {
            return;
        }
        ByteBuf frame = ch.alloc().buffer(status.length + 1);
        frame.writeByte(StreamProtocol.ERROR).writeBytes(status);
        ch.write(new BinaryWebSocketFrame(frame));
        ch.writeAndFlush(new CloseWebSocketFrame(1000, ""))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void teardown() {
        if (closed) {
            return;
        }
        closed = true;
        stdin.add(EOF);
        synchronized (writable) {
            writable.notifyAll();
        }
        process.thenAccept(
                p -> {
                    if (p != null) {
                        p.kill();
                    }
                });
        onEnd.run();
        log.atDebug().addKeyValue("stream", name).log("stream closed");
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // nothing left to do
        }
    }
}
