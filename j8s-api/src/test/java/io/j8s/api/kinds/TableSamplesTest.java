package io.j8s.api.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.api.KindStrategy;
import io.j8s.api.ResourceTypes;
import io.j8s.api.TestData;
import io.j8s.api.table.TableColumn;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Rows and columns compared with the Tables kubectl printed correctly (kubectl-samples). */
class TableSamplesTest {

    private static final Instant NOW = Instant.parse("2026-11-25T16:44:01Z");

    private static KindStrategy strategy(String resource) {
        return ResourceTypes.resolve(resource).orElseThrow().strategy();
    }

    private static void assertColumnsLike(KindStrategy s, String sample) {
        JsonNode defs = TestData.json(sample).get("columnDefinitions");
        List<TableColumn> cols = s.tableColumns();
        assertThat(cols).hasSize(defs.size());
        for (int i = 0; i < cols.size(); i++) {
            assertThat(cols.get(i).name()).isEqualTo(defs.get(i).get("name").asString());
            assertThat(cols.get(i).format()).isEqualTo(defs.get(i).get("format").asString());
            assertThat(cols.get(i).priority()).isEqualTo(defs.get(i).get("priority").asInt());
        }
        assertThat(cols.get(0).description()).isEqualTo(defs.get(0).get("description").asString());
    }

    @Test
    void pods_sampleRow() {
        KindStrategy pods = strategy("pods");
        assertColumnsLike(pods, "samples/pods_table.json");
        ObjectNode pod = TestData.json("samples/pod_obj.json");
        // The sample row was taken 7s after creation.
        assertThat(pods.tableCells(pod, NOW))
                .containsExactly(
                        "my-nginx-2hx6f74kb9-4b4ps",
                        "1/1",
                        "Running",
                        "0",
                        "7s",
                        "10.244.0.8",
                        "node-1",
                        "<none>",
                        "<none>");
        assertThat(pods.tableColumns().get(3).type()).isEqualTo("string");
    }

    @Test
    void endpoints_sampleRowsAndMore() {
        KindStrategy eps = strategy("ep");
        assertColumnsLike(eps, "samples/endpoints_table.json");
        ObjectNode ep = TestData.json("samples/endpoints_obj.json");
        assertThat(eps.tableCells(ep, NOW))
                .containsExactly("my-nginx-svc", "10.244.0.8:80,10.244.0.7:80,10.244.0.6:80", "7s");
        ObjectNode many =
                TestData.obj(
                        """
                metadata: {name: m}
                subsets:
                - addresses: [{ip: 10.0.0.1}, {ip: 10.0.0.2}]
                  ports: [{port: 80}, {port: 443}]
                """);
        assertThat(eps.tableCells(many, NOW).get(1))
                .isEqualTo("10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...");
        assertThat(eps.tableCells(TestData.obj("metadata: {name: e}"), NOW))
                .containsExactly("e", "<none>", "<unknown>");
        ObjectNode headless =
                TestData.obj("metadata: {name: h}\nsubsets: [{addresses: [{ip: 'fd00::1'}]}]");
        assertThat(eps.tableCells(headless, NOW).get(1)).isEqualTo("fd00::1");
    }

    @Test
    void services_sampleRows() {
        KindStrategy svcs = strategy("svc");
        JsonNode rows = TestData.json("samples/services_table.json").get("rows");
        ObjectNode kubernetes =
                TestData.obj(
                        """
                metadata: {name: kubernetes, namespace: default, creationTimestamp: "2026-11-25T16:43:53Z"}
                spec: {type: ClusterIP, clusterIP: 10.96.0.1, clusterIPs: [10.96.0.1], ports: [{name: https, port: 443, protocol: TCP, targetPort: 6443}]}
                """);
        List<Object> cells = svcs.tableCells(kubernetes, NOW);
        for (int i = 0; i < cells.size(); i++) {
            assertThat(cells.get(i)).isEqualTo(rows.get(0).get("cells").get(i).asString());
        }
    }

    @Test
    void endpointSlices() {
        KindStrategy slices = strategy("endpointslices");
        ObjectNode slice =
                (ObjectNode) TestData.json("samples/endpointslices_list.json").get("items").get(0);
        assertThat(slices.tableColumns())
                .extracting(TableColumn::name)
                .containsExactly("Name", "AddressType", "Ports", "Endpoints", "Age");
        assertThat(slices.tableCells(slice, NOW))
                .containsExactly(
                        "my-nginx-svc-mt9v6",
                        "IPv4",
                        "80",
                        "10.244.0.8,10.244.0.7,10.244.0.6",
                        "7s");
        ObjectNode empty =
                TestData.obj("metadata: {name: e}\naddressType: IPv4\nports: [{name: http}]");
        assertThat(slices.tableCells(empty, NOW))
                .containsExactly("e", "IPv4", "http", "<unset>", "<unknown>");
    }
}
