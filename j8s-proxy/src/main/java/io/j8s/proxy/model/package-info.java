/**
 * Immutable desired state of proxied Services and the pure function that computes it from fabric8
 * {@code Service} and {@code EndpointSlice} objects.
 */
package io.j8s.proxy.model;
