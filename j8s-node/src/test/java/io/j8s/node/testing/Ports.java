package io.j8s.node.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;

/** Loopback addresses and free ports for tests. */
public final class Ports {
    private static final AtomicInteger NEXT_HOST =
            new AtomicInteger((int) (ProcessHandle.current().pid() % 200) + 10);

    private Ports() {}

    /** A loopback address in 127.245.x.y unlikely to clash with parallel test runs. */
    public static String uniqueLoopbackIp() {
        int n = NEXT_HOST.getAndIncrement();
        return "127.245." + ((n / 250) % 250 + 1) + "." + (n % 250 + 2);
    }

    /**
     * A port free on {@code ip} right now, below the kernel's ephemeral range (32768+) so that a
     * test connecting to it after it closed can never connect to itself.
     */
    public static int freePort(String ip) {
        java.util.Random r = new java.util.Random();
        for (int i = 0; i < 100; i++) {
            int port = 20000 + r.nextInt(12000);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(ip))) {
                return s.getLocalPort();
            } catch (IOException e) {
                // taken: try another
            }
        }
        throw new IllegalStateException("no free port on " + ip);
    }
}
