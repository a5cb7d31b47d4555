package io.j8s.dns;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Test objects and a dig-like rendering of records. */
final class Records {
    private Records() {}

    static Service clusterIp(String ns, String name, String ip, String... namedPorts) {
        var b =
                new ServiceBuilder()
                        .withNewMetadata()
                        .withNamespace(ns)
                        .withName(name)
                        .endMetadata()
                        .withNewSpec()
                        .withType("ClusterIP")
                        .withClusterIP(ip)
                        .withClusterIPs(ip);
        int port = 80;
        for (String p : namedPorts) {
            b.addNewPort().withName(p).withPort(port++).withProtocol("TCP").endPort();
        }
        return b.endSpec().build();
    }

    static Service headless(String ns, String name, boolean publishNotReady) {
        return new ServiceBuilder()
                .withNewMetadata()
                .withNamespace(ns)
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withType("ClusterIP")
                .withClusterIP("None")
                .withPublishNotReadyAddresses(publishNotReady)
                .addNewPort()
                .withName("http")
                .withPort(80)
                .withProtocol("TCP")
                .endPort()
                .endSpec()
                .build();
    }

    static Service externalName(String ns, String name, String target) {
        return new ServiceBuilder()
                .withNewMetadata()
                .withNamespace(ns)
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withType("ExternalName")
                .withExternalName(target)
                .endSpec()
                .build();
    }

    /** An endpoint: {@code ip}, {@code ip/hostname}, and a trailing {@code !} for not ready. */
    static EndpointSlice slice(String ns, String service, int port, String... endpoints) {
        var b =
                new EndpointSliceBuilder()
                        .withNewMetadata()
                        .withNamespace(ns)
                        .withName(service + "-abc")
                        .addToLabels(ClusterWatcher.SERVICE_NAME_LABEL, service)
                        .endMetadata()
                        .withAddressType("IPv4")
                        .addNewPort()
                        .withName("http")
                        .withPort(port)
                        .withProtocol("TCP")
                        .endPort();
        for (String e : endpoints) {
            boolean ready = !e.endsWith("!");
            String spec = ready ? e : e.substring(0, e.length() - 1);
            String[] parts = spec.split("/");
            var ep =
                    new EndpointBuilder()
                            .withAddresses(parts[0])
                            .withNewConditions()
                            .withReady(ready)
                            .endConditions();
            if (parts.length > 1) {
                ep.withHostname(parts[1]);
            }
            b.addToEndpoints(ep.build());
        }
        return b.build();
    }

    static void put(ServiceRecords records, Service s, EndpointSlice... slices) {
        records.put(
                s.getMetadata().getNamespace(),
                s.getMetadata().getName(),
                ServiceRecords.Entry.of(s, List.of(slices)));
    }

    /** A record as dig prints it, without the class: {@code name ttl TYPE rdata}. */
    static String text(DnsRecord r) {
        ByteBuf data = ((DnsRawRecord) r).content().duplicate();
        String rdata;
        DnsRecordType t = r.type();
        if (t == DnsRecordType.A) {
            rdata =
                    (data.readUnsignedByte())
                            + "."
                            + data.readUnsignedByte()
                            + "."
                            + data.readUnsignedByte()
                            + "."
                            + data.readUnsignedByte();
        } else if (t == DnsRecordType.SRV) {
            rdata =
                    data.readUnsignedShort()
                            + " "
                            + data.readUnsignedShort()
                            + " "
                            + data.readUnsignedShort()
                            + " "
                            + name(data);
        } else if (t == DnsRecordType.PTR || t == DnsRecordType.CNAME || t == DnsRecordType.NS) {
            rdata = name(data);
        } else if (t == DnsRecordType.SOA) {
            rdata =
                    name(data)
                            + " "
                            + name(data)
                            + " "
                            + data.readUnsignedInt()
                            + " "
                            + data.readInt()
                            + " "
                            + data.readInt()
                            + " "
                            + data.readInt()
                            + " "
                            + data.readInt();
        } else if (t == DnsRecordType.TXT) {
            int len = data.readUnsignedByte();
            rdata = "\"" + data.readCharSequence(len, StandardCharsets.US_ASCII) + "\"";
        } else {
            rdata = "?";
        }
        return r.name() + " " + r.timeToLive() + " " + t.name() + " " + rdata;
    }

    static String name(ByteBuf data) {
        StringBuilder sb = new StringBuilder();
        int len;
        while ((len = data.readUnsignedByte()) != 0) {
            sb.append(data.readCharSequence(len, StandardCharsets.US_ASCII)).append('.');
        }
        return sb.length() == 0 ? "." : sb.toString();
    }

    static List<String> texts(List<DnsRecord> records) {
        return records.stream().map(Records::text).toList();
    }
}
