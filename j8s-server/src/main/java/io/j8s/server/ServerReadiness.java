package io.j8s.server;

import io.fabric8.kubernetes.api.model.Node;
import io.j8s.api.ResourceType;
import io.j8s.apiserver.ApiServer;
import io.j8s.apiserver.HealthChecks;
import io.j8s.apiserver.cache.Delivery;
import io.j8s.apiserver.cache.WatchCache;
import io.j8s.apiserver.cache.WatchRequest;
import io.j8s.apiserver.cache.WatchSink;
import io.j8s.controllers.ControllerManager;
import io.j8s.node.agent.NodeAgent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * The readiness checks {@code j8s server} adds to the API server's ({@code controllers}, {@code
 * nodes}; see docs/architecture.md, "Health"), and the events that make them look again: Node and
 * Lease changes in the watch cache, node agents becoming ready ({@link #agentsStarted}), and the
 * controller manager's changes (it calls {@link HealthChecks#changed()} itself).
 */
final class ServerReadiness implements AutoCloseable {
    private final ServerOptions options;
    private final ApiServer apiServer;
    private final Supplier<ControllerManager> controllerManager;
    private final Supplier<DataPlane> dataPlane;
    private final List<WatchCache.Registration> watches = new ArrayList<>();

    /**
     * Adds the checks; call before the API server starts, so {@code /readyz} never answers 200
     * before they pass.
     */
    ServerReadiness(
            ServerOptions options,
            ApiServer apiServer,
            Supplier<ControllerManager> controllerManager,
            Supplier<DataPlane> dataPlane) {
        this.options = options;
        this.apiServer = apiServer;
        this.controllerManager = controllerManager;
        this.dataPlane = dataPlane;
        apiServer.health().addReadyz("controllers", this::controllersNotReady);
        apiServer.health().addReadyz("nodes", this::nodesNotReady);
    }

    /** Looks again on every change of a Node or a Lease; call once the API server started. */
    void watchNodes() {
        if (expectedNodes() == 0) {
            return;
        }
        WatchCache cache = apiServer.cache();
        for (String kind : List.of("Node", "Lease")) {
            watches.add(
                    cache.watch(
                            new WatchRequest(
                                    apiServer.typeOfKind(kind),
                                    null,
                                    o -> true,
                                    cache.revision(),
                                    false),
                            new WatchSink() {
                                @Override
                                public boolean offer(Delivery delivery) {
                                    apiServer.health().changed();
                                    return true;
                                }

                                @Override
                                public void terminate(TerminationReason reason) {
                                    apiServer.health().changed();
                                }
                            }));
        }
    }

    /** Looks again as each agent of the started data plane becomes ready. */
    void agentsStarted(DataPlane plane) {
        for (NodeAgent agent : plane.agents()) {
            agent.ready().whenComplete((v, e) -> apiServer.health().changed());
        }
        apiServer.health().changed();
    }

    private int expectedNodes() {
        return options.dataPlane().nodes().size() + options.dataPlane().simulatedNames().size();
    }

    /** The {@code controllers} check: null when ready, else why not. */
    private String controllersNotReady() {
        if (options.controllers().enabled().isEmpty()) {
            return null;
        }
        ControllerManager manager = controllerManager.get();
        return manager == null ? "the controller manager is not started" : manager.notReadyReason();
    }

    /**
     * The {@code nodes} check: every in-process node agent runs Pods, and its Node is registered
     * with a {@code spec.podCIDR}, the condition Ready and a Lease, as stored and, when the
     * controllers run here, as the scheduler's informer sees it (so Pods created now can be placed
     * on every node).
     */
    private String nodesNotReady() {
        int expected = expectedNodes();
        if (expected == 0) {
            return null;
        }
        DataPlane started = dataPlane.get();
        if (started == null || started.agents().size() < expected) {
            return "the node agents are not started";
        }
        ResourceType nodeType = apiServer.typeOfKind("Node");
        ResourceType leaseType = apiServer.typeOfKind("Lease");
        ControllerManager manager = controllerManager.get();
        Optional<Map<String, Node>> scheduling =
                manager == null
                        ? Optional.empty()
                        : manager.cached(Node.class)
                                .map(
                                        nodes ->
                                                nodes.stream()
                                                        .collect(
                                                                Collectors.toMap(
                                                                        n ->
                                                                                n.getMetadata()
                                                                                        .getName(),
                                                                        n -> n,
                                                                        (a, b) -> b)));
        for (NodeAgent agent : started.agents()) {
            String name = agent.nodeName();
            if (!agent.ready().isDone() || agent.ready().isCompletedExceptionally()) {
                return "node " + name + " does not run Pods yet";
            }
            Optional<JsonNode> node =
                    apiServer.cache().get(nodeType, null, name).map(o -> o.tree());
            if (node.isEmpty()) {
                return "node " + name + " is not registered";
            }
            if (node.get().path("spec").path("podCIDR").asString("").isEmpty()) {
                return "node " + name + " has no podCIDR";
            }
            if (!readyCondition(node.get())) {
                return "node " + name + " is not Ready";
            }
            if (apiServer.cache().get(leaseType, "kube-node-lease", name).isEmpty()) {
                return "node " + name + " has no Lease";
            }
            if (scheduling.isPresent() && !isReady(scheduling.get().get(name))) {
                return "the scheduler does not see node " + name + " Ready yet";
            }
        }
        return null;
    }

    private static boolean readyCondition(JsonNode node) {
        for (JsonNode condition : node.path("status").path("conditions")) {
            if ("Ready".equals(condition.path("type").asString(""))) {
                return "True".equals(condition.path("status").asString(""));
            }
        }
        return false;
    }

    private static boolean isReady(Node node) {
        return node != null
                && node.getStatus() != null
                && node.getStatus().getConditions() != null
                && node.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    @Override
    public void close() {
        watches.forEach(WatchCache.Registration::close);
    }
}
