package io.j8s.dns;

import static io.j8s.dns.Records.clusterIp;
import static io.j8s.dns.Records.externalName;
import static io.j8s.dns.Records.headless;
import static io.j8s.dns.Records.put;
import static io.j8s.dns.Records.slice;
import static io.j8s.dns.Records.texts;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every record kind of the Kubernetes DNS specification, from in-memory Services and slices. */
class ZoneResolverTest {
    private ServiceRecords records;
    private ZoneResolver resolver;

    @BeforeEach
    void setUp() {
        records = new ServiceRecords();
        records.setNamespaces(Set.of("default", "kube-system", "empty"));
        resolver =
                new ZoneResolver(records, DnsSettings.defaults().withDnsServiceIp("127.96.0.10"));
        put(records, clusterIp("default", "web", "127.96.0.20", "http", ""));
        put(
                records,
                headless("default", "db", false),
                slice("default", "db", 5432, "127.244.0.5/db-0", "127.244.1.6", "127.244.1.7!"));
        put(
                records,
                headless("default", "all", true),
                slice("default", "all", 80, "127.244.0.8", "127.244.0.9!"));
        put(
                records,
                headless("default", "none", false),
                slice("default", "none", 80, "127.244.0.10!"));
        put(records, externalName("default", "ext", "www.example.com"));
    }

    private ZoneResolver.Answer ask(String name, DnsRecordType type) {
        return resolver.resolve(name, type);
    }

    private void assertNegative(ZoneResolver.Answer a, DnsResponseCode code) {
        assertThat(a.rcode()).isEqualTo(code);
        assertThat(a.answers()).isEmpty();
        assertThat(texts(a.authorities()))
                .singleElement()
                .asString()
                .matches(
                        "cluster\\.local\\. 5 SOA ns\\.dns\\.cluster\\.local\\. hostmaster\\.cluster\\.local\\. \\d+"
                                + " 7200 1800 86400 5");
    }

    @Test
    void clusterIpServiceIsItsClusterIp() {
        var a = ask("web.default.svc.cluster.local.", DnsRecordType.A);
        assertThat(a.rcode()).isEqualTo(DnsResponseCode.NOERROR);
        assertThat(texts(a.answers()))
                .containsExactly("web.default.svc.cluster.local. 5 A 127.96.0.20");
        assertThat(a.authorities()).isEmpty();
    }

    @Test
    void namesAreCaseInsensitiveAndAnswersKeepTheQuestionsCase() {
        var a = ask("Web.DEFAULT.svc.Cluster.Local.", DnsRecordType.A);
        assertThat(texts(a.answers()))
                .containsExactly("Web.DEFAULT.svc.Cluster.Local. 5 A 127.96.0.20");
    }

    @Test
    void srvOfAClusterIpServiceNamesTheService() {
        var a = ask("_http._tcp.web.default.svc.cluster.local.", DnsRecordType.SRV);
        assertThat(texts(a.answers()))
                .containsExactly(
                        "_http._tcp.web.default.svc.cluster.local. 5 SRV 0 100 80 web.default.svc.cluster.local.");
        assertThat(texts(a.additionals()))
                .containsExactly("web.default.svc.cluster.local. 5 A 127.96.0.20");
        // The unnamed port has no SRV; another protocol neither.
        assertNegative(
                ask("_http._udp.web.default.svc.cluster.local.", DnsRecordType.SRV),
                DnsResponseCode.NXDOMAIN);
        // The name exists, not as A: NODATA.
        assertNegative(
                ask("_http._tcp.web.default.svc.cluster.local.", DnsRecordType.A),
                DnsResponseCode.NOERROR);
    }

    @Test
    void headlessServiceIsItsReadyEndpoints() {
        assertThat(texts(ask("db.default.svc.cluster.local.", DnsRecordType.A).answers()))
                .containsExactlyInAnyOrder(
                        "db.default.svc.cluster.local. 5 A 127.244.0.5",
                        "db.default.svc.cluster.local. 5 A 127.244.1.6");
        // publishNotReadyAddresses: every endpoint.
        assertThat(texts(ask("all.default.svc.cluster.local.", DnsRecordType.A).answers()))
                .containsExactlyInAnyOrder(
                        "all.default.svc.cluster.local. 5 A 127.244.0.8",
                        "all.default.svc.cluster.local. 5 A 127.244.0.9");
        // No ready endpoint: NXDOMAIN, as the specification says.
        assertNegative(
                ask("none.default.svc.cluster.local.", DnsRecordType.A), DnsResponseCode.NXDOMAIN);
    }

    @Test
    void headlessEndpointsHaveTheirOwnNamesSrvAndPtr() {
        assertThat(texts(ask("db-0.db.default.svc.cluster.local.", DnsRecordType.A).answers()))
                .containsExactly("db-0.db.default.svc.cluster.local. 5 A 127.244.0.5");
        assertThat(
                        texts(
                                ask("127-244-1-6.db.default.svc.cluster.local.", DnsRecordType.A)
                                        .answers()))
                .containsExactly("127-244-1-6.db.default.svc.cluster.local. 5 A 127.244.1.6");
        assertNegative(
                ask("127-244-1-7.db.default.svc.cluster.local.", DnsRecordType.A),
                DnsResponseCode.NXDOMAIN);
        var srv = ask("_http._tcp.db.default.svc.cluster.local.", DnsRecordType.SRV);
        assertThat(texts(srv.answers()))
                .containsExactlyInAnyOrder(
                        "_http._tcp.db.default.svc.cluster.local. 5 SRV 0 50 5432 db-0.db.default.svc.cluster.local.",
                        "_http._tcp.db.default.svc.cluster.local. 5 SRV 0 50 5432 127-244-1-6.db.default.svc.cluster.local.");
        assertThat(texts(srv.additionals()))
                .containsExactlyInAnyOrder(
                        "db-0.db.default.svc.cluster.local. 5 A 127.244.0.5",
                        "127-244-1-6.db.default.svc.cluster.local. 5 A 127.244.1.6");
        assertThat(texts(ask("5.0.244.127.in-addr.arpa.", DnsRecordType.PTR).answers()))
                .containsExactly(
                        "5.0.244.127.in-addr.arpa. 5 PTR db-0.db.default.svc.cluster.local.");
    }

    @Test
    void ptrOfAClusterIp() {
        assertThat(texts(ask("20.0.96.127.in-addr.arpa.", DnsRecordType.PTR).answers()))
                .containsExactly("20.0.96.127.in-addr.arpa. 5 PTR web.default.svc.cluster.local.");
        // An address no Service has is not this server's: forwarded (or refused).
        assertThat(ask("21.0.96.127.in-addr.arpa.", DnsRecordType.PTR)).isNull();
    }

    @Test
    void ptrFollowsAServiceDeletion() {
        records.remove("default", "web");
        assertThat(ask("20.0.96.127.in-addr.arpa.", DnsRecordType.PTR)).isNull();
        assertNegative(
                ask("web.default.svc.cluster.local.", DnsRecordType.A), DnsResponseCode.NXDOMAIN);
    }

    @Test
    void externalNameIsACname() {
        var a = ask("ext.default.svc.cluster.local.", DnsRecordType.A);
        assertThat(texts(a.answers()))
                .containsExactly("ext.default.svc.cluster.local. 5 CNAME www.example.com.");
        assertThat(a.chase()).isEqualTo("www.example.com");
        assertThat(ask("ext.default.svc.cluster.local.", DnsRecordType.CNAME).chase()).isNull();
    }

    @Test
    void podNamesAreTheirDashedAddress() {
        assertThat(texts(ask("127-244-3-4.default.pod.cluster.local.", DnsRecordType.A).answers()))
                .containsExactly("127-244-3-4.default.pod.cluster.local. 5 A 127.244.3.4");
        assertNegative(
                ask("127-244-3-400.default.pod.cluster.local.", DnsRecordType.A),
                DnsResponseCode.NXDOMAIN);
        assertNegative(
                ask("127-244-3-4.default.pod.cluster.local.", DnsRecordType.AAAA),
                DnsResponseCode.NOERROR);
    }

    @Test
    void schemaVersionSoaAndNs() {
        assertThat(texts(ask("dns-version.cluster.local.", DnsRecordType.TXT).answers()))
                .containsExactly("dns-version.cluster.local. 5 TXT \"1.0.1\"");
        assertThat(texts(ask("cluster.local.", DnsRecordType.SOA).answers()))
                .singleElement()
                .asString()
                .startsWith("cluster.local. 5 SOA ns.dns.cluster.local. hostmaster.cluster.local.");
        var ns = ask("cluster.local.", DnsRecordType.NS);
        assertThat(texts(ns.answers()))
                .containsExactly("cluster.local. 5 NS ns.dns.cluster.local.");
        assertThat(texts(ns.additionals()))
                .containsExactly("ns.dns.cluster.local. 5 A 127.96.0.10");
    }

    @Test
    void unknownNamesAreNxdomainAndEmptyNonTerminalsNodata() {
        assertNegative(
                ask("nope.default.svc.cluster.local.", DnsRecordType.A), DnsResponseCode.NXDOMAIN);
        assertNegative(
                ask("default.nope.cluster.local.", DnsRecordType.A), DnsResponseCode.NXDOMAIN);
        assertNegative(ask("nope.svc.cluster.local.", DnsRecordType.A), DnsResponseCode.NXDOMAIN);
        assertNegative(ask("a..svc.cluster.local.", DnsRecordType.A), DnsResponseCode.NXDOMAIN);
        assertNegative(ask("default.svc.cluster.local.", DnsRecordType.A), DnsResponseCode.NOERROR);
        assertNegative(ask("empty.svc.cluster.local.", DnsRecordType.A), DnsResponseCode.NOERROR);
        assertNegative(ask("svc.cluster.local.", DnsRecordType.A), DnsResponseCode.NOERROR);
        assertNegative(
                ask("web.default.svc.cluster.local.", DnsRecordType.AAAA), DnsResponseCode.NOERROR);
        assertNegative(
                ask("web.default.svc.cluster.local.", DnsRecordType.MX), DnsResponseCode.NOERROR);
    }

    @Test
    void namesOutsideTheDomainAreNotAnswered() {
        assertThat(ask("example.com.", DnsRecordType.A)).isNull();
        assertThat(ask("notcluster.local.", DnsRecordType.A)).isNull();
    }

    @Test
    void anotherClusterDomain() {
        ZoneResolver other =
                new ZoneResolver(records, DnsSettings.defaults().withDomain("Corp.Example."));
        assertThat(texts(other.resolve("web.default.svc.corp.example", DnsRecordType.A).answers()))
                .containsExactly("web.default.svc.corp.example. 5 A 127.96.0.20");
        assertThat(other.resolve("web.default.svc.cluster.local", DnsRecordType.A)).isNull();
    }

    @Test
    void anEndpointSliceChangeIsServedAtOnce() {
        put(
                records,
                headless("default", "db", false),
                slice("default", "db", 5432, "127.244.0.5/db-0"));
        assertThat(texts(ask("db.default.svc.cluster.local.", DnsRecordType.A).answers()))
                .containsExactly("db.default.svc.cluster.local. 5 A 127.244.0.5");
        assertThat(ask("6.1.244.127.in-addr.arpa.", DnsRecordType.PTR)).isNull();
    }
}
