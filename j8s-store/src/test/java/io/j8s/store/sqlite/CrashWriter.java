package io.j8s.store.sqlite;

import io.j8s.store.TxnOp;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The child process of {@link SqliteCrashTest}: writes to a SqliteStore as fast as it can from
 * several threads and prints every acknowledged write as {@code ack <thread> <n> <revision> .} (the
 * trailing dot tells a complete line from one cut off by the kill). Each write is a txn creating
 * two keys, {@code /registry/a/<thread>-<n>} and {@code /registry/b/<thread>-<n>}.
 */
public final class CrashWriter {
    private CrashWriter() {}

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        SqliteStore store =
                SqliteStore.open(
                        SqliteStoreOptions.defaults(dataDir).withCompactionInterval(Duration.ZERO));
        synchronized (out) {
            out.println("ready .");
            out.flush();
        }
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread writer =
                    new Thread(
                            () -> {
                                byte[] value = new byte[512];
                                for (int n = 0; ; n++) {
                                    String suffix = thread + "-" + n;
                                    long rev =
                                            store.txn(
                                                    List.of(
                                                            new TxnOp.Create(
                                                                    "/registry/a/" + suffix, value),
                                                            new TxnOp.Create(
                                                                    "/registry/b/" + suffix,
                                                                    value)));
                                    synchronized (out) {
                                        out.println("ack " + thread + " " + n + " " + rev + " .");
                                        out.flush();
                                    }
                                }
                            },
                            "crash-writer-" + t);
            writer.start();
        }
        Thread.currentThread().join(); // until killed
    }
}
