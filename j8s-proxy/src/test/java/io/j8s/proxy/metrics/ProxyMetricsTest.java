package io.j8s.proxy.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The names a Prometheus scrape of the proxy shows. */
class ProxyMetricsTest {

    @Test
    void prometheusNames() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ProxyMetrics metrics = new ProxyMetrics(registry);
        EndpointMeters endpoint =
                metrics.endpoint(
                        "default", "web", "http", "127.244.1.5:8080", new AtomicInteger(2));
        endpoint.connections().increment();
        endpoint.connectFailures().increment();
        endpoint.bytesSent().increment(10);
        endpoint.bytesReceived().increment(20);
        metrics.rejected("default", "web", "http", "no_endpoints").increment();
        metrics.bindFailed("default", "web", "http", "127.96.0.10:80");
        metrics.syncDuration().record(Duration.ofMillis(3));
        metrics.programmingDuration().record(Duration.ofMillis(700));

        String scrape = registry.scrape();

        assertThat(scrape)
                .contains(
                        "j8s_proxy_endpoint_connections_total{endpoint=\"127.244.1.5:8080\","
                                + "namespace=\"default\",port=\"http\",service=\"web\"} 1.0")
                .contains("j8s_proxy_endpoint_connect_failures_total{")
                .contains("j8s_proxy_endpoint_bytes_sent_total{")
                .contains("j8s_proxy_endpoint_bytes_received_total{")
                .contains("j8s_proxy_endpoint_active_connections{")
                .contains("j8s_proxy_active_connections ")
                .contains("j8s_proxy_rejected_connections_total{")
                .contains("j8s_proxy_bind_failures_total{address=\"127.96.0.10:80\"")
                .contains("j8s_proxy_listeners ")
                .contains("j8s_proxy_listeners_failed ")
                .contains("j8s_proxy_sync_duration_seconds_count 1")
                .contains("j8s_proxy_network_programming_duration_seconds_bucket{le=\"1.0\"} 1")
                .contains("j8s_proxy_network_programming_duration_seconds_bucket{le=\"0.5\"} 0");
    }

    @Test
    void remove_unregistersAnEndpointsMeters() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ProxyMetrics metrics = new ProxyMetrics(registry);
        EndpointMeters endpoint =
                metrics.endpoint("default", "web", "http", "127.244.1.5:8080", new AtomicInteger());

        metrics.remove(endpoint);

        assertThat(registry.scrape()).doesNotContain("127.244.1.5:8080");
    }
}
