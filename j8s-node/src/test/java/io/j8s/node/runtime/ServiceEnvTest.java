package io.j8s.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceEnvTest {

    static Service svc(String ns, String name, String ip, ServicePort... ports) {
        return new ServiceBuilder()
                .withNewMetadata()
                .withNamespace(ns)
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withClusterIP(ip)
                .withPorts(ports)
                .endSpec()
                .build();
    }

    static ServicePort port(String name, int port, String protocol) {
        return new ServicePortBuilder()
                .withName(name)
                .withPort(port)
                .withProtocol(protocol)
                .build();
    }

    private final List<Service> services =
            List.of(
                    svc("default", "kubernetes", "127.96.0.1", port("https", 443, "TCP")),
                    svc(
                            "shop",
                            "web-front",
                            "127.96.0.20",
                            port("http", 80, "TCP"),
                            port("metrics", 9090, null)),
                    svc(
                            "shop",
                            "dns",
                            "127.96.0.10",
                            port("dns", 53, "UDP"),
                            port("dns-tcp", 53, "TCP")),
                    svc("shop", "headless", "None", port("", 80, "TCP")),
                    svc("shop", "pending", "", port("", 80, "TCP")),
                    svc("other", "elsewhere", "127.96.0.30", port("", 8080, "TCP")));

    @Test
    void forPod_namesAndValuesAsTheKubelet() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("DNS_SERVICE_HOST", "127.96.0.10");
        expected.put("DNS_SERVICE_PORT", "53");
        expected.put("DNS_SERVICE_PORT_DNS", "53");
        expected.put("DNS_SERVICE_PORT_DNS_TCP", "53");
        expected.put("DNS_PORT", "udp://127.96.0.10:53");
        expected.put("DNS_PORT_53_UDP", "udp://127.96.0.10:53");
        expected.put("DNS_PORT_53_UDP_PROTO", "udp");
        expected.put("DNS_PORT_53_UDP_PORT", "53");
        expected.put("DNS_PORT_53_UDP_ADDR", "127.96.0.10");
        expected.put("DNS_PORT_53_TCP", "tcp://127.96.0.10:53");
        expected.put("DNS_PORT_53_TCP_PROTO", "tcp");
        expected.put("DNS_PORT_53_TCP_PORT", "53");
        expected.put("DNS_PORT_53_TCP_ADDR", "127.96.0.10");
        expected.put("KUBERNETES_SERVICE_HOST", "127.96.0.1");
        expected.put("KUBERNETES_SERVICE_PORT", "443");
        expected.put("KUBERNETES_SERVICE_PORT_HTTPS", "443");
        expected.put("KUBERNETES_PORT", "tcp://127.96.0.1:443");
        expected.put("KUBERNETES_PORT_443_TCP", "tcp://127.96.0.1:443");
        expected.put("KUBERNETES_PORT_443_TCP_PROTO", "tcp");
        expected.put("KUBERNETES_PORT_443_TCP_PORT", "443");
        expected.put("KUBERNETES_PORT_443_TCP_ADDR", "127.96.0.1");
        expected.put("WEB_FRONT_SERVICE_HOST", "127.96.0.20");
        expected.put("WEB_FRONT_SERVICE_PORT", "80");
        expected.put("WEB_FRONT_SERVICE_PORT_HTTP", "80");
        expected.put("WEB_FRONT_SERVICE_PORT_METRICS", "9090");
        expected.put("WEB_FRONT_PORT", "tcp://127.96.0.20:80");
        expected.put("WEB_FRONT_PORT_80_TCP", "tcp://127.96.0.20:80");
        expected.put("WEB_FRONT_PORT_80_TCP_PROTO", "tcp");
        expected.put("WEB_FRONT_PORT_80_TCP_PORT", "80");
        expected.put("WEB_FRONT_PORT_80_TCP_ADDR", "127.96.0.20");
        expected.put("WEB_FRONT_PORT_9090_TCP", "tcp://127.96.0.20:9090");
        expected.put("WEB_FRONT_PORT_9090_TCP_PROTO", "tcp");
        expected.put("WEB_FRONT_PORT_9090_TCP_PORT", "9090");
        expected.put("WEB_FRONT_PORT_9090_TCP_ADDR", "127.96.0.20");
        assertThat(ServiceEnv.forPod("shop", null, services)).containsExactlyEntriesOf(expected);
    }

    @Test
    void forPod_withoutServiceLinksKeepsOnlyTheMasterService() {
        assertThat(ServiceEnv.forPod("shop", false, services).keySet())
                .allMatch(k -> k.startsWith("KUBERNETES_"))
                .hasSize(8);
    }

    @Test
    void forPod_theNamespacesOwnServiceNamedKubernetesWinsAsInTheKubelet() {
        List<Service> list =
                List.of(
                        svc("shop", "kubernetes", "127.96.0.99", port("", 1, "TCP")),
                        svc("default", "kubernetes", "127.96.0.1", port("https", 443, "TCP")));
        assertThat(ServiceEnv.forPod("default", true, list))
                .containsEntry("KUBERNETES_SERVICE_HOST", "127.96.0.1");
        // The kubelet puts the master service only where the name is free and a namespace's own
        // always.
        assertThat(ServiceEnv.forPod("shop", true, list))
                .containsEntry("KUBERNETES_SERVICE_HOST", "127.96.0.99");
        assertThat(ServiceEnv.forPod("shop", false, list))
                .containsEntry("KUBERNETES_SERVICE_HOST", "127.96.0.1");
    }
}
