package io.j8s.server.testhost;

import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.api.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The host's protocol without a cluster: every request gets an answer, errors as messages. */
class ClusterHostTest {
    @TempDir Path dir;

    private Map<Long, JsonNode> serve(String input, int answers) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ClusterHost host = new ClusterHost(dir, new PrintStream(out, true, StandardCharsets.UTF_8));
        host.serve(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        Map<Long, JsonNode> byId = new HashMap<>();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> {
                            byId.clear();
                            for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
                                JsonNode node = Json.parse(line);
                                byId.put(node.path("id").asLong(-2), node);
                            }
                            return byId.size() >= answers + 1; // + the hello, id -2
                        });
        host.stopAll();
        assertThat(byId.get(-2L).path("event").asString()).isEqualTo("ready");
        return byId;
    }

    @Test
    void everyRequestIsAnswered_errorsAsMessages() throws Exception {
        Map<Long, JsonNode> answers =
                serve(
                        """
                {"id":1,"op":"ping"}
                {"id":2,"op":"fly"}
                {"id":3,"op":"start","args":["--no-such-flag"]}
                {"id":4,"op":"stop","cluster":"c9"}
                {"id":5,"op":"awaitEndpoints","cluster":"c1","name":"web"}
                {"id":6,"op":"ping","timeoutMs":0}
                not json
                """,
                        7);
        assertThat(answers.get(1L).path("ok").asBoolean()).isTrue();
        assertThat(answers.get(2L).path("error").asString()).isEqualTo("unknown op 'fly'");
        assertThat(answers.get(3L).path("ok").asBoolean()).isFalse();
        assertThat(answers.get(3L).path("error").asString())
                .startsWith(
                        "bad server arguments [--no-such-flag]: Unknown option: '--no-such-flag'");
        assertThat(answers.get(4L).path("error").asString())
                .contains("no cluster 'c9' in this host");
        assertThat(answers.get(5L).path("error").asString())
                .contains("no cluster 'c1' in this host");
        assertThat(answers.get(-1L).path("error").asString()).startsWith("not a JSON object");
        // a failed start leaves no directory behind
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).isEmpty();
        }
    }

    @Test
    void testMode_turnsFsyncAndLeaderElectionOff_unlessTheCallerChose() {
        assertThat(ClusterHost.testMode(List.of()))
                .containsExactly("--store-fsync=false", "--leader-elect=false");
        assertThat(ClusterHost.testMode(List.of("--store-fsync=true", "--leader-elect"))).isEmpty();
        assertThat(ClusterHost.testMode(List.of("--store-fsync", "true")))
                .containsExactly("--leader-elect=false");
        // on etcd other servers may share the store: their controllers keep electing a leader
        assertThat(ClusterHost.testMode(List.of("--store=etcd")))
                .containsExactly("--store-fsync=false");
        assertThat(ClusterHost.testMode(List.of("--store", "etcd", "--etcd-endpoints=x")))
                .containsExactly("--store-fsync=false");
    }

    @Test
    void hostRanges_givePortsTheSystemPicks_andLeaveTheRangesToTheHostRegistry() {
        // Pod and Service ranges are not given: the server claims free ones in the host's range
        // registry, so clusters of several cluster hosts never collide (docs/architecture.md)
        assertThat(ClusterHost.hostRanges(List.of(), 0))
                .containsExactly("--secure-port=0", "--kubelet-port=0");
        assertThat(ClusterHost.hostRanges(List.of(), 3))
                .containsExactly("--secure-port=0", "--kubelet-port=0");
        assertThat(
                        ClusterHost.hostRanges(
                                List.of(
                                        "--secure-port=6443",
                                        "--cluster-cidr=127.1.0.0/16",
                                        "--kubelet-port",
                                        "10250",
                                        "--service-cluster-ip-range=127.2.0.0/16"),
                                0))
                .isEmpty();
    }

    @Test
    void readLine_boundsALine() throws Exception {
        byte[] big = new byte[ClusterHost.MAX_LINE_BYTES + 10];
        java.util.Arrays.fill(big, (byte) 'a');
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        input.write(big);
        input.write("\nok\n".getBytes(StandardCharsets.UTF_8));
        var in = new ByteArrayInputStream(input.toByteArray());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ClusterHost.readLine(in))
                .hasMessageContaining("request line longer than");
        assertThat(new String(ClusterHost.readLine(in), StandardCharsets.UTF_8)).isEqualTo("ok");
        assertThat(ClusterHost.readLine(in)).isNull();
    }
}
