package io.j8s.apiserver;

import io.j8s.apiserver.http.HttpExchange;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The named checks behind {@code /livez} and {@code /readyz} ({@code /healthz} serves the livez
 * ones), answered as Kubernetes' {@code k8s.io/apiserver/pkg/server/healthz} does: {@code ok}, or
 * with {@code ?verbose} one {@code [+]name ok} line per check and {@code readyz check passed}; a
 * failing check makes a 500 listing every check ({@code [-]name failed: reason withheld}, the
 * reason goes to the log only, as these paths are public); {@code ?exclude=name} skips a check;
 * {@code /readyz/<name>} answers one check. Other components add their checks ({@link #addReadyz});
 * whoever changes what a check sees calls {@link #changed()} so {@link #awaitReady} wakes up at
 * once. Thread safe.
 */
public final class HealthChecks {
    private static final Logger log = LoggerFactory.getLogger(HealthChecks.class);

    /** One check: why it fails now, or null when it passes. Must be quick and must not block. */
    @FunctionalInterface
    public interface Check {
        String failure();
    }

    /** A check and its name, as listed in the verbose answer. */
    public record Named(String name, Check check) {}

    private final List<Named> livez = new CopyOnWriteArrayList<>();
    private final List<Named> readyz = new CopyOnWriteArrayList<>();
    private final Object monitor = new Object();
    private long changes; // guarded by monitor
    private final List<Runnable> onFirstReady = new ArrayList<>(); // guarded by monitor
    private boolean beenReady; // guarded by monitor

    /**
     * Adds a check to {@code /livez} (and {@code /healthz}): failing means the process should be
     * restarted.
     */
    public void addLivez(String name, Check check) {
        livez.add(new Named(name, check));
        changed();
    }

    /** Adds a check to {@code /readyz}: failing means the server should not be sent work yet. */
    public void addReadyz(String name, Check check) {
        readyz.add(new Named(name, check));
        changed();
    }

    /** Wakes {@link #awaitReady} up to look again: call after something a check reads changed. */
    public void changed() {
        synchronized (monitor) {
            changes++;
            monitor.notifyAll();
        }
    }

    /**
     * Runs {@code task} (on the caller's thread) once every readiness check has passed for the
     * first time, as {@link #notReady} or {@link #awaitReady} sees them; at once when they already
     * did. For work that should not compete with the start itself (the OpenAPI documents).
     */
    public void whenFirstReady(Runnable task) {
        synchronized (monitor) {
            if (!beenReady) {
                onFirstReady.add(task);
                return;
            }
        }
        task.run();
    }

    /** The failing readiness checks, name to reason (empty when ready). */
    public Map<String, String> notReady() {
        Map<String, String> failing = new java.util.LinkedHashMap<>();
        for (Named n : readyz) {
            String failure = run(n);
            if (failure != null) {
                failing.put(n.name(), failure);
            }
        }
        if (failing.isEmpty()) {
            firstReady();
        }
        return failing;
    }

    private void firstReady() {
        List<Runnable> tasks;
        synchronized (monitor) {
            if (beenReady) {
                return;
            }
            beenReady = true;
            tasks = List.copyOf(onFirstReady);
            onFirstReady.clear();
        }
        tasks.forEach(Runnable::run);
    }

    /**
     * Waits until every readiness check passes, looking again on each {@link #changed()} (and at
     * least every {@code 200 ms}, for changes nobody signals).
     *
     * @return the checks still failing at the deadline (empty: ready)
     */
    public Map<String, String> awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long seen;
            synchronized (monitor) {
                seen = changes;
            }
            Map<String, String> failing = notReady();
            long left = deadline - System.nanoTime();
            if (failing.isEmpty() || left <= 0) {
                return failing;
            }
            synchronized (monitor) {
                if (changes == seen) {
                    TimeUnit.NANOSECONDS.timedWait(
                            monitor, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
                }
            }
        }
    }

    /**
     * Answers {@code path} when it is {@code /livez}, {@code /readyz}, {@code /healthz} or one
     * check under them.
     *
     * @return false when {@code path} is none of these
     */
    boolean serve(HttpExchange exchange, String path) {
        String[] parts = path.substring(1).split("/", 2);
        List<Named> checks =
                switch (parts[0]) {
                    case "livez", "healthz" -> livez;
                    case "readyz" -> readyz;
                    default -> null;
                };
        if (checks == null) {
            return false;
        }
        if (parts.length == 2) {
            for (Named n : checks) {
                if (n.name().equals(parts[1])) {
                    String failure = run(n);
                    if (failure == null) {
                        text(exchange, 200, "ok");
                    } else {
                        text(exchange, 500, "internal server error: " + failure + "\n");
                    }
                    return true;
                }
            }
            return false;
        }
        Set<String> excluded = new LinkedHashSet<>(exchange.queries("exclude"));
        StringBuilder out = new StringBuilder();
        StringBuilder reasons = new StringBuilder();
        List<String> failed = new ArrayList<>();
        for (Named n : checks) {
            if (excluded.remove(n.name())) {
                out.append("[+]").append(n.name()).append(" excluded: ok\n");
                continue;
            }
            String failure = run(n);
            if (failure == null) {
                out.append("[+]").append(n.name()).append(" ok\n");
            } else {
                // the reason is not shown: these paths are public
                out.append("[-]").append(n.name()).append(" failed: reason withheld\n");
                reasons.append("[-]")
                        .append(n.name())
                        .append(" failed: ")
                        .append(failure)
                        .append('\n');
                failed.add(n.name());
            }
        }
        if (!excluded.isEmpty()) {
            out.append("warn: some health checks cannot be excluded: no matches for ")
                    .append(String.join(",", excluded.stream().map(e -> "\"" + e + "\"").toList()))
                    .append('\n');
        }
        if (failed.isEmpty() && checks == readyz && exchange.queries("exclude").isEmpty()) {
            firstReady();
        }
        if (!failed.isEmpty()) {
            log.atDebug()
                    .addKeyValue("failed", failed)
                    .log("{} check failed:\n{}", parts[0], reasons);
            text(exchange, 500, out + parts[0] + " check failed\n");
        } else if (exchange.query("verbose") == null) {
            text(exchange, 200, "ok");
        } else {
            text(exchange, 200, out + parts[0] + " check passed\n");
        }
        return true;
    }

    private static String run(Named n) {
        try {
            return n.check().failure();
        } catch (RuntimeException e) {
            return e.toString();
        }
    }

    private static void text(HttpExchange exchange, int code, String body) {
        exchange.respond(
                code,
                "text/plain; charset=utf-8",
                body.getBytes(StandardCharsets.UTF_8),
                Map.of("X-Content-Type-Options", "nosniff"));
    }
}
