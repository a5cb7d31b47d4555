package io.j8s.dns;

import io.j8s.dns.ServiceRecords.EndpointEntry;
import io.j8s.dns.ServiceRecords.Entry;
import io.j8s.dns.ServiceRecords.Kind;
import io.j8s.dns.ServiceRecords.Port;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Answers one question from {@link ServiceRecords}, per the Kubernetes DNS specification (schema
 * {@value #SCHEMA_VERSION}) with CoreDNS's {@code kubernetes} plugin as the reference where the
 * specification leaves a choice:
 *
 * <ul>
 *   <li>{@code <svc>.<ns>.svc.<zone>} A: the ClusterIP; of a headless Service, its ready endpoints
 *       (none: NXDOMAIN, as the specification says); of an ExternalName Service, a CNAME.
 *   <li>{@code _<port>._<proto>.<svc>.<ns>.svc.<zone>} SRV per named port (priority 0), to the
 *       Service name, or for a headless Service to each endpoint's name, with their A records in
 *       the additional section; SRV at the Service name lists every named port.
 *   <li>{@code <hostname>.<svc>.<ns>.svc.<zone>} A of a headless Service's endpoint (its {@code
 *       hostname}, else its address dashed, {@code 127-244-0-5}, as CoreDNS).
 *   <li>{@code <d>.<c>.<b>.<a>.in-addr.arpa} PTR of ClusterIPs and headless endpoints.
 *   <li>{@code a-b-c-d.<ns>.pod.<zone>} A {@code a.b.c.d} (CoreDNS's {@code pods insecure}).
 *   <li>{@code dns-version.<zone>} TXT {@value #SCHEMA_VERSION}; the apex SOA and NS ({@code
 *       ns.dns.<zone>}, whose A is the {@code kube-dns} ClusterIP).
 *   <li>A name of the zone that does not exist: NXDOMAIN; one that exists without records of the
 *       type (or an empty non-terminal such as {@code <ns>.svc.<zone>}): NODATA; both with the SOA
 *       in the authority section. Every answer of the zone is authoritative.
 * </ul>
 *
 * Names are compared case-insensitively; answers are owned by the question's name as asked.
 */
public final class ZoneResolver {

    /** The specification's schema version this implements. */
    public static final String SCHEMA_VERSION = "1.0.1";

    private static final int IN = DnsRecord.CLASS_IN;

    /**
     * One answer: the response code and the records of each section (owned by the caller: send or
     * {@link #release()} them).
     *
     * @param chase for an ExternalName's CNAME asked as A or AAAA, the target to resolve outside
     *     the zone (null otherwise)
     */
    public record Answer(
            DnsResponseCode rcode,
            List<DnsRecord> answers,
            List<DnsRecord> authorities,
            List<DnsRecord> additionals,
            String chase) {

        /** Releases the records' buffers (an answer that is not sent). */
        public void release() {
            answers.forEach(ReferenceCountUtil::release);
            authorities.forEach(ReferenceCountUtil::release);
            additionals.forEach(ReferenceCountUtil::release);
        }
    }

    private final ServiceRecords records;
    private final String domain;
    private final long ttl;
    private final String dnsServiceIp;

    public ZoneResolver(ServiceRecords records, DnsSettings settings) {
        this.records = records;
        this.domain = settings.domain();
        this.ttl = settings.ttl();
        this.dnsServiceIp = settings.dnsServiceIp();
    }

    /** The cluster domain, lower case without trailing dot. */
    public String domain() {
        return domain;
    }

    /**
     * The answer to {@code qname} (with or without trailing dot, any case) of {@code type}, or null
     * when the name is not this server's: outside the cluster domain, or a reverse name of an
     * address no Service has.
     */
    public Answer resolve(String qname, DnsRecordType type) {
        String owner = qname.endsWith(".") ? qname : qname + ".";
        String name = owner.substring(0, owner.length() - 1).toLowerCase(Locale.ROOT);
        if (name.endsWith(".in-addr.arpa")) {
            return reverse(owner, name, type);
        }
        if (!name.equals(domain) && !name.endsWith("." + domain)) {
            return null;
        }
        String rel =
                name.equals(domain) ? "" : name.substring(0, name.length() - domain.length() - 1);
        String[] l = rel.isEmpty() ? new String[0] : rel.split("\\.", -1);
        for (String label : l) {
            if (label.isEmpty()) {
                return nxdomain();
            }
        }
        Builder b = new Builder();
        int n = l.length;
        if (n == 0) {
            if (type == DnsRecordType.SOA) {
                b.answers.add(soa());
            } else if (type == DnsRecordType.NS) {
                b.answers.add(record(owner, DnsRecordType.NS, nameData(nsName())));
                if (dnsServiceIp != null) {
                    b.additionals.add(a(nsName(), dnsServiceIp));
                }
            }
            return b.build();
        }
        String last = l[n - 1];
        if (n == 1 && last.equals("dns-version")) {
            if (type == DnsRecordType.TXT) {
                byte[] text = SCHEMA_VERSION.getBytes(StandardCharsets.US_ASCII);
                ByteBuf data =
                        Unpooled.buffer(text.length + 1).writeByte(text.length).writeBytes(text);
                b.answers.add(record(owner, DnsRecordType.TXT, data));
            }
            return b.build();
        }
        if (last.equals("dns") && n <= 2) {
            if (n == 2 && !l[0].equals("ns")) {
                return nxdomain();
            }
            if (n == 2 && type == DnsRecordType.A && dnsServiceIp != null) {
                b.answers.add(a(owner, dnsServiceIp));
            }
            return b.build();
        }
        if (last.equals("svc")) {
            return services(owner, l, type);
        }
        if (last.equals("pod")) {
            if (n == 1) {
                return b.build();
            }
            if (n == 2) {
                return records.namespaceExists(l[0]) ? b.build() : nxdomain();
            }
            String ip = n == 3 ? dashedIpv4(l[0]) : null;
            if (ip == null) {
                return nxdomain();
            }
            if (type == DnsRecordType.A) {
                b.answers.add(a(owner, ip));
            }
            return b.build();
        }
        return nxdomain();
    }

    private Answer services(String owner, String[] l, DnsRecordType type) {
        int n = l.length;
        Builder b = new Builder();
        if (n == 1) {
            return b.build();
        }
        if (n == 2) {
            return records.namespaceExists(l[0]) ? b.build() : nxdomain();
        }
        Entry entry = records.get(l[n - 2], l[n - 3]);
        if (entry == null) {
            return nxdomain();
        }
        if (n == 3) {
            switch (entry.kind()) {
                case EXTERNAL_NAME -> {
                    b.answers.add(
                            record(
                                    owner,
                                    DnsRecordType.CNAME,
                                    nameData(entry.externalName() + ".")));
                    if (type == DnsRecordType.A || type == DnsRecordType.AAAA) {
                        b.chase = entry.externalName();
                    }
                }
                case CLUSTER_IP -> {
                    if (type == DnsRecordType.A) {
                        entry.clusterIps().stream()
                                .filter(ZoneResolver::isIpv4)
                                .forEach(ip -> b.answers.add(a(owner, ip)));
                    } else if (type == DnsRecordType.SRV) {
                        srv(b, owner, entry, null, null);
                    }
                }
                case HEADLESS -> {
                    if (entry.endpoints().isEmpty()) {
                        return nxdomain();
                    }
                    if (type == DnsRecordType.A) {
                        Set<String> ips = new LinkedHashSet<>();
                        entry.endpoints().forEach(e -> ips.add(e.ip()));
                        ips.forEach(ip -> b.answers.add(a(owner, ip)));
                    } else if (type == DnsRecordType.SRV) {
                        srv(b, owner, entry, null, null);
                    }
                }
            }
            return b.build();
        }
        if (n == 4 && !l[0].startsWith("_")) {
            if (entry.kind() != Kind.HEADLESS) {
                return nxdomain();
            }
            List<EndpointEntry> matching =
                    entry.endpoints().stream().filter(e -> e.label().equals(l[0])).toList();
            if (matching.isEmpty()) {
                return nxdomain();
            }
            if (type == DnsRecordType.A) {
                matching.stream()
                        .map(EndpointEntry::ip)
                        .distinct()
                        .forEach(ip -> b.answers.add(a(owner, ip)));
            }
            return b.build();
        }
        if (n == 4 || n == 5) {
            // _<proto>.<svc>... (an empty non-terminal) or _<port>._<proto>.<svc>...
            String port = n == 5 ? unscore(l[0]) : null;
            String proto = unscore(l[n - 4]);
            if (proto == null || (n == 5 && port == null)) {
                return nxdomain();
            }
            Builder probe = new Builder();
            srv(probe, owner, entry, port, proto);
            boolean exists = !probe.answers.isEmpty();
            if (!exists) {
                probe.build().release();
                return nxdomain();
            }
            if (n == 5 && type == DnsRecordType.SRV) {
                return probe.build();
            }
            probe.build().release();
            return b.build();
        }
        return nxdomain();
    }

    /**
     * SRV records of the Service's named ports matching {@code port} and {@code proto} (null: any).
     */
    private void srv(Builder b, String owner, Entry entry, String port, String proto) {
        record Target(int port, String target, String ip) {}
        List<Target> targets = new ArrayList<>();
        String serviceName = entry.relativeName() + "." + domain + ".";
        if (entry.kind() == Kind.CLUSTER_IP) {
            for (Port p : entry.ports()) {
                if (!p.name().isEmpty()
                        && (port == null || p.name().equals(port))
                        && (proto == null || p.protocol().equals(proto))) {
                    targets.add(new Target(p.port(), serviceName, null));
                }
            }
        } else if (entry.kind() == Kind.HEADLESS) {
            for (EndpointEntry e : entry.endpoints()) {
                for (Port p : e.ports()) {
                    if (!p.name().isEmpty()
                            && (port == null || p.name().equals(port))
                            && (proto == null || p.protocol().equals(proto))) {
                        targets.add(new Target(p.port(), e.label() + "." + serviceName, e.ip()));
                    }
                }
            }
        }
        List<Target> unique = targets.stream().distinct().toList();
        int weight = unique.isEmpty() ? 0 : Math.max(1, 100 / unique.size());
        Set<String> added = new LinkedHashSet<>();
        for (Target t : unique) {
            ByteBuf data = Unpooled.buffer();
            data.writeShort(0).writeShort(weight).writeShort(t.port());
            writeName(t.target(), data);
            b.answers.add(record(owner, DnsRecordType.SRV, data));
            if (t.ip() != null) {
                if (added.add(t.target() + " " + t.ip())) {
                    b.additionals.add(a(t.target(), t.ip()));
                }
            } else if (added.add(t.target())) {
                entry.clusterIps().stream()
                        .filter(ZoneResolver::isIpv4)
                        .forEach(ip -> b.additionals.add(a(t.target(), ip)));
            }
        }
    }

    private Answer reverse(String owner, String name, DnsRecordType type) {
        String[] l = name.substring(0, name.length() - ".in-addr.arpa".length()).split("\\.", -1);
        if (l.length != 4) {
            return null;
        }
        String ip = l[3] + "." + l[2] + "." + l[1] + "." + l[0];
        if (!isIpv4(ip)) {
            return null;
        }
        List<String> names = records.ptr(ip);
        if (names.isEmpty()) {
            return null;
        }
        Builder b = new Builder();
        if (type == DnsRecordType.PTR) {
            names.forEach(
                    n ->
                            b.answers.add(
                                    record(
                                            owner,
                                            DnsRecordType.PTR,
                                            nameData(n + "." + domain + "."))));
        }
        return b.build();
    }

    private Answer nxdomain() {
        Builder b = new Builder();
        b.rcode = DnsResponseCode.NXDOMAIN;
        return b.build();
    }

    /** Collects the sections; an empty answer (NXDOMAIN or NODATA) gets the SOA as authority. */
    private final class Builder {
        DnsResponseCode rcode = DnsResponseCode.NOERROR;
        final List<DnsRecord> answers = new ArrayList<>();
        final List<DnsRecord> additionals = new ArrayList<>();
        String chase;

        Answer build() {
            List<DnsRecord> authorities = new ArrayList<>();
            if (answers.isEmpty()) {
                authorities.add(soa());
            }
            return new Answer(rcode, answers, authorities, additionals, chase);
        }
    }

    private String nsName() {
        return "ns.dns." + domain + ".";
    }

    /** The zone's SOA, as CoreDNS's: refresh 7200, retry 1800, expire 86400, minimum the TTL. */
    private DnsRecord soa() {
        ByteBuf data = Unpooled.buffer();
        writeName(nsName(), data);
        writeName("hostmaster." + domain + ".", data);
        data.writeInt((int) records.serial())
                .writeInt(7200)
                .writeInt(1800)
                .writeInt(86400)
                .writeInt((int) ttl);
        return record(domain + ".", DnsRecordType.SOA, data);
    }

    private DnsRecord a(String owner, String ip) {
        String[] parts = ip.split("\\.");
        ByteBuf data = Unpooled.buffer(4);
        for (String p : parts) {
            data.writeByte(Integer.parseInt(p));
        }
        return record(owner, DnsRecordType.A, data);
    }

    private DnsRecord record(String owner, DnsRecordType type, ByteBuf data) {
        return new DefaultDnsRawRecord(owner, type, IN, ttl, data);
    }

    private static ByteBuf nameData(String name) {
        ByteBuf data = Unpooled.buffer();
        writeName(name, data);
        return data;
    }

    /**
     * A domain name in the uncompressed form of RFC 1035 3.1 (rdata of CNAME, NS, PTR, SRV, SOA,
     * whose bytes Netty's record encoder copies as they are).
     */
    static void writeName(String name, ByteBuf out) {
        for (String label : name.split("\\.")) {
            if (label.isEmpty()) {
                continue;
            }
            byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
            if (bytes.length > 63) {
                throw new IllegalArgumentException("a DNS label is at most 63 bytes: " + label);
            }
            out.writeByte(bytes.length).writeBytes(bytes);
        }
        out.writeByte(0);
    }

    private static String unscore(String label) {
        return label.length() > 1 && label.startsWith("_") ? label.substring(1) : null;
    }

    /** {@code a-b-c-d} → {@code a.b.c.d}, or null. */
    static String dashedIpv4(String label) {
        String ip = label.replace('-', '.');
        return isIpv4(ip) && label.indexOf('.') < 0 ? ip : null;
    }

    static boolean isIpv4(String ip) {
        String[] parts = ip.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty()
                    || p.length() > 3
                    || !p.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }
}
