/**
 * The j8s service proxy (kube-proxy's job) for one host.
 *
 * <p>Entry point: {@link io.j8s.proxy.ServiceProxy}, configured by {@link
 * io.j8s.proxy.ProxySettings}. Layout, as kubernetes {@code pkg/proxy}: the input model ({@code
 * model}: desired state of each Service port, built purely from API objects), the event plumbing
 * ({@code config}: informers, coalescing sync runner, programming latency), the balancing policies
 * ({@code balance}) and the data plane ({@code net}: Netty listeners and relays), with every meter
 * named in {@code metrics}.
 */
package io.j8s.proxy;
