package io.j8s.proxy.model;

import java.util.Objects;

/**
 * Identifies a Service by {@code namespace/name}; the unit of work of the proxy's sync loop.
 * Immutable.
 */
public record ServiceKey(String namespace, String name) {

    public ServiceKey {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        if (namespace.isEmpty() || name.isEmpty()) {
            throw new IllegalArgumentException(
                    "service key needs a namespace and a name, got \""
                            + namespace
                            + "/"
                            + name
                            + "\"");
        }
    }

    /** Parses {@code namespace/name}. */
    public static ServiceKey parse(String key) {
        int slash = key.indexOf('/');
        if (slash <= 0 || slash == key.length() - 1 || key.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException(
                    "service key must be namespace/name, got \"" + key + "\"");
        }
        return new ServiceKey(key.substring(0, slash), key.substring(slash + 1));
    }

    /** Returns {@code namespace/name}, the form used in logs. */
    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
