package io.j8s.proxy.model;

/** {@code internalTrafficPolicy} / {@code externalTrafficPolicy} of a Service. */
public enum TrafficPolicy {
    /** Any usable endpoint in the cluster. */
    CLUSTER,
    /** Only endpoints on the proxy's own node; none there means the traffic is rejected. */
    LOCAL;

    /** Maps the API value; anything but {@code Local} (including {@code null}) is CLUSTER. */
    public static TrafficPolicy fromKubernetes(String value) {
        return "Local".equals(value) ? LOCAL : CLUSTER;
    }
}
