package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.j8s.api.json.Json;
import io.j8s.server.testing.TestCluster;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A seeded fuzz of the API over raw TLS: bodies (truncated, nested 10,000 deep, huge numbers,
 * invalid UTF-8, wrong content types, unknown and duplicate fields, YAML aliases), headers, paths,
 * query parameters (selectors, limit/continue, resourceVersion/Match, timeouts, booleans) and every
 * patch type. It asserts what docs/architecture.md promises a hostile client: every request gets an
 * answer, none a 5xx (a 504 only for a resourceVersion or continue token from the future), error
 * answers are {@code Status} objects, {@code /readyz} keeps answering, and nothing is half-written:
 * after every ConfigMap write the namespace holds exactly the objects, at exactly the
 * resourceVersions, that acknowledged writes left there.
 *
 * <p>{@code -Dj8s.fuzz.seed=N} and {@code -Dj8s.fuzz.requests=N} replay or lengthen a run; the seed
 * and count are printed.
 */
class ApiFuzzTest {
    private static final long SEED = Long.getLong("j8s.fuzz.seed", 20261204L);
    private static final int REQUESTS = Integer.getInteger("j8s.fuzz.requests", 3000);
    private static final Duration BUDGET =
            Duration.ofSeconds(Long.getLong("j8s.fuzz.seconds", 240));
    private static final String NS = "fuzz";
    private static final String CM = "/api/v1/namespaces/" + NS + "/configmaps";
    private static final int MAX_REPORTED = 25;

    private static TestCluster cluster;
    private static RawHttp http;
    private static RawHttp checker;

    @BeforeAll
    static void start() throws Exception {
        cluster = TestCluster.start();
        URI api = URI.create(cluster.server().apiUrl());
        http = new RawHttp(cluster.adminSslContext(), api.getHost(), api.getPort(), 30_000);
        checker = new RawHttp(cluster.adminSslContext(), api.getHost(), api.getPort(), 30_000);
        cluster.client()
                .namespaces()
                .resource(
                        new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
        cluster.client()
                .apps()
                .deployments()
                .inNamespace(NS)
                .resource(
                        new DeploymentBuilder()
                                .withNewMetadata()
                                .withName("d1")
                                .endMetadata()
                                .withNewSpec()
                                .withReplicas(1)
                                .withNewSelector()
                                .addToMatchLabels("app", "d1")
                                .endSelector()
                                .withNewTemplate()
                                .withNewMetadata()
                                .addToLabels("app", "d1")
                                .endMetadata()
                                .withNewSpec()
                                .addNewContainer()
                                .withName("c")
                                .withImage("nginx")
                                .endContainer()
                                .endSpec()
                                .endTemplate()
                                .endSpec()
                                .build())
                .create();
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.close();
            checker.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** One generated request; {@code target} names the ConfigMap a tracked write is about. */
    private record Req(
            String method,
            String path,
            String query,
            List<String> headers,
            byte[] body,
            boolean trackedWrite,
            boolean dryRun,
            String what) {

        String head() {
            StringBuilder b = new StringBuilder(method).append(' ').append(path);
            if (!query.isEmpty()) {
                b.append('?').append(query);
            }
            b.append(" HTTP/1.1");
            for (String h : headers) {
                b.append("\r\n").append(h);
            }
            return b.toString();
        }

        boolean futureAllowed() {
            return query.contains("resourceVersion") || query.contains("continue");
        }

        String describe() {
            String shown =
                    body == null
                            ? ""
                            : new String(
                                    body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
            return what
                    + ": "
                    + head().replace("\r\n", " | ")
                    + (shown.isEmpty() ? "" : " BODY(" + body.length + "): " + shown);
        }
    }

    @Test
    void everyHostileRequestGetsA4xxAndNothingIsHalfWritten() throws Exception {
        System.out.printf(
                "ApiFuzzTest: seed=%d requests=%d (replay with -Dj8s.fuzz.seed=%d)%n",
                SEED, REQUESTS, SEED);
        Random random = new Random(SEED);
        Gen gen = new Gen(random);
        Map<String, String> expected = listConfigMaps(); // name -> resourceVersion
        List<String> failures = new ArrayList<>();
        Map<Integer, Integer> statuses = new TreeMap<>();
        long deadline = System.nanoTime() + BUDGET.toNanos();
        int sent = 0;
        int rebaselined = 0;
        Req previous = null;
        int previousStatus = 0;
        for (;
                sent < REQUESTS && System.nanoTime() < deadline && failures.size() < MAX_REPORTED;
                sent++) {
            Req req = gen.next();
            RawHttp.Response response;
            try {
                response = http.exchange(req.head(), req.body());
            } catch (RawHttp.NoAnswer e) {
                failures.add(
                        "#"
                                + sent
                                + " no answer ("
                                + e.getMessage()
                                + ") to "
                                + req.describe()
                                + (previous == null
                                        ? ""
                                        : " on the connection that answered "
                                                + previousStatus
                                                + " to "
                                                + previous.describe()));
                previous = null;
                continue;
            }
            previous = req;
            previousStatus = response.status();
            statuses.merge(response.status(), 1, Integer::sum);
            int code = response.status();
            if (code >= 500 && !(code == 504 && req.futureAllowed())) {
                failures.add(
                        "#"
                                + sent
                                + " "
                                + code
                                + " "
                                + abbreviate(response.text())
                                + " for "
                                + req.describe());
            } else if (code >= 400
                    && req.path().startsWith("/api")
                    && response.headers()
                            .getOrDefault("content-type", "")
                            .startsWith("application/json")) {
                String problem = statusProblem(response);
                if (problem != null) {
                    failures.add("#" + sent + " " + problem + " for " + req.describe());
                }
            }
            if (req.trackedWrite()) {
                Map<String, String> actual = listConfigMaps();
                boolean acknowledged = code / 100 == 2 && !req.dryRun();
                if (acknowledged) {
                    String name = ackedName(req, response);
                    if (name == null) {
                        expected = actual; // an answer we cannot read (Table, YAML, protobuf): take
                        // the store's word
                        rebaselined++;
                        continue;
                    }
                    JsonNode meta = Json.parse(response.body()).path("metadata");
                    boolean finalizing = meta.has("deletionTimestamp");
                    boolean finalizers = meta.path("finalizers").size() > 0;
                    if (req.method().equals("DELETE")
                            ? !finalizing || !finalizers
                            : finalizing && !finalizers) {
                        // deleted; a delete answered with the object, or an update that took the
                        // last
                        // finalizer of a deleted object, leaves one only while finalizers remain
                        expected.remove(name);
                    } else {
                        expected.put(name, meta.path("resourceVersion").asString());
                    }
                }
                if (!actual.equals(expected)) {
                    failures.add(
                            "#"
                                    + sent
                                    + " the namespace holds "
                                    + actual
                                    + " but acknowledged writes left "
                                    + expected
                                    + " after "
                                    + code
                                    + " "
                                    + abbreviate(response.text())
                                    + " for "
                                    + req.describe());
                    expected = actual;
                }
            }
            if (sent % 100 == 0) {
                RawHttp.Response ready = checker.exchange("GET /readyz HTTP/1.1", null);
                if (ready.status() != 200) {
                    failures.add(
                            "#"
                                    + sent
                                    + " /readyz answered "
                                    + ready.status()
                                    + " "
                                    + ready.text());
                }
            }
        }
        System.out.printf(
                "ApiFuzzTest: seed=%d sent=%d statuses=%s rebaselined=%d%n",
                SEED, sent, statuses, rebaselined);
        assertThat(failures).as("seed %d", SEED).isEmpty();
        assertThat(sent)
                .as("requests sent within %s", BUDGET)
                .isGreaterThanOrEqualTo(Math.min(REQUESTS, 1000));
        assertThat(checker.exchange("GET /readyz HTTP/1.1", null).status()).isEqualTo(200);
    }

    private static String statusProblem(RawHttp.Response response) {
        JsonNode status;
        try {
            status = Json.parse(response.body());
        } catch (RuntimeException e) {
            return response.status()
                    + " with a body that is not JSON: "
                    + abbreviate(response.text());
        }
        if (!"Status".equals(status.path("kind").asString(""))
                || status.path("code").asInt() != response.status()
                || status.path("reason").asString("").isEmpty()) {
            return response.status()
                    + " without a matching Status (kind, code, reason): "
                    + abbreviate(response.text());
        }
        return null;
    }

    /**
     * The name an acknowledged write was about, from the answer; null when the answer is no JSON
     * object.
     */
    private static String ackedName(Req req, RawHttp.Response response) {
        if (!response.headers().getOrDefault("content-type", "").startsWith("application/json")) {
            return null;
        }
        try {
            JsonNode object = Json.parse(response.body());
            if (req.method().equals("DELETE")) {
                // a delete answers with the deleted object, or a Status naming it
                JsonNode details = object.path("details");
                return "Status".equals(object.path("kind").asString(""))
                        ? details.path("name").asString(null)
                        : object.path("metadata").path("name").asString(null);
            }
            return "ConfigMap".equals(object.path("kind").asString(""))
                    ? object.path("metadata").path("name").asString(null)
                    : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Map<String, String> listConfigMaps() throws Exception {
        RawHttp.Response list =
                checker.exchange("GET " + CM + " HTTP/1.1\r\nAccept: application/json", null);
        assertThat(list.status()).as(list.text()).isEqualTo(200);
        Map<String, String> names = new HashMap<>();
        for (JsonNode item : Json.parse(list.body()).path("items")) {
            names.put(
                    item.path("metadata").path("name").asString(),
                    item.path("metadata").path("resourceVersion").asString());
        }
        return names;
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    /** The request generator: every choice comes from the seeded {@link Random}. */
    private static final class Gen {
        private static final String[] NAMES = {"f0", "f1", "f2", "f3", "f4", "f5"};
        private static final String[] RESOURCES = {
            "/api/v1/namespaces/fuzz/configmaps",
            "/api/v1/namespaces/fuzz/pods",
            "/api/v1/namespaces/fuzz/services",
            "/api/v1/namespaces/fuzz/endpoints",
            "/api/v1/namespaces/fuzz/secrets",
            "/apis/apps/v1/namespaces/fuzz/deployments",
            "/apis/apps/v1/namespaces/fuzz/replicasets",
            "/apis/discovery.k8s.io/v1/namespaces/fuzz/endpointslices",
            "/api/v1/nodes",
            "/api/v1/namespaces",
            "/api/v1/events",
            "/apis/coordination.k8s.io/v1/leases",
            "/api/v1/pods",
            "/api/v1/configmaps",
            "/apis/rbac.authorization.k8s.io/v1/clusterroles"
        };
        private static final String[] ACCEPTS = {
            "application/json",
            "application/yaml",
            "*/*",
            "text/html",
            ";;;",
            "application/json;as=Table;v=v1;g=meta.k8s.io",
            "application/json;as=Table;v=v1beta1;g=meta.k8s.io",
            "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1",
            "application/vnd.kubernetes.protobuf",
            "application/json;q=0",
            "text/plain;q=0.5, application/json;q=0.1",
            "*",
            "application/*",
            "application/json;as=Nope;g=x;v=y",
            "\u00ff\u00fe",
            "application/json, text/html;q=abc"
        };
        private static final String[] CONTENT_TYPES = {
            "application/json",
            "application/yaml",
            "text/plain",
            "",
            ";;;",
            "application/xml",
            "application/json; charset=latin1",
            "application/vnd.kubernetes.protobuf",
            "application/json-patch+json",
            "application/merge-patch+json",
            "application/strategic-merge-patch+json",
            "application/apply-patch+yaml",
            "multipart/form-data; boundary=x",
            "application/json;;;"
        };
        private static final String[] PATCH_TYPES = {
            "application/json-patch+json",
            "application/merge-patch+json",
            "application/strategic-merge-patch+json",
            "application/apply-patch+yaml"
        };
        private static final String[] QUERY = {
            "labelSelector=a%3Db",
            "labelSelector=a+in+(",
            "labelSelector=!!",
            "labelSelector=a%3Db,",
            "labelSelector=" + "x".repeat(70) + "%3Dy",
            "labelSelector=a+notin+(b,c),!d",
            "labelSelector=%",
            "fieldSelector=metadata.name%3Df0",
            "fieldSelector=spec.nodeName%3D",
            "fieldSelector=nope%3D1",
            "fieldSelector=metadata.name%3D%3D%3D",
            "fieldSelector=metadata.namespace!%3Dx",
            "limit=1",
            "limit=0",
            "limit=-1",
            "limit=abc",
            "limit=99999999999999999999",
            "limit=2&continue=abc",
            "continue=" + token(999_999_999L, "/registry/configmaps/fuzz/"),
            "continue=" + token(1, "/elsewhere/"),
            "continue=%%%",
            "resourceVersion=0",
            "resourceVersion=abc",
            "resourceVersion=-1",
            "resourceVersion=999999999999",
            "resourceVersion=99999999999999999999999",
            "resourceVersion=999999999&resourceVersionMatch=Exact",
            "resourceVersion=1&resourceVersionMatch=Exact",
            "resourceVersionMatch=NotOlderThan",
            "resourceVersion=0&resourceVersionMatch=Nope",
            "resourceVersion=999999999&resourceVersionMatch=NotOlderThan",
            "timeoutSeconds=-5",
            "timeoutSeconds=abc",
            "timeout=1q",
            "timeout=5s",
            "pretty=true",
            "pretty=maybe",
            "watch=false",
            "watch=0",
            "watch=F",
            "allowWatchBookmarks=yes",
            "sendInitialEvents=true",
            "includeUninitialized=true",
            "fieldValidation=Strict",
            "fieldValidation=Warn",
            "fieldValidation=Nope",
            "dryRun=Nope",
            "dryRun=All",
            "fieldManager=" + "m".repeat(200),
            "propagationPolicy=Sideways",
            "gracePeriodSeconds=-1",
            "gracePeriodSeconds=abc",
            "orphanDependents=x",
            "%zz=1",
            "a=%",
            "&&&=&",
            "labelSelector=a&labelSelector=b"
        };
        private static final String[] PATHS = {
            "/api/v1/namespaces/fuzz/configmaps/%",
            "/%zz",
            "/api/v1/%zz/pods",
            "/api/v1/namespaces/%2e%2e/configmaps",
            "/api/v1/namespaces/fuzz/configmaps/" + "a".repeat(300),
            "/api/v1/namespaces/FUZZ/configmaps",
            "//api//v1//namespaces",
            "/api/v1/namespaces/fuzz/configmaps/f0/status",
            "/apis/apps/v1/namespaces/fuzz/deployments/d1/scale",
            "/apis/apps/v1/namespaces/fuzz/deployments/d1/status",
            "/api/v1/namespaces/fuzz/pods/nope/log",
            "/api/v1/namespaces/fuzz/pods/nope/exec",
            "/api/v1/namespaces/fuzz/pods/nope/binding",
            "/api/v1/namespaces/fuzz/pods/nope/eviction",
            "/apis/nope.io/v1/things",
            "/api/v2/pods",
            "/api/v1/namespaces/fuzz/configmaps/f0/%00",
            "/api/v1/namespaces/fuzz/configmaps/f0/extra/segments/here",
            "/api/v1/namespaces/%C3%BC/configmaps",
            "/api/v1/namespaces/fuzz/configmaps/%2F",
            "/api/v1/namespaces/fuzz/configmaps/.",
            "/api/v1/namespaces/fuzz/configmaps/..",
            "/openapi/v3/apis/apps/v1?hash=zz",
            "/openapi/v3/nope",
            "/openapi/v2",
            "/apis",
            "/api",
            "/version",
            "/healthz/nope",
            "/readyz?verbose=yes",
            "/metrics",
            "/apis/apps",
            "/apis/apps/v1",
            "/api/v1/",
            "/api/v1/namespaces/fuzz/configmaps/",
            "/api/v1/watch/namespaces/fuzz/configmaps",
            "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            "/api/v1/namespaces/fuzz/serviceaccounts/default/token",
            "/api/v1/namespaces/fuzz/configmaps/f0;x",
            "/api/v1/namespaces/fuzz/configmaps/f0%3Fwatch%3Dtrue",
            "/api/v1/nodes/nope/proxy/x",
            "/api/v1/namespaces/fuzz/services/s/proxy",
            "*",
            "/\u00e9"
        };
        private static final String[] METHODS = {
            "GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "FOO", "CONNECT"
        };

        private final Random r;

        Gen(Random r) {
            this.r = r;
        }

        private static String token(long revision, String start) {
            String json =
                    "{\"v\":\"meta.k8s.io/v1\",\"rv\":"
                            + revision
                            + ",\"start\":\""
                            + start
                            + "\"}";
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(json.getBytes(StandardCharsets.UTF_8));
        }

        private <T> T pick(T[] values) {
            return values[r.nextInt(values.length)];
        }

        private boolean chance(int percent) {
            return r.nextInt(100) < percent;
        }

        Req next() {
            int kind = r.nextInt(100);
            if (kind < 40) {
                return configMapWrite();
            } else if (kind < 62) {
                return read();
            } else if (kind < 80) {
                return otherWrite();
            } else if (kind < 90) {
                return weirdPath();
            }
            return weirdHeaders();
        }

        private List<String> headers(String contentType) {
            List<String> h = new ArrayList<>();
            h.add("Accept: " + (chance(80) ? "application/json" : pick(ACCEPTS)));
            if (contentType != null) {
                h.add("Content-Type: " + contentType);
            }
            return h;
        }

        private String query(int maxParams) {
            List<String> q = new ArrayList<>();
            for (int i = r.nextInt(maxParams + 1); i > 0; i--) {
                q.add(pick(QUERY));
            }
            return String.join("&", q);
        }

        private Req configMapWrite() {
            String name = pick(NAMES);
            String query = chance(40) ? query(2) : "";
            boolean dryRun = query.contains("dryRun=All") && !query.contains("dryRun=Nope");
            int op = r.nextInt(100);
            if (op < 30) {
                String type =
                        chance(85)
                                ? (chance(70) ? "application/json" : "application/yaml")
                                : pick(CONTENT_TYPES);
                return new Req(
                        "POST",
                        CM,
                        query,
                        headers(type),
                        body(configMap(name), type),
                        true,
                        dryRun,
                        "create configmap");
            } else if (op < 50) {
                String type = chance(85) ? "application/json" : pick(CONTENT_TYPES);
                return new Req(
                        "PUT",
                        CM + "/" + name,
                        query,
                        headers(type),
                        body(configMap(name), type),
                        true,
                        dryRun,
                        "replace configmap");
            } else if (op < 85) {
                String type = chance(90) ? pick(PATCH_TYPES) : pick(CONTENT_TYPES);
                return new Req(
                        "PATCH",
                        CM + "/" + name,
                        query,
                        headers(type),
                        patch(type, name),
                        true,
                        dryRun,
                        "patch configmap");
            }
            byte[] body =
                    chance(50)
                            ? null
                            : body(
                                    "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\""
                                            + (chance(50)
                                                    ? ",\"propagationPolicy\":\""
                                                            + pick(
                                                                    new String[] {
                                                                        "Background",
                                                                        "Orphan",
                                                                        "Nope"
                                                                    })
                                                            + "\""
                                                    : "")
                                            + (chance(30)
                                                    ? ",\"preconditions\":{\"resourceVersion\":\"1\"}"
                                                    : "")
                                            + "}",
                                    "application/json");
            return new Req(
                    "DELETE",
                    CM + "/" + name,
                    query,
                    headers(body == null ? null : "application/json"),
                    body,
                    true,
                    dryRun,
                    "delete configmap");
        }

        private Req read() {
            String resource = pick(RESOURCES);
            String path = chance(30) ? resource + "/" + pick(NAMES) : resource;
            String query = query(3).replace("timeoutSeconds", "x");
            if (chance(25)) {
                query =
                        "watch="
                                + pick(new String[] {"true", "True", "1", "t", "TRUE"})
                                + (query.isEmpty() ? "" : "&" + query);
            }
            // any GET may be a watch (?watch= is true unless 0 or false, as Kubernetes reads it):
            // it ends by
            // itself after a second
            query = "timeoutSeconds=1" + (query.isEmpty() ? "" : "&" + query);
            return new Req("GET", path, query, headers(null), null, false, false, "read");
        }

        private Req otherWrite() {
            int which = r.nextInt(6);
            String type = chance(85) ? "application/json" : pick(CONTENT_TYPES);
            String query = chance(30) ? query(2) : "";
            String name = "o" + r.nextInt(5);
            return switch (which) {
                case 0 ->
                        new Req(
                                "POST",
                                "/api/v1/namespaces/fuzz/services",
                                query,
                                headers(type),
                                body(
                                        "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\""
                                                + name
                                                + "\"},\"spec\":"
                                                + "{\"selector\":{\"app\":\"x\"},\"ports\":[{\"port\":"
                                                + number()
                                                + ",\"targetPort\":"
                                                + (chance(50) ? "\"http\"" : number())
                                                + "}]}}",
                                        type),
                                false,
                                false,
                                "create service");
                case 1 ->
                        new Req(
                                "POST",
                                "/apis/apps/v1/namespaces/fuzz/deployments",
                                query,
                                headers(type),
                                body(
                                        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\""
                                                + name
                                                + "\"},"
                                                + "\"spec\":{\"replicas\":"
                                                + number()
                                                + ",\"selector\":{\"matchLabels\":{\"a\":\"b\"},"
                                                + "\"matchExpressions\":[]},\"template\":{\"metadata\":{\"labels\":{\"a\":\"b\"},"
                                                + "\"annotations\":{}},\"spec\":{\"terminationGracePeriodSeconds\":"
                                                + number()
                                                + ",\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"args\":[]}]}}}}",
                                        type),
                                false,
                                false,
                                "create deployment");
                case 2 ->
                        new Req(
                                "PATCH",
                                "/apis/apps/v1/namespaces/fuzz/deployments/d1/scale",
                                query,
                                headers("application/merge-patch+json"),
                                body(
                                        "{\"spec\":{\"replicas\":" + number() + "}}",
                                        "application/merge-patch+json"),
                                false,
                                false,
                                "scale deployment");
                case 3 ->
                        new Req(
                                "PUT",
                                "/apis/apps/v1/namespaces/fuzz/deployments/d1/scale",
                                query,
                                headers(type),
                                body(
                                        "{\"apiVersion\":\"autoscaling/v1\",\"kind\":\"Scale\",\"metadata\":{\"name\":\"d1\","
                                                + "\"namespace\":\"fuzz\"},\"spec\":{\"replicas\":"
                                                + number()
                                                + "}}",
                                        type),
                                false,
                                false,
                                "replace scale");
                case 4 ->
                        new Req(
                                "POST",
                                "/api/v1/namespaces/fuzz/pods",
                                query,
                                headers(type),
                                body(
                                        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\""
                                                + name
                                                + "\"},\"spec\":"
                                                + "{\"terminationGracePeriodSeconds\":"
                                                + number()
                                                + ",\"containers\":[{\"name\":\"c\","
                                                + "\"image\":\"i\",\"ports\":[{\"containerPort\":"
                                                + number()
                                                + "}]}]}}",
                                        type),
                                false,
                                false,
                                "create pod");
                default ->
                        new Req(
                                "PATCH",
                                "/apis/apps/v1/namespaces/fuzz/deployments/d1",
                                query,
                                headers(pick(PATCH_TYPES)),
                                patchDeployment(),
                                false,
                                false,
                                "patch deployment");
            };
        }

        private byte[] patchDeployment() {
            return body(
                    pick(
                            new String[] {
                                "{\"spec\":{\"replicas\":" + number() + "}}",
                                "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"j\"}]}}}}",
                                "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"$patch\":\"delete\",\"name\":\"c\"}]}}}}",
                                "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":"
                                        + number()
                                        + "}]",
                                "{\"spec\":{\"selector\":{\"matchLabels\":{\"a\":\"z\"}}}}",
                                "{\"spec\":{\"$setElementOrder/containers\":[{\"name\":\"x\"}],\"$retainKeys\":5}}"
                            }),
                    "application/json");
        }

        private String number() {
            return pick(
                    new String[] {
                        "1",
                        "0",
                        "-1",
                        "2147483647",
                        "2147483648",
                        "9223372036854775807",
                        "9223372036854775808",
                        "99999999999999999999999999",
                        "1e400",
                        "1.5",
                        "-0",
                        "\"3\"",
                        "null",
                        "true",
                        "1e2",
                        "65535",
                        "65536",
                        "0x10"
                    });
        }

        private Req weirdPath() {
            String path = chance(85) ? pick(PATHS) : randomPath();
            String method = chance(60) ? "GET" : pick(METHODS);
            byte[] body =
                    method.equals("GET") || chance(50)
                            ? null
                            : body("{\"metadata\":{\"name\":\"w\"}}", "application/json");
            int q = path.indexOf('?');
            // a GET of a watch path streams until timeoutSeconds
            String query = "timeoutSeconds=1" + (q < 0 ? "" : "&" + path.substring(q + 1));
            return new Req(
                    method,
                    q < 0 ? path : path.substring(0, q),
                    query,
                    headers(body == null ? null : "application/json"),
                    body,
                    false,
                    false,
                    "path");
        }

        private String randomPath() {
            StringBuilder b = new StringBuilder("/api/v1/namespaces/fuzz/configmaps/");
            for (int i = r.nextInt(20); i >= 0; i--) {
                int c = r.nextInt(4);
                if (c == 0) {
                    b.append('%').append(Integer.toHexString(r.nextInt(256)));
                } else if (c == 1) {
                    b.append("%").append((char) ('g' + r.nextInt(10)));
                } else if (c == 2) {
                    b.append('/');
                } else {
                    b.append((char) ('a' + r.nextInt(26)));
                }
            }
            return b.toString();
        }

        private Req weirdHeaders() {
            List<String> h = new ArrayList<>();
            String path = CM;
            String query = "";
            byte[] body = null;
            String method = "GET";
            switch (r.nextInt(10)) {
                case 0 -> h.add("Accept: " + pick(ACCEPTS));
                case 1 -> h.add("X-Long: " + "x".repeat(chance(50) ? 9000 : 70_000));
                case 2 -> {
                    for (int i = 0; i < 300; i++) {
                        h.add("X-Many-" + i + ": " + i);
                    }
                }
                case 3 -> h.add("X-Bytes: \u00ff\u0001\u007f");
                case 4 -> {
                    h.add(
                            "Authorization: Bearer "
                                    + pick(
                                            new String[] {
                                                "garbage", "a.b.c", "", "eyJhbGciOiJub25lIn0.e30."
                                            }));
                }
                case 5 -> {
                    query = "watch=true&timeoutSeconds=1";
                    h.add("Connection: Upgrade");
                    h.add("Upgrade: websocket");
                    if (chance(50)) {
                        h.add("Sec-WebSocket-Version: 99");
                    }
                }
                case 6 -> {
                    method = "POST";
                    h.add("Content-Type: application/json");
                    h.add("Transfer-Encoding: chunked");
                    body =
                            chunked(
                                    body(
                                            "{\"metadata\":{\"name\":\"chunk"
                                                    + r.nextInt(3)
                                                    + "\"},\"data\":{\"a\":\"b\"}}",
                                            "application/json"));
                    path = "/api/v1/namespaces/fuzz/secrets";
                }
                case 7 -> {
                    method = "POST";
                    h.add("Content-Type: application/json");
                    h.add("Content-Encoding: gzip");
                    body = "not gzip".getBytes(StandardCharsets.UTF_8);
                    path = "/api/v1/namespaces/fuzz/secrets";
                }
                case 8 -> {
                    method = "POST";
                    h.add("Content-Type: application/json");
                    h.add("Expect: 100-continue");
                    body = "{\"metadata\":{\"name\":\"expect\"}}".getBytes(StandardCharsets.UTF_8);
                    path = "/api/v1/namespaces/fuzz/secrets";
                }
                default -> {
                    h.add("Accept: application/json");
                    h.add("Accept: text/html");
                }
            }
            if (h.stream().noneMatch(x -> x.startsWith("Accept:"))) {
                h.add("Accept: application/json");
            }
            return new Req(method, path, query, h, body, false, false, "headers");
        }

        private static byte[] chunked(byte[] body) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int half = body.length / 2;
            writeChunk(b, body, 0, half);
            writeChunk(b, body, half, body.length - half);
            b.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            return b.toByteArray();
        }

        private static void writeChunk(ByteArrayOutputStream b, byte[] body, int from, int length) {
            b.writeBytes(
                    (Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            b.write(body, from, length);
            b.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }

        private String configMap(String name) {
            return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\""
                    + name
                    + "\",\"labels\":{\"fuzz\":\""
                    + r.nextInt(3)
                    + "\"}},\"data\":{\"k\":\"v"
                    + r.nextInt(1000)
                    + "\"}}";
        }

        /** A valid body turned, more often than not, into a hostile one. */
        private byte[] body(String valid, String contentType) {
            boolean yaml = contentType != null && contentType.contains("yaml");
            String text = valid;
            if (yaml) {
                try {
                    text = Json.yamlMapper().writeValueAsString(Json.parse(valid));
                } catch (RuntimeException e) {
                    text = valid; // a template made invalid on purpose (a hex number): sent as it
                    // is
                }
            }
            int mutation = r.nextInt(100);
            if (mutation < 45) {
                return utf8(text);
            }
            return switch (mutation % 14) {
                case 0 -> {
                    byte[] b = utf8(text);
                    yield java.util.Arrays.copyOf(b, r.nextInt(b.length));
                }
                case 1 -> utf8(nested(10_000, r.nextBoolean()));
                case 2 ->
                        utf8(
                                valid.replaceFirst(
                                        "\\{",
                                        "{\"unknownField\":1,\"metadata\":{\"name\":\"dup\"},"));
                case 3 -> {
                    byte[] b = utf8(text);
                    int at = Math.max(0, text.indexOf("\"v") + 2);
                    byte[] out = new byte[b.length + 2];
                    System.arraycopy(b, 0, out, 0, at);
                    out[at] = (byte) 0xC3;
                    out[at + 1] = (byte) 0x28;
                    System.arraycopy(b, at, out, at + 2, b.length - at);
                    yield out;
                }
                case 4 ->
                        utf8(
                                pick(
                                        new String[] {
                                            "", "null", "[]", "\"s\"", "123", "{}", "{", "}",
                                            "[{}]", "true"
                                        }));
                case 5 ->
                        utf8(
                                valid.replace(
                                        "\"v",
                                        "\"" + "v".repeat(chance(50) ? 1_100_000 : 3_300_000)));
                case 6 -> utf8(yamlBomb());
                case 7 -> {
                    byte[] b = new byte[r.nextInt(2000)];
                    r.nextBytes(b);
                    yield b;
                }
                case 8 -> utf8(valid.replace("\"data\":{", "\"data\":{" + manyKeys(5000)));
                case 9 ->
                        utf8(
                                valid.replace(
                                        "\"metadata\":{",
                                        "\"metadata\":{\"labels\":{\"a\":1},\"finalizers\":"
                                                + "[\"x/y\"],\"annotations\":[],"));
                case 10 -> utf8(valid.replace("\"data\":{", "\"data\":[1,2],\"x\":{"));
                case 11 ->
                        utf8(
                                valid.replace(
                                        "\"metadata\":{",
                                        "\"metadata\":{\"resourceVersion\":\""
                                                + pick(
                                                        new String[] {
                                                            "abc", "1", "99999999999", "-3"
                                                        })
                                                + "\",\"uid\":\"zzz\",\"generation\":1e40,"));
                case 12 ->
                        utf8(
                                valid.replaceFirst(
                                        "\\{",
                                        "{\"n\":"
                                                + "9".repeat(r.nextBoolean() ? 400 : 5000)
                                                + ","));
                default -> utf8(valid.replace("\"kind\":\"", "\"kind\":\"X"));
            };
        }

        private String nested(int depth, boolean arrays) {
            StringBuilder b = new StringBuilder("{\"metadata\":{\"name\":\"deep\"},\"x\":");
            for (int i = 0; i < depth; i++) {
                b.append(arrays ? "[" : "{\"a\":");
            }
            b.append('1');
            for (int i = 0; i < depth; i++) {
                b.append(arrays ? "]" : "}");
            }
            return b.append('}').toString();
        }

        private static String yamlBomb() {
            StringBuilder b =
                    new StringBuilder(
                            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
            char prev = 'a';
            for (char c = 'b'; c <= 'i'; c++) {
                b.append(c).append(": &").append(c).append(" [");
                for (int i = 0; i < 9; i++) {
                    b.append(i == 0 ? "" : ",").append('*').append(prev);
                }
                b.append("]\n");
                prev = c;
            }
            return b.append("metadata:\n  name: bomb\ndata:\n  x: *i\n").toString();
        }

        private String manyKeys(int n) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < n; i++) {
                b.append("\"k").append(i).append("\":\"v\",");
            }
            return b.toString();
        }

        private byte[] patch(String type, String name) {
            if (type.equals("application/json-patch+json")) {
                return jsonPatch();
            }
            if (type.equals("application/apply-patch+yaml")) {
                return body(
                        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\""
                                + name
                                + "\"},\"data\":{\"applied\":\""
                                + r.nextInt(9)
                                + "\"}}",
                        type);
            }
            String[] patches = {
                "{\"data\":{\"k\":null}}",
                "{\"data\":{\"n\":\"" + r.nextInt(100) + "\"}}",
                "{\"metadata\":{\"labels\":{\"fuzz\":null,\"x\":\"y\"}}}",
                "{\"$patch\":\"replace\",\"data\":{}}",
                "{\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":[\"a\"]}}",
                "{\"metadata\":{\"$setElementOrder/finalizers\":[\"x\"],\"finalizers\":[\"x\"]}}",
                "{\"$retainKeys\":[\"data\"],\"data\":{\"a\":\"b\"}}",
                "{\"metadata\":{\"name\":\"renamed\"}}",
                "{\"metadata\":{\"resourceVersion\":\"1\"},\"data\":{\"a\":\"b\"}}",
                "{\"data\":\"notamap\"}",
                "{\"metadata\":{\"$patch\":\"delete\"}}",
                "{\"binaryData\":{\"b\":\"not base64!\"}}",
                "{\"immutable\":true}",
                "{\"data\":{\"k\":{\"nested\":1}}}"
            };
            return body(pick(patches), type);
        }

        private byte[] jsonPatch() {
            if (chance(5)) {
                // the bomb of issue 19: a 1 KiB map added, then copied into itself 40 times
                StringBuilder b =
                        new StringBuilder(
                                "[{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":{");
                for (int i = 0; i < 32; i++) {
                    b.append(i == 0 ? "" : ",")
                            .append("\"k")
                            .append(i)
                            .append("\":\"")
                            .append("x".repeat(24))
                            .append('"');
                }
                b.append("}}");
                for (int i = 0; i < 40; i++) {
                    b.append(
                                    ",{\"op\":\"copy\",\"from\":\"/metadata/annotations\",\"path\":\"/metadata/annotations/c")
                            .append(i)
                            .append("\"}");
                }
                return utf8(b.append(']').toString());
            }
            if (chance(3)) {
                StringBuilder b = new StringBuilder("[");
                for (int i = 0; i < 20_000; i++) {
                    b.append(i == 0 ? "" : ",")
                            .append("{\"op\":\"test\",\"path\":\"/kind\",\"value\":\"ConfigMap\"}");
                }
                return utf8(b.append(']').toString());
            }
            String[] ops = {"add", "remove", "replace", "move", "copy", "test", "nope"};
            String[] paths = {
                "/data/k",
                "/metadata/labels/a",
                "/metadata/name",
                "/data",
                "/metadata/annotations",
                "/",
                "",
                "/data/~1x",
                "/data/-",
                "/metadata/labels/~2",
                "/metadata/finalizers/-",
                "/metadata/finalizers/99999999999",
                "/data/k/deeper",
                "/kind",
                "/metadata/resourceVersion",
                "/metadata/uid"
            };
            String[] values = {
                "\"v\"", "1", "null", "{}", "[]", "{\"a\":\"b\"}", "\"" + "z".repeat(100) + "\""
            };
            StringBuilder b = new StringBuilder("[");
            for (int i = r.nextInt(4); i >= 0; i--) {
                String op = pick(ops);
                b.append("{\"op\":\"")
                        .append(op)
                        .append("\",\"path\":\"")
                        .append(pick(paths))
                        .append('"');
                if (op.equals("move") || op.equals("copy")) {
                    b.append(",\"from\":\"").append(pick(paths)).append('"');
                } else if (!op.equals("remove")) {
                    b.append(",\"value\":").append(pick(values));
                }
                b.append('}').append(i > 0 ? "," : "");
            }
            return body(b.append(']').toString(), "application/json");
        }

        private static byte[] utf8(String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
    }
}
