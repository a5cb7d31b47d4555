package io.j8s.client.cache;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.j8s.api.selector.LabelSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An informer index from {@code namespace/key=value} to the objects carrying that label, so that
 * "the Pods a Service selects" costs the Pods with the selector's rarest label instead of every Pod
 * in the namespace (1,500 per namespace at the benchmark's full size, scanned on every Service
 * sync). Stateless.
 */
public final class LabelIndex {

    /** The index's name in the shared informer. */
    public static final String NAME = "namespace-label";

    private LabelIndex() {}

    /** Registers the index on the shared informer of {@code type} (once; later calls share it). */
    public static <T extends HasMetadata> void register(SharedInformers informers, Class<T> type) {
        informers.addIndexer(type, NAME, LabelIndex::values);
    }

    /** The index values of one object: one per label. */
    static List<String> values(HasMetadata object) {
        Map<String, String> labels = object.getMetadata().getLabels();
        if (labels == null || labels.isEmpty()) {
            return List.of();
        }
        String namespace = nullToEmpty(object.getMetadata().getNamespace());
        List<String> values = new ArrayList<>(labels.size());
        for (Map.Entry<String, String> label : labels.entrySet()) {
            values.add(value(namespace, label.getKey(), label.getValue()));
        }
        return values;
    }

    /**
     * The objects in {@code namespace} whose labels include every pair of {@code selector} (an
     * equality-based selector as Services have); every object of the namespace when it is empty.
     * The indexer must carry this index ({@link #register}).
     */
    public static <T extends HasMetadata> List<T> select(
            Indexer<T> indexer, String namespace, Map<String, String> selector) {
        if (selector == null || selector.isEmpty()) {
            return indexer.byIndex(
                    io.fabric8.kubernetes.client.informers.cache.Cache.NAMESPACE_INDEX, namespace);
        }
        // the rarest label bounds the work; the other pairs are checked on its objects only
        List<String> narrowest = null;
        for (Map.Entry<String, String> pair : selector.entrySet()) {
            List<String> keys =
                    indexer.indexKeys(
                            NAME, value(nullToEmpty(namespace), pair.getKey(), pair.getValue()));
            if (narrowest == null || keys.size() < narrowest.size()) {
                narrowest = keys;
            }
            if (narrowest.isEmpty()) {
                return List.of();
            }
        }
        List<T> selected = new ArrayList<>(narrowest.size());
        for (String key : narrowest) {
            T object = indexer.getByKey(key);
            if (object != null
                    && LabelSelector.matchesSet(selector, object.getMetadata().getLabels())) {
                selected.add(object);
            }
        }
        return selected;
    }

    private static String value(String namespace, String key, String value) {
        return namespace + '/' + key + '=' + value;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
