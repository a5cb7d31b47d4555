package io.j8s.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.j8s.proxy.metrics.ProxyMetrics;
import io.j8s.proxy.testing.Net;
import io.j8s.proxy.testing.TcpNameServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The whole proxy driven through the Kubernetes API: fabric8's CRUD mock API server stands in for
 * j8s's apiserver, which is not available to this module.
 */
@EnableKubernetesMockClient(crud = true)
class ServiceProxyTest {

    static KubernetesClient client;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<TcpNameServer> backends = new ArrayList<>();
    private ServiceProxy proxy;
    private String clusterIp;
    private int port;

    @BeforeEach
    void setUp() throws IOException {
        for (int i = 0; i < 2; i++) {
            backends.add(TcpNameServer.start(Net.randomPodIp(), "backend-" + i));
        }
        clusterIp = Net.randomClusterIp();
        port = Net.freePort(clusterIp);
        proxy =
                new ServiceProxy(
                        client,
                        "node-1",
                        ProxySettings.defaults()
                                .withIoThreads(2)
                                .withMinSyncPeriod(Duration.ofMillis(20)),
                        registry,
                        Clock.systemUTC());
    }

    @AfterEach
    void tearDown() throws IOException {
        proxy.close();
        for (TcpNameServer b : backends) {
            b.close();
        }
        client.services().inAnyNamespace().delete();
        client.discovery().v1().endpointSlices().inAnyNamespace().delete();
    }

    private Service service(String name) {
        return new ServiceBuilder()
                .withNewMetadata()
                .withNamespace("default")
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withClusterIP(clusterIp)
                .addNewPort()
                .withName("http")
                .withPort(port)
                .withProtocol("TCP")
                .endPort()
                .endSpec()
                .build();
    }

    private EndpointSlice slice(String service, TcpNameServer backend, Instant triggerTime) {
        return new EndpointSliceBuilder()
                .withNewMetadata()
                .withNamespace("default")
                .withName(service + "-abcde")
                .withLabels(Map.of("kubernetes.io/service-name", service))
                .withAnnotations(
                        Map.of(
                                "endpoints.kubernetes.io/last-change-trigger-time",
                                triggerTime.toString()))
                .endMetadata()
                .withAddressType("IPv4")
                .addToPorts(
                        new EndpointPortBuilder()
                                .withName("http")
                                .withProtocol("TCP")
                                .withPort(backend.address().getPort())
                                .build())
                .addToEndpoints(
                        new EndpointBuilder()
                                .withAddresses(backend.address().getAddress().getHostAddress())
                                .withNewConditions()
                                .withReady(true)
                                .endConditions()
                                .build())
                .build();
    }

    private InetSocketAddress vip() {
        return new InetSocketAddress(clusterIp, port);
    }

    private String askOrNull() {
        try {
            return Net.ask(vip());
        } catch (IOException e) {
            return null;
        }
    }

    @Test
    void existingService_isProgrammedAtStart_andFollowsEndpointSliceChanges() throws Exception {
        client.resource(service("web")).create();
        client.resource(slice("web", backends.get(0), Instant.now())).create();

        proxy.start();
        proxy.ready().get(10, TimeUnit.SECONDS);

        assertThat(Net.ask(vip())).isEqualTo("backend-0");

        client.resource(slice("web", backends.get(1), Instant.now())).update();

        await().atMost(Duration.ofSeconds(10)).until(() -> "backend-1".equals(askOrNull()));
        // The change made after start is measured; the one from before start is not.
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(
                        () ->
                                assertThat(
                                                registry.find(
                                                                ProxyMetrics
                                                                        .NETWORK_PROGRAMMING_DURATION)
                                                        .timer()
                                                        .count())
                                        .isEqualTo(1));
        assertThat(registry.find(ProxyMetrics.SYNC_DURATION).timer().count()).isPositive();
    }

    @Test
    void serviceCreatedAfterStart_isProxied_andDeletingItClosesTheListener() throws Exception {
        proxy.start();
        proxy.ready().get(10, TimeUnit.SECONDS);

        client.resource(service("late")).create();
        client.resource(slice("late", backends.get(1), Instant.now())).create();

        await().atMost(Duration.ofSeconds(10)).until(() -> "backend-1".equals(askOrNull()));

        client.services().inNamespace("default").withName("late").delete();

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () ->
                                assertThatThrownBy(() -> Net.ask(vip()))
                                        .isInstanceOf(ConnectException.class));
    }

    @Test
    void serviceWithoutEndpoints_rejectsConnections_untilASliceAppears() throws Exception {
        client.resource(service("empty")).create();
        proxy.start();
        proxy.ready().get(10, TimeUnit.SECONDS);

        assertThatThrownBy(
                        () -> {
                            if (Net.ask(vip()) == null) {
                                throw new IOException("EOF");
                            }
                        })
                .isInstanceOf(IOException.class);

        client.resource(slice("empty", backends.get(0), Instant.now())).create();

        await().atMost(Duration.ofSeconds(10)).until(() -> "backend-0".equals(askOrNull()));
    }

    @Test
    void unknownPolicyAnnotation_warnsNamingTheService_andUsesTheHostDefault() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(ServiceProxy.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            Service odd = service("odd");
            odd.getMetadata().setAnnotations(Map.of("j8s.io/lb-policy", "fastest"));
            client.resource(odd).create();
            client.resource(slice("odd", backends.get(0), Instant.now())).create();
            proxy.start();
            proxy.ready().get(10, TimeUnit.SECONDS);

            assertThat(Net.ask(vip())).isEqualTo("backend-0");
            assertThat(logs.list)
                    .filteredOn(e -> e.getLevel() == Level.WARN)
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .singleElement()
                    .asString()
                    .contains("default/odd")
                    .contains("\"fastest\"")
                    .contains("round-robin");
        } finally {
            logger.detachAppender(logs);
        }
    }

    @Test
    void start_twice_isRefused() {
        proxy.start();
        assertThatThrownBy(proxy::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already started");
    }

    @Test
    void close_stopsListening() throws Exception {
        client.resource(service("web")).create();
        client.resource(slice("web", backends.get(0), Instant.now())).create();
        proxy.start();
        proxy.ready().get(10, TimeUnit.SECONDS);
        assertThat(Net.ask(vip())).isEqualTo("backend-0");

        proxy.close();

        assertThatThrownBy(() -> Net.ask(vip())).isInstanceOf(ConnectException.class);
        assertThat(proxy.ready()).isDone();
    }
}
