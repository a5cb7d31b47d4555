package io.j8s.apiserver.cache;

/** The {@code type} of a Kubernetes watch event. */
public enum EventType {
    ADDED,
    MODIFIED,
    DELETED,
    BOOKMARK,
    ERROR
}
