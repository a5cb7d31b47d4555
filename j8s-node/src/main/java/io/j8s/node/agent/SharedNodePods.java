package io.j8s.node.agent;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.j8s.client.cache.Keys;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch of every bound Pod ({@code spec.nodeName!=""}) for all the node agents of a process,
 * indexed by node: each Pod is listed, watched and decoded once however many nodes the process runs
 * (1,500 simulated nodes made 1,500 watches and, after a restart, 1,500 lists at once), as kwok
 * follows its fake nodes' Pods with one informer. Each agent still writes with its own identity;
 * only its reads come from here. The client needs list and watch of Pods in every namespace ({@code
 * system:j8s:node-agents} in a {@code j8s server}); a failed list or watch is retried with
 * fabric8's back-off, as the controllers' informers are. Thread-safe.
 */
public final class SharedNodePods implements PodSource, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SharedNodePods.class);
    private static final String BY_NODE = "spec.nodeName";

    private final SharedIndexInformer<Pod> informer;
    private final Map<String, Consumer<String>> followers = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> synced;

    /** Starts the watch; returns at once. */
    public SharedNodePods(KubernetesClient client) {
        informer = client.pods().inAnyNamespace().withoutField(BY_NODE, "").runnableInformer(0);
        informer.exceptionHandler(
                (isStarted, t) -> {
                    log.atWarn()
                            .addKeyValue("error", t.toString())
                            .log("the node agents' Pod watch failed, retrying with back-off");
                    return true;
                });
        informer.addIndexers(Map.of(BY_NODE, pod -> List.of(nodeOf(pod))));
        informer.addEventHandler(
                new ResourceEventHandler<Pod>() {
                    @Override
                    public void onAdd(Pod pod) {
                        deliver(nodeOf(pod), pod);
                    }

                    @Override
                    public void onUpdate(Pod oldPod, Pod newPod) {
                        String node = nodeOf(newPod);
                        deliver(node, newPod);
                        String before = nodeOf(oldPod);
                        if (!before.equals(node)) {
                            deliver(before, oldPod);
                        }
                    }

                    @Override
                    public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
                        deliver(nodeOf(pod), pod);
                    }
                });
        synced = informer.start().toCompletableFuture().thenApply(v -> null);
    }

    private void deliver(String node, Pod pod) {
        Consumer<String> changed = followers.get(node);
        if (changed != null) {
            changed.accept(Keys.keyOf(pod));
        }
    }

    private static String nodeOf(Pod pod) {
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        return node == null ? "" : node;
    }

    /** One follower per node: a second {@code follow} of the same node replaces the first. */
    @Override
    public View follow(String nodeName, Consumer<String> changed) {
        Objects.requireNonNull(changed, "changed");
        followers.put(nodeName, changed);
        // Pods the informer delivered before this follower was registered: every one of the node's
        // Pods once now, and once more after the first list (a follow during it may miss some)
        Runnable catchUp = () -> byNode(nodeName).forEach(p -> changed.accept(Keys.keyOf(p)));
        catchUp.run();
        CompletableFuture<Void> followed = synced.thenRun(catchUp);
        return new View() {
            @Override
            public CompletableFuture<Void> synced() {
                return followed;
            }

            @Override
            public Pod get(String key) {
                Pod pod = informer.getStore().getByKey(key);
                return pod != null && nodeName.equals(nodeOf(pod)) ? pod : null;
            }

            @Override
            public List<Pod> list() {
                return byNode(nodeName);
            }

            @Override
            public void close() {
                followers.remove(nodeName, changed);
            }
        };
    }

    private List<Pod> byNode(String nodeName) {
        return informer.getIndexer().byIndex(BY_NODE, nodeName);
    }

    /** Whether the first list of Pods is in. */
    public boolean hasSynced() {
        return informer.hasSynced();
    }

    @Override
    public void close() {
        informer.stop();
    }
}
