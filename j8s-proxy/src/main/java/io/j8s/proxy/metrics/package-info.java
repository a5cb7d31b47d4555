/** The proxy's Micrometer meters, named in {@link io.j8s.proxy.metrics.ProxyMetrics}. */
package io.j8s.proxy.metrics;
