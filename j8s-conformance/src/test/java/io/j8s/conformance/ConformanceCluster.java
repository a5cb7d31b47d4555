package io.j8s.conformance;

import io.j8s.server.ControllerOptions;
import io.j8s.server.DataPlaneOptions;
import io.j8s.server.testing.TestCluster;
import java.util.List;

/**
 * The server each client class drives: a real j8s server in-process (as {@code j8s server} runs it:
 * every controller, two node agents running Pods on loopback addresses), no service proxy. Each
 * class gives its own Pod range so that the Pods of two servers never share an address.
 */
final class ConformanceCluster {
    private ConformanceCluster() {}

    /**
     * Starts the server with nodes {@code <prefix>-1} and {@code <prefix>-2}, Pods in {@code
     * podRange}.
     */
    static TestCluster start(String nodePrefix, String podRange) throws InterruptedException {
        return TestCluster.start(
                o ->
                        o.withRanges("127.96.0.0/16", podRange)
                                .withDataPlane(
                                        DataPlaneOptions.none()
                                                .withNodes(
                                                        List.of(
                                                                nodePrefix + "-1",
                                                                nodePrefix + "-2"))
                                                .withProxy(false)
                                                .withKubeletPort(0))
                                .withControllers(ControllerOptions.defaults()));
    }

    /**
     * Makes every revision up to now unreadable, as an etcd compaction does, and restarts the
     * server on the same data dir and port so that its watch cache forgets them too: a watch from
     * an older resourceVersion is then answered 410 Gone. Returns the compacted revision.
     */
    static long compactAndRestart(TestCluster cluster) throws InterruptedException {
        long revision = cluster.server().store().currentRevision();
        cluster.server().store().compact(revision);
        cluster.restart();
        return revision;
    }
}
