package io.j8s.node.runtime;

import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodDNSConfig;
import io.fabric8.kubernetes.api.model.PodDNSConfigOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A Pod's {@code /etc/resolv.conf} and {@code /etc/hosts} as the kubelet writes them ({@code
 * pkg/kubelet/network/dns} and the kubelet-managed hosts file). Pure.
 *
 * <ul>
 *   <li>{@code ClusterFirst} (the default; {@code ClusterFirstWithHostNet} too, and {@code
 *       ClusterFirst} of a Pod without host network): {@code nameserver <clusterDns>}, {@code
 *       search <ns>.svc.<domain> svc.<domain> <domain>} followed by the host's search domains,
 *       {@code options ndots:5}. Without a cluster DNS address it falls back to {@code Default} and
 *       says so ({@link Result#warning}).
 *   <li>{@code Default}: the host's nameservers, search domains and options.
 *   <li>{@code None}: only {@code dnsConfig}.
 * </ul>
 *
 * {@code dnsConfig} is then merged: nameservers and searches appended without duplicates, options
 * replaced by name. At most 3 nameservers and 32 search domains are kept.
 */
public final class PodDns {

    static final int MAX_NAMESERVERS = 3;
    static final int MAX_SEARCHES = 32;

    private PodDns() {}

    /** The host's resolver configuration (parsed resolv.conf). */
    public record HostResolv(
            List<String> nameservers, List<String> searches, List<String> options) {

        /**
         * Parses a resolv.conf as the kubelet does (the last {@code search}/{@code domain} line
         * wins).
         */
        public static HostResolv parse(String text) {
            List<String> ns = new ArrayList<>();
            List<String> search = new ArrayList<>();
            List<String> opts = new ArrayList<>();
            for (String line : text.split("\n")) {
                int hash = line.indexOf('#');
                if (hash >= 0) {
                    line = line.substring(0, hash);
                }
                int semi = line.indexOf(';');
                if (semi >= 0) {
                    line = line.substring(0, semi);
                }
                String[] f = line.trim().split("\\s+");
                if (f.length < 2) {
                    continue;
                }
                switch (f[0]) {
                    case "nameserver" -> ns.add(f[1]);
                    case "search", "domain" -> {
                        search.clear();
                        for (int i = 1; i < f.length; i++) {
                            if (!f[i].equals(".")) {
                                search.add(
                                        f[i].endsWith(".")
                                                ? f[i].substring(0, f[i].length() - 1)
                                                : f[i]);
                            }
                        }
                    }
                    case "options" -> {
                        for (int i = 1; i < f.length; i++) {
                            opts.add(f[i]);
                        }
                    }
                    default -> {}
                }
            }
            return new HostResolv(ns, search, opts);
        }
    }

    /** The resolv.conf text and, when the kubelet would record one, a warning event. */
    public record Result(String resolvConf, String warningReason, String warning) {}

    /** The Pod's resolv.conf. */
    public static Result resolvConf(
            Pod pod, String clusterDns, String clusterDomain, HostResolv host) {
        String policy = pod.getSpec().getDnsPolicy();
        if (policy == null || policy.isEmpty()) {
            policy = "ClusterFirst";
        }
        boolean hostNetwork = Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
        String type;
        switch (policy) {
            case "None" -> type = "none";
            case "ClusterFirstWithHostNet" -> type = "cluster";
            case "ClusterFirst" -> type = hostNetwork ? "host" : "cluster";
            default -> type = "host";
        }
        String reason = null;
        String warning = null;
        if (type.equals("cluster") && (clusterDns == null || clusterDns.isEmpty())) {
            type = "host";
            reason = "MissingClusterDNS";
            warning =
                    "pod: \""
                            + pod.getMetadata().getName()
                            + "_"
                            + pod.getMetadata().getNamespace()
                            + "("
                            + pod.getMetadata().getUid()
                            + ")\". kubelet does not have ClusterDNS IP configured and cannot create Pod using \""
                            + "ClusterFirst\" policy. Falling back to \"Default\" policy.";
        }
        List<String> servers = new ArrayList<>();
        List<String> searches = new ArrayList<>();
        List<String> options = new ArrayList<>();
        if (type.equals("cluster")) {
            String ns = pod.getMetadata().getNamespace();
            servers.add(clusterDns);
            searches.add(ns + ".svc." + clusterDomain);
            searches.add("svc." + clusterDomain);
            searches.add(clusterDomain);
            searches.addAll(host.searches());
            options.add("ndots:5");
        } else if (type.equals("host")) {
            servers.addAll(host.nameservers());
            searches.addAll(host.searches());
            options.addAll(host.options());
        }
        PodDNSConfig cfg = pod.getSpec().getDnsConfig();
        if (cfg != null) {
            if (cfg.getNameservers() != null) {
                servers.addAll(cfg.getNameservers());
            }
            if (cfg.getSearches() != null) {
                searches.addAll(cfg.getSearches());
            }
            if (cfg.getOptions() != null) {
                options = mergeOptions(options, cfg.getOptions());
            }
        }
        servers = new ArrayList<>(new LinkedHashSet<>(servers));
        searches = new ArrayList<>(new LinkedHashSet<>(searches));
        if (servers.size() > MAX_NAMESERVERS) {
            servers = servers.subList(0, MAX_NAMESERVERS);
        }
        if (searches.size() > MAX_SEARCHES) {
            searches = searches.subList(0, MAX_SEARCHES);
        }
        StringBuilder sb = new StringBuilder();
        for (String s : servers) {
            sb.append("nameserver ").append(s).append('\n');
        }
        if (!searches.isEmpty()) {
            sb.append("search ").append(String.join(" ", searches)).append('\n');
        }
        if (!options.isEmpty()) {
            sb.append("options ").append(String.join(" ", options)).append('\n');
        }
        return new Result(sb.toString(), reason, warning);
    }

    private static List<String> mergeOptions(
            List<String> existing, List<PodDNSConfigOption> extra) {
        Map<String, String> byName = new LinkedHashMap<>();
        for (String o : existing) {
            int colon = o.indexOf(':');
            byName.put(colon < 0 ? o : o.substring(0, colon), o);
        }
        for (PodDNSConfigOption o : extra) {
            if (o.getName() == null || o.getName().isEmpty()) {
                continue;
            }
            byName.put(
                    o.getName(),
                    o.getValue() == null || o.getValue().isEmpty()
                            ? o.getName()
                            : o.getName() + ":" + o.getValue());
        }
        return new ArrayList<>(byName.values());
    }

    /** The kubelet-managed {@code /etc/hosts} of a Pod at {@code podIp}. */
    public static String hostsFile(Pod pod, String podIp, String clusterDomain) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Kubernetes-managed hosts file.\n");
        sb.append("127.0.0.1\tlocalhost\n");
        sb.append("::1\tlocalhost ip6-localhost ip6-loopback\n");
        sb.append("fe00::0\tip6-localnet\n");
        sb.append("fe00::0\tip6-mcastprefix\n");
        sb.append("fe00::1\tip6-allnodes\n");
        sb.append("fe00::2\tip6-allrouters\n");
        String hostname = pod.getSpec().getHostname();
        if (hostname == null || hostname.isEmpty()) {
            hostname = pod.getMetadata().getName();
        }
        if (podIp != null && !podIp.isEmpty()) {
            String sub = pod.getSpec().getSubdomain();
            if (sub != null && !sub.isEmpty()) {
                sb.append(podIp)
                        .append('\t')
                        .append(hostname)
                        .append('.')
                        .append(sub)
                        .append('.')
                        .append(pod.getMetadata().getNamespace())
                        .append(".svc.")
                        .append(clusterDomain)
                        .append('\t')
                        .append(hostname)
                        .append('\n');
            } else {
                sb.append(podIp).append('\t').append(hostname).append('\n');
            }
        }
        List<HostAlias> aliases = pod.getSpec().getHostAliases();
        if (aliases != null && !aliases.isEmpty()) {
            sb.append("\n# Entries added by HostAliases.\n");
            for (HostAlias a : aliases) {
                if (a.getHostnames() != null && !a.getHostnames().isEmpty()) {
                    sb.append(a.getIp())
                            .append('\t')
                            .append(String.join("\t", a.getHostnames()))
                            .append('\n');
                }
            }
        }
        return sb.toString();
    }
}
