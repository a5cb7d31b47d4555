/**
 * Which endpoint a new connection goes to: usable-endpoint selection (ready, serving-terminating
 * fallback, internalTrafficPolicy Local), round-robin / random / least-connections policies and
 * ClientIP session affinity. No I/O.
 */
package io.j8s.proxy.balance;
