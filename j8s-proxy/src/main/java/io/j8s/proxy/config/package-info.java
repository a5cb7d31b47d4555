/**
 * Event plumbing between the Kubernetes API and the data plane: informers that only mark Services
 * dirty, a runner that coalesces bursts into bounded-frequency syncs, and network programming
 * latency tracking.
 */
package io.j8s.proxy.config;
