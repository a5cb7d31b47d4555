/**
 * The data plane: Netty listeners on ClusterIP and node ports, TCP relays with back-pressure and
 * half-close, UDP flows, all driven by {@link io.j8s.proxy.net.ForwardingTable}.
 */
package io.j8s.proxy.net;
