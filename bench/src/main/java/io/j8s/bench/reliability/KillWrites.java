package io.j8s.bench.reliability;

import io.j8s.bench.support.ApiClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code kill -9} under writes: W writer threads create, then update in turn, their own ConfigMaps
 * through the API (a create, then merge patches; each write carries the writer's next sequence
 * number in {@code data.seq}) and record every acknowledged write (a 2xx answer: name, sequence
 * number, resourceVersion, time). Meanwhile the server is killed with SIGKILL several times and
 * started again on the same store. Writes that fail (in flight at the kill, or sent while the
 * server is down) are not acknowledged and are retried as new writes.
 *
 * <p>Afterwards every ConfigMap is read back. An acknowledged write is <em>found</em> when its
 * object exists with a sequence number and a resourceVersion at least the acknowledged ones (a
 * later write of the same writer may have replaced it); anything else is a lost write. A
 * resourceVersion <em>went back</em> when a writer's acknowledged resourceVersions do not increase
 * in the order it got them, when a write acknowledged after a restart has a resourceVersion not
 * above every one acknowledged before the kill, or when a list right after the restart is at an
 * older resourceVersion than the newest acknowledged write.
 *
 * <p>Not thread-safe: {@link #run} once.
 */
final class KillWrites {
    static final String NAMESPACE = "rel-kill";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Kills the server and starts it again on the same store. */
    interface Restarter {
        /** Kills the server with SIGKILL; returns once the process is gone. */
        void kill();

        /**
         * Starts it again on the same data dir or etcd; returns once {@code /readyz} answers 200.
         */
        void start();
    }

    /** One kill: when, how long until {@code /readyz}, and the resourceVersion checks around it. */
    /**
     * One kill.
     *
     * @param atSeconds since the phase started
     * @param downSeconds SIGKILL sent to {@code /readyz} of the new process
     * @param maxAckedBefore the newest resourceVersion acknowledged by the killed process (and
     *     those before it)
     * @param listRvAfter the resourceVersion of a list right after the restart
     * @param minAckedAfter the oldest resourceVersion acknowledged by the new process (0: none)
     * @param acknowledgedBefore writes acknowledged before the kill, in all
     */
    record Kill(
            double atSeconds,
            double downSeconds,
            long maxAckedBefore,
            long listRvAfter,
            long minAckedAfter,
            long acknowledgedBefore) {}

    /**
     * What the phase measured.
     *
     * @param acknowledged writes answered 2xx
     * @param found acknowledged writes found afterwards
     * @param failedAttempts writes that failed (connection refused or reset, 5xx) and were retried
     * @param unexpected answers that are neither 2xx, a retriable failure nor the 409 of a create
     *     that had landed unacknowledged (e.g. a 404 for an object created before), with the first
     *     few texts
     * @param rvWentBack resourceVersion checks that failed (see the class comment)
     */
    record Outcome(
            int writers,
            int objects,
            List<Kill> kills,
            long acknowledged,
            long found,
            long failedAttempts,
            long createsFoundAfterFailure,
            long unexpected,
            List<String> unexpectedSamples,
            long rvWentBack,
            double seconds) {
        long lost() {
            return acknowledged - found;
        }
    }

    /**
     * One acknowledged write; {@code epoch} is the number of kills before it was sent, so it says
     * which server process answered.
     */
    private record Ack(int object, long seq, long rv, int epoch) {}

    private final int writers;
    private final int objects;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicInteger epoch =
            new java.util.concurrent.atomic.AtomicInteger();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong createsFound = new AtomicLong();
    private final AtomicLong unexpected = new AtomicLong();
    private final ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();
    private final ApiClient client;

    /**
     * @param client the writers' client: the same kubeconfig reaches each new server process on the
     *     same port
     */
    KillWrites(ApiClient client, int writers, int objects) {
        this.client = client;
        this.writers = writers;
        this.objects = objects;
    }

    Outcome run(int kills, int writeSeconds, Restarter restarter) throws InterruptedException {
        client.sendOk(
                "POST",
                "/api/v1/namespaces",
                null,
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\""
                        + NAMESPACE
                        + "\"}}");
        List<List<Ack>> acks = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int w = 0; w < writers; w++) {
            List<Ack> mine = new ArrayList<>();
            acks.add(mine);
            int writer = w;
            Thread t = new Thread(() -> write(writer, mine), "kill-writer-" + w);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        List<long[]> killTimes =
                new ArrayList<>(); // {kill nanos, ready nanos, list rv after, acked before}
        try {
            for (int k = 0; k < kills; k++) {
                Thread.sleep(writeSeconds * 1000L);
                long killAt = System.nanoTime();
                restarter.kill();
                long ackedBefore = acknowledged.get();
                epoch.incrementAndGet();
                restarter.start();
                long readyAt = System.nanoTime();
                killTimes.add(
                        new long[] {killAt, readyAt, listResourceVersion(client), ackedBefore});
            }
            Thread.sleep(writeSeconds * 1000L);
        } finally {
            stop.set(true); // also when a restart failed: the writers end with the phase
        }
        for (Thread t : threads) {
            t.join(180_000);
            if (t.isAlive()) {
                throw new IllegalStateException(t.getName() + " did not stop within 3 min");
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        long wentBack = 0;
        for (List<Ack> mine : acks) {
            for (int i = 1; i < mine.size(); i++) {
                if (mine.get(i).rv() <= mine.get(i - 1).rv()) {
                    wentBack++;
                }
            }
        }
        List<Kill> killList = new ArrayList<>();
        for (int k = 0; k < killTimes.size(); k++) {
            long[] kt = killTimes.get(k);
            long maxBefore = 0;
            long minAfter = Long.MAX_VALUE;
            for (List<Ack> mine : acks) {
                for (Ack a : mine) {
                    if (a.epoch() <= k) {
                        maxBefore = Math.max(maxBefore, a.rv());
                    } else if (a.epoch() == k + 1) {
                        minAfter = Math.min(minAfter, a.rv());
                    }
                }
            }
            if (minAfter != Long.MAX_VALUE && minAfter <= maxBefore) {
                wentBack++;
            }
            if (kt[2] < maxBefore) {
                wentBack++;
            }
            killList.add(
                    new Kill(
                            (kt[0] - start) / 1e9,
                            (kt[1] - kt[0]) / 1e9,
                            maxBefore,
                            kt[2],
                            minAfter == Long.MAX_VALUE ? 0 : minAfter,
                            kt[3]));
        }

        Map<String, long[]> stored = readBack(client);
        long found = 0;
        for (int w = 0; w < writers; w++) {
            for (Ack a : acks.get(w)) {
                long[] s = stored.get(name(w, a.object()));
                if (s != null && s[0] >= a.seq() && s[1] >= a.rv()) {
                    found++;
                }
            }
        }
        return new Outcome(
                writers,
                objects,
                killList,
                acknowledged.get(),
                found,
                failed.get(),
                createsFound.get(),
                unexpected.get(),
                List.copyOf(samples),
                wentBack,
                seconds);
    }

    private void write(int writer, List<Ack> mine) {
        boolean[] created = new boolean[objects];
        String base = "/api/v1/namespaces/" + NAMESPACE + "/configmaps";
        long seq = 0;
        while (!stop.get()) {
            int j = (int) (seq % objects);
            long s = seq++;
            String name = name(writer, j);
            int sentIn = epoch.get();
            ApiClient c = client;
            ApiClient.Response r;
            try {
                if (!created[j]) {
                    r =
                            c.send(
                                    "POST",
                                    base,
                                    null,
                                    "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                                            + "\"metadata\":{\"name\":\""
                                            + name
                                            + "\"},\"data\":{\"seq\":\""
                                            + s
                                            + "\"}}");
                    if (r.status() == 409) {
                        // An earlier create was in flight at a kill and landed without an answer.
                        created[j] = true;
                        createsFound.incrementAndGet();
                        continue;
                    }
                } else {
                    r =
                            c.send(
                                    "PATCH",
                                    base + "/" + name,
                                    "application/merge-patch+json",
                                    "{\"data\":{\"seq\":\"" + s + "\"}}");
                }
            } catch (RuntimeException e) {
                // Refused or reset: the server is down or was killed with this write in flight.
                failed.incrementAndGet();
                pause(20);
                continue;
            }
            if (r.status() / 100 == 2) {
                created[j] = true;
                mine.add(new Ack(j, s, resourceVersion(r.text()), sentIn));
                acknowledged.incrementAndGet();
            } else if (r.status() >= 500 || r.status() == 429) {
                failed.incrementAndGet();
                pause(20);
            } else {
                unexpected.incrementAndGet();
                if (samples.size() < 5) {
                    samples.add(r.status() + " " + name + ": " + r.text());
                }
            }
        }
    }

    static String name(int writer, int object) {
        return "w" + writer + "-" + object;
    }

    /** The resourceVersion of a list of ConfigMaps (one item) right now. */
    private static long listResourceVersion(ApiClient c) {
        JsonNode list =
                JSON.readTree(
                        c.sendOk(
                                        "GET",
                                        "/api/v1/namespaces/" + NAMESPACE + "/configmaps?limit=1",
                                        null,
                                        null)
                                .body());
        return Long.parseLong(list.path("metadata").path("resourceVersion").asString());
    }

    /** name -> {seq, resourceVersion} of every stored ConfigMap, listed 500 per page. */
    private static Map<String, long[]> readBack(ApiClient c) {
        Map<String, long[]> stored = new HashMap<>();
        String cont = null;
        do {
            JsonNode list =
                    JSON.readTree(
                            c.sendOk(
                                            "GET",
                                            "/api/v1/namespaces/"
                                                    + NAMESPACE
                                                    + "/configmaps?limit=500"
                                                    + (cont == null ? "" : "&continue=" + cont),
                                            null,
                                            null)
                                    .body());
            for (JsonNode cm : list.path("items")) {
                stored.put(
                        cm.path("metadata").path("name").asString(),
                        new long[] {
                            Long.parseLong(cm.path("data").path("seq").asString("-1")),
                            Long.parseLong(cm.path("metadata").path("resourceVersion").asString())
                        });
            }
            cont = list.path("metadata").path("continue").asString("");
            cont =
                    cont.isEmpty()
                            ? null
                            : java.net.URLEncoder.encode(
                                    cont, java.nio.charset.StandardCharsets.UTF_8);
        } while (cont != null);
        return stored;
    }

    /** The first {@code "resourceVersion":"..."} of a JSON object (its metadata's). */
    static long resourceVersion(String json) {
        String marker = "\"resourceVersion\":\"";
        int at = json.indexOf(marker);
        if (at < 0) {
            throw new IllegalStateException("no resourceVersion in " + json);
        }
        int from = at + marker.length();
        return Long.parseLong(json.substring(from, json.indexOf('"', from)));
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
