package io.j8s.server.ranges;

import io.j8s.apiserver.admission.Cidr;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one server claims in the {@link RangeRegistry}: its Service range, its Pod range and its
 * ports, chosen free unless given, held until {@link #close()}. A given range or port that is taken
 * is refused with a {@link CollisionException} naming the holder; the ranges chosen are kept in the
 * data dir ({@value #FILE}) so a restart on it keeps them (see docs/architecture.md, "Many clusters
 * on one host").
 */
public final class HostClaims implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HostClaims.class);

    /** The data dir's file of the ranges and port chosen at the first start. */
    public static final String FILE = "ranges.properties";

    /** The historic ranges and ports, used when free. */
    public static final String DEFAULT_SERVICE_RANGE = "127.96.0.0/16";

    public static final String DEFAULT_CLUSTER_CIDR = "127.244.0.0/16";
    public static final int DEFAULT_SECURE_PORT = 6443;
    public static final int DEFAULT_KUBELET_PORT = 10250;

    /** A port given as this is chosen: the default when free, else a free one. */
    public static final int AUTO_PORT = -1;

    /**
     * How many free ports are tried before giving up (each may be taken between probe and claim).
     */
    private static final int PORT_ATTEMPTS = 50;

    private final RangeRegistry registry;
    private final String owner;
    private final String group;
    private final Deque<RangeRegistry.Claim> claims = new ArrayDeque<>();

    /**
     * @param owner who claims, as the holder is named to others ({@code "j8s server (data dir
     *     /x)"})
     * @param group null: this server holds its keys alone; else the cluster it shares them with
     *     (servers on one etcd)
     */
    public HostClaims(RangeRegistry registry, String owner, String group) {
        this.registry = registry;
        this.owner = owner;
        this.group = group;
    }

    /** The resolved ranges and port of a server. */
    public record Resolved(String serviceRange, String clusterCidr, int securePort) {}

    /**
     * Claims the server's ranges and API port.
     *
     * @param serviceRange {@code --service-cluster-ip-range}, or null for a free one
     * @param clusterCidr {@code --cluster-cidr}, or null for a free one
     * @param bindAddress where the API server listens
     * @param securePort {@code --secure-port}, {@link #AUTO_PORT} for 6443 when free, 0 for any
     * @param dataDir where the chosen values are kept ({@value #FILE})
     * @param shared true: the ranges are claimed with this claimer's group (shared with the servers
     *     of the same cluster on this host)
     */
    public Resolved claimServer(
            String serviceRange,
            String clusterCidr,
            String bindAddress,
            int securePort,
            Path dataDir,
            boolean shared) {
        Resolved ranges = claimRanges(serviceRange, clusterCidr, dataDir, shared);
        int port = claimApiPort(bindAddress, securePort, dataDir);
        return new Resolved(ranges.serviceRange(), ranges.clusterCidr(), port);
    }

    /**
     * Claims the server's ranges (given, else kept in the data dir, else the first free /16 from
     * the historic one) and keeps them in the data dir. The result's port is 0.
     *
     * @param shared true: claimed with this claimer's group (servers of one cluster share them)
     */
    public Resolved claimRanges(
            String serviceRange, String clusterCidr, Path dataDir, boolean shared) {
        Properties stored = load(dataDir);
        String service =
                claimRange(
                        "Service range (--service-cluster-ip-range)",
                        serviceRange,
                        stored.getProperty("service-cluster-ip-range"),
                        DEFAULT_SERVICE_RANGE,
                        shared);
        String pods =
                claimRange(
                        "Pod range (--cluster-cidr)",
                        clusterCidr,
                        stored.getProperty("cluster-cidr"),
                        DEFAULT_CLUSTER_CIDR,
                        shared);
        remember(dataDir, "service-cluster-ip-range", service, "cluster-cidr", pods);
        return new Resolved(service, pods, 0);
    }

    /**
     * Claims ranges a cluster has recorded (servers on one etcd), shared with this claimer's group:
     * held by another cluster or server on this host, refused with a {@link CollisionException}.
     */
    public void claimRecorded(String serviceRange, String clusterCidr, String why) {
        claimCidr("Service range (--service-cluster-ip-range)", serviceRange, why, group);
        claimCidr("Pod range (--cluster-cidr)", clusterCidr, why, group);
    }

    /**
     * Claims the API port ({@link #claimPort}, the data dir's port preferred after 6443) and keeps
     * it in the data dir.
     */
    public int claimApiPort(String bindAddress, int securePort, Path dataDir) {
        int storedPort = parsePort(load(dataDir).getProperty("secure-port"));
        int port =
                claimPort(
                        "API port (--secure-port)",
                        bindAddress,
                        securePort,
                        storedPort,
                        DEFAULT_SECURE_PORT);
        if (port > 0) {
            remember(dataDir, "secure-port", String.valueOf(port));
        }
        return port;
    }

    /** Sets {@code keyValues} (pairs) in the data dir's {@value #FILE}, written when changed. */
    private static synchronized void remember(Path dataDir, String... keyValues) {
        Properties stored = load(dataDir);
        Properties next = new Properties();
        next.putAll(stored);
        for (int i = 0; i < keyValues.length; i += 2) {
            next.setProperty(keyValues[i], keyValues[i + 1]);
        }
        if (!next.equals(stored)) {
            save(dataDir, next);
        }
    }

    /**
     * Claims a port on {@code host}.
     *
     * @param given the port given, {@link #AUTO_PORT} to choose ({@code preferred} when free, else
     *     {@code stored} when free, else any free port), 0 for one the operating system picks at
     *     bind
     * @return the port to bind (0 only when {@code given} is 0)
     */
    public int claimPort(String what, String host, int given, int stored, int preferred) {
        if (given == 0) {
            return 0;
        }
        if (given > 0) {
            try {
                claims.push(registry.claim(List.of(RangeRegistry.portKey(given)), owner, null));
            } catch (RangeRegistry.TakenException e) {
                throw new CollisionException(
                        "the " + what + " " + given + " is taken: held by " + e.holder());
            }
            if (!bindable(host, given)) {
                throw new CollisionException(
                        "the "
                                + what
                                + " "
                                + given
                                + " is taken: another process listens on "
                                + host
                                + ":"
                                + given);
            }
            return given;
        }
        List<Integer> candidates = new ArrayList<>();
        if (stored > 0) {
            candidates.add(stored);
        }
        if (!candidates.contains(preferred)) {
            candidates.add(preferred);
        }
        for (int candidate : candidates) {
            if (tryPort(host, candidate)) {
                if (candidate != preferred) {
                    log.atInfo()
                            .addKeyValue("port", candidate)
                            .addKeyValue("taken", preferred)
                            .log(
                                    "the "
                                            + what
                                            + " "
                                            + preferred
                                            + " is taken; using the data dir's "
                                            + candidate);
                }
                return candidate;
            }
        }
        for (int i = 0; i < PORT_ATTEMPTS; i++) {
            int candidate = freePort(host);
            if (tryPort(host, candidate)) {
                log.atInfo()
                        .addKeyValue("port", candidate)
                        .addKeyValue("taken", preferred)
                        .log("the " + what + " " + preferred + " is taken; using a free port");
                return candidate;
            }
        }
        throw new CollisionException(
                "no free port for the "
                        + what
                        + " on "
                        + host
                        + " after "
                        + PORT_ATTEMPTS
                        + " attempts");
    }

    private boolean tryPort(String host, int port) {
        Optional<RangeRegistry.Claim> claim =
                registry.tryClaim(RangeRegistry.portKey(port), owner, null);
        if (claim.isEmpty()) {
            return false;
        }
        if (!bindable(host, port)) {
            claim.get().close();
            return false;
        }
        claims.push(claim.get());
        return true;
    }

    private String claimRange(
            String what, String given, String stored, String historic, boolean shared) {
        String claimGroup = shared ? group : null;
        if (given != null) {
            claimCidr(what, given, "given", claimGroup);
            return given;
        }
        if (stored != null) {
            claimCidr(what, stored, "kept in the data dir from its first start", claimGroup);
            return stored;
        }
        Cidr first = Cidr.parse(historic);
        int start = blockOf(first.base());
        int prefix = first.prefixLength();
        for (int i = 0; i < 255; i++) {
            int block = 1 + ((start - 1 + i) % 255);
            String candidate = "127." + block + ".0.0/" + prefix;
            Optional<RangeRegistry.Claim> claim = tryFreeBlock(block, claimGroup);
            if (claim.isPresent()) {
                claims.push(claim.get());
                if (i > 0) {
                    log.atInfo()
                            .addKeyValue("range", candidate)
                            .addKeyValue("taken", historic)
                            .log(
                                    "the "
                                            + what
                                            + " "
                                            + historic
                                            + " is taken on this host; using "
                                            + candidate);
                }
                return candidate;
            }
        }
        throw new CollisionException(
                "no free /16 in 127.0.0.0/8 for the "
                        + what
                        + ": every one is held by other"
                        + " j8s servers (see "
                        + registry.dir()
                        + ")");
    }

    /**
     * Claims a /16 block nobody holds. With a group, it is first claimed alone (a shared lock of
     * another process does not see other groups' shared locks), then, released, with the group.
     */
    private Optional<RangeRegistry.Claim> tryFreeBlock(int block, String claimGroup) {
        String key = RangeRegistry.blockKey(block);
        Optional<RangeRegistry.Claim> alone = registry.tryClaim(key, owner, null);
        if (claimGroup == null || alone.isEmpty()) {
            return alone;
        }
        alone.get().close();
        return registry.tryClaim(key, owner, claimGroup);
    }

    private void claimCidr(String what, String cidr, String why, String claimGroup) {
        List<String> keys = blockKeys(cidr);
        if (keys.isEmpty()) {
            return;
        }
        try {
            claims.push(registry.claim(keys, owner, claimGroup));
        } catch (RangeRegistry.TakenException e) {
            throw new CollisionException(
                    "the "
                            + what
                            + " "
                            + cidr
                            + " ("
                            + why
                            + ") is taken: "
                            + e.key().replace("block-", "")
                            + ".0.0/16 is held by "
                            + e.holder());
        }
    }

    /** The keys of the /16 blocks of 127.0.0.0/8 that {@code cidr} overlaps (none outside it). */
    static List<String> blockKeys(String cidr) {
        Cidr c = Cidr.parse(cidr);
        long size = c.size();
        long first = c.base();
        long last = first + size - 1;
        long loopFirst = Cidr.toLong("127.0.0.0");
        long loopLast = Cidr.toLong("127.255.255.255");
        if (last < loopFirst || first > loopLast) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        for (int b = blockOf(Math.max(first, loopFirst));
                b <= blockOf(Math.min(last, loopLast));
                b++) {
            keys.add(RangeRegistry.blockKey(b));
        }
        return keys;
    }

    private static int blockOf(long address) {
        return (int) ((address >> 16) & 0xff);
    }

    private static boolean bindable(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort(String host) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot find a free port on " + host + ": " + e.getMessage(), e);
        }
    }

    private static int parsePort(String text) {
        try {
            return text == null ? 0 : Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Properties load(Path dataDir) {
        Properties p = new Properties();
        Path file = dataDir.resolve(FILE);
        if (Files.exists(file)) {
            try (var in = Files.newBufferedReader(file)) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        return p;
    }

    private static void save(Path dataDir, Properties p) {
        Path file = dataDir.resolve(FILE);
        try {
            Files.createDirectories(dataDir);
            Path tmp = dataDir.resolve(FILE + ".tmp");
            try (var out = Files.newBufferedWriter(tmp)) {
                p.store(
                        out,
                        "chosen at the first start of this data dir; kept by restarts (docs/architecture.md)");
            }
            Files.move(
                    tmp,
                    file,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Releases everything claimed. Idempotent. */
    @Override
    public synchronized void close() {
        while (!claims.isEmpty()) {
            claims.pop().close();
        }
    }
}
