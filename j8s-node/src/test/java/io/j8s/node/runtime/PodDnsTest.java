package io.j8s.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodDNSConfigBuilder;
import io.j8s.node.testing.TestPods;
import org.junit.jupiter.api.Test;

class PodDnsTest {

    private final PodDns.HostResolv host =
            PodDns.HostResolv.parse(
                    "# host\nnameserver 10.0.0.2\nnameserver 10.0.0.3\nsearch corp.example lab.example.\noptions edns0 timeout:2\n");

    private Pod pod(String policy) {
        Pod p = TestPods.pod("web-1", TestPods.web("c"));
        p.getMetadata().setNamespace("shop");
        p.getSpec().setDnsPolicy(policy);
        return p;
    }

    @Test
    void clusterFirst_isTheClusterResolverWithTheHostsSearchDomains() {
        PodDns.Result r = PodDns.resolvConf(pod(null), "127.96.0.10", "cluster.local", host);
        assertThat(r.resolvConf())
                .isEqualTo(
                        "nameserver 127.96.0.10\n"
                                + "search shop.svc.cluster.local svc.cluster.local cluster.local corp.example lab.example\n"
                                + "options ndots:5\n");
        assertThat(r.warning()).isNull();
    }

    @Test
    void clusterFirst_withoutClusterDnsFallsBackToTheHostsAndSaysSo() {
        PodDns.Result r = PodDns.resolvConf(pod("ClusterFirst"), null, "cluster.local", host);
        assertThat(r.resolvConf())
                .isEqualTo(
                        "nameserver 10.0.0.2\nnameserver 10.0.0.3\nsearch corp.example lab.example\noptions edns0 timeout:2\n");
        assertThat(r.warningReason()).isEqualTo("MissingClusterDNS");
        assertThat(r.warning())
                .endsWith(
                        "kubelet does not have ClusterDNS IP configured and cannot create Pod using "
                                + "\"ClusterFirst\" policy. Falling back to \"Default\" policy.");
    }

    @Test
    void default_isTheHosts() {
        assertThat(
                        PodDns.resolvConf(pod("Default"), "127.96.0.10", "cluster.local", host)
                                .resolvConf())
                .isEqualTo(
                        "nameserver 10.0.0.2\nnameserver 10.0.0.3\nsearch corp.example lab.example\noptions edns0 timeout:2\n");
    }

    @Test
    void none_isOnlyDnsConfigAndDnsConfigMergesIntoOthers() {
        Pod none = pod("None");
        none.getSpec()
                .setDnsConfig(
                        new PodDNSConfigBuilder()
                                .withNameservers("1.1.1.1")
                                .withSearches("a.example")
                                .addNewOption()
                                .withName("ndots")
                                .withValue("2")
                                .endOption()
                                .build());
        assertThat(PodDns.resolvConf(none, "127.96.0.10", "cluster.local", host).resolvConf())
                .isEqualTo("nameserver 1.1.1.1\nsearch a.example\noptions ndots:2\n");
        Pod cf = pod("ClusterFirst");
        cf.getSpec()
                .setDnsConfig(
                        new PodDNSConfigBuilder()
                                .withNameservers("127.96.0.10", "1.1.1.1")
                                .withSearches("cluster.local", "b.example")
                                .addNewOption()
                                .withName("ndots")
                                .withValue("1")
                                .endOption()
                                .addNewOption()
                                .withName("single-request")
                                .endOption()
                                .build());
        assertThat(PodDns.resolvConf(cf, "127.96.0.10", "cluster.local", host).resolvConf())
                .isEqualTo(
                        "nameserver 127.96.0.10\nnameserver 1.1.1.1\n"
                                + "search shop.svc.cluster.local svc.cluster.local cluster.local corp.example lab.example b.example\n"
                                + "options ndots:1 single-request\n");
    }

    @Test
    void hostsFile_mapsThePodIpToItsHostname() {
        Pod p = pod(null);
        assertThat(PodDns.hostsFile(p, "127.244.1.7", "cluster.local"))
                .startsWith("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n")
                .endsWith("fe00::2\tip6-allrouters\n127.244.1.7\tweb-1\n");
        p.getSpec().setHostname("h");
        p.getSpec().setSubdomain("sub");
        assertThat(PodDns.hostsFile(p, "127.244.1.7", "cluster.local"))
                .endsWith("127.244.1.7\th.sub.shop.svc.cluster.local\th\n");
    }
}
