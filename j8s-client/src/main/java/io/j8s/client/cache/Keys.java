package io.j8s.client.cache;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;

/** Work-queue keys: {@code namespace/name}, or {@code name} for cluster-scoped objects. */
public final class Keys {

    private Keys() {}

    public static String keyOf(HasMetadata object) {
        ObjectMeta meta = object.getMetadata();
        return keyOf(meta.getNamespace(), meta.getName());
    }

    public static String keyOf(String namespace, String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(
                    "an object key needs a name, got namespace=" + namespace);
        }
        return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
    }

    /** The namespace part of {@code key}, or "" for a cluster-scoped key. */
    public static String namespace(String key) {
        int slash = key.indexOf('/');
        return slash < 0 ? "" : key.substring(0, slash);
    }

    /** The name part of {@code key}. */
    public static String name(String key) {
        int slash = key.indexOf('/');
        return slash < 0 ? key : key.substring(slash + 1);
    }
}
