package io.j8s.node.agent;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.j8s.client.cache.Keys;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** One node's own Pod informer over {@code spec.nodeName=<node>} ({@link PodSource#ownWatch}). */
final class NodePodWatch implements PodSource.View {
    private final SharedIndexInformer<Pod> informer;
    private final CompletableFuture<Void> synced;

    NodePodWatch(KubernetesClient client, String nodeName, Consumer<String> changed) {
        informer =
                client.pods()
                        .inAnyNamespace()
                        .withField("spec.nodeName", nodeName)
                        .runnableInformer(0);
        informer.addEventHandler(
                new ResourceEventHandler<Pod>() {
                    @Override
                    public void onAdd(Pod pod) {
                        changed.accept(Keys.keyOf(pod));
                    }

                    @Override
                    public void onUpdate(Pod oldPod, Pod newPod) {
                        changed.accept(Keys.keyOf(newPod));
                    }

                    @Override
                    public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
                        changed.accept(Keys.keyOf(pod));
                    }
                });
        synced = informer.start().toCompletableFuture().thenApply(v -> null);
    }

    @Override
    public CompletableFuture<Void> synced() {
        return synced;
    }

    @Override
    public Pod get(String key) {
        return informer.getStore().getByKey(key);
    }

    @Override
    public List<Pod> list() {
        return informer.getStore().list();
    }

    @Override
    public void close() {
        informer.stop();
    }
}
