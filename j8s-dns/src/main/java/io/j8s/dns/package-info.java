/**
 * Cluster DNS (CoreDNS's {@code kubernetes} plugin's job) served by j8s: Services and
 * EndpointSlices as DNS records per the Kubernetes DNS specification.
 *
 * <p>Entry point: {@link io.j8s.dns.ClusterDns}, configured by {@link io.j8s.dns.DnsSettings}.
 * {@link io.j8s.dns.ServiceRecords} is the in-memory index (filled by {@link
 * io.j8s.dns.ClusterWatcher}'s informers), {@link io.j8s.dns.ZoneResolver} answers a question from
 * it (pure, unit tested), {@link io.j8s.dns.DnsServer} speaks the protocol over UDP and TCP with
 * Netty's DNS codec, and {@link io.j8s.dns.Forwarder} sends names outside the cluster domain to the
 * host's resolvers. {@link io.j8s.dns.KubeDnsService} keeps the {@code kube-system/kube-dns}
 * Service and its Endpoints pointing at the server. See docs/architecture.md, "Cluster DNS".
 */
package io.j8s.dns;
