package io.j8s.apiserver.discovery;

import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The discovery documents, aggregated ({@code apidiscovery.k8s.io/v2} and v2beta1) and legacy
 * ({@code /api}, {@code /apis}, {@code /api/v1}, {@code /apis/<group>/<version>}), generated once
 * from the served resources (docs/api-semantics.md, "Discovery"). Immutable after construction;
 * thread safe.
 */
public final class Discovery {
    private final byte[] legacyApi;
    private final byte[] legacyApis;
    private final byte[] aggregatedApiV2;
    private final byte[] aggregatedApisV2;
    private final byte[] aggregatedApiV2beta1;
    private final byte[] aggregatedApisV2beta1;
    private final Map<String, byte[]> resourceLists = new LinkedHashMap<>();
    private final List<String> groupVersions = new ArrayList<>();

    /**
     * @param serverAddress host:port clients reach the API at, for {@code
     *     serverAddressByClientCIDRs}
     */
    public Discovery(List<ResourceType> types, String serverAddress) {
        this(types, List.of(), serverAddress);
    }

    /**
     * @param createOnly resources that are only created, never stored (reviews): listed with the
     *     single verb {@code create}
     * @param serverAddress host:port clients reach the API at, for {@code
     *     serverAddressByClientCIDRs}
     */
    public Discovery(
            List<ResourceType> types, List<ResourceType> createOnly, String serverAddress) {
        this(types, createOnly, List.of(), serverAddress);
    }

    /**
     * @param createOnly resources that are only created, never stored (reviews): listed with the
     *     single verb {@code create}
     * @param readOnly resources that are computed, never stored (the Metrics API): listed with the
     *     verbs {@code get} and {@code list}
     * @param serverAddress host:port clients reach the API at, for {@code
     *     serverAddressByClientCIDRs}
     */
    public Discovery(
            List<ResourceType> types,
            List<ResourceType> createOnly,
            List<ResourceType> readOnly,
            String serverAddress) {
        Map<ResourceType, List<String>> createOnlySet = new java.util.HashMap<>();
        createOnly.forEach(t -> createOnlySet.put(t, List.of("create")));
        readOnly.forEach(t -> createOnlySet.put(t, List.of("get", "list")));
        List<ResourceType> all = new ArrayList<>(types);
        all.addAll(createOnly);
        all.addAll(readOnly);
        Map<String, Map<String, List<ResourceType>>> byGroup = new LinkedHashMap<>();
        for (ResourceType type : all) {
            byGroup.computeIfAbsent(type.group(), g -> new LinkedHashMap<>())
                    .computeIfAbsent(type.version(), v -> new ArrayList<>())
                    .add(type);
        }
        ObjectNode api = Json.object();
        api.put("kind", "APIVersions");
        ArrayNode versions = api.putArray("versions");
        byGroup.getOrDefault("", Map.of()).keySet().forEach(versions::add);
        ObjectNode cidr = api.putArray("serverAddressByClientCIDRs").addObject();
        cidr.put("clientCIDR", "0.0.0.0/0");
        cidr.put("serverAddress", serverAddress);
        legacyApi = Json.writeBytes(api);

        ObjectNode apis = Json.object();
        apis.put("kind", "APIGroupList");
        apis.put("apiVersion", "v1");
        ArrayNode groups = apis.putArray("groups");
        for (var group : byGroup.entrySet()) {
            if (group.getKey().isEmpty()) {
                continue;
            }
            ObjectNode g = groups.addObject();
            g.put("name", group.getKey());
            ArrayNode gvs = g.putArray("versions");
            String preferred = null;
            for (String version : group.getValue().keySet()) {
                ObjectNode gv = gvs.addObject();
                gv.put("groupVersion", group.getKey() + "/" + version);
                gv.put("version", version);
                if (preferred == null) {
                    preferred = version;
                }
            }
            ObjectNode pref = g.putObject("preferredVersion");
            pref.put("groupVersion", group.getKey() + "/" + preferred);
            pref.put("version", preferred);
        }
        legacyApis = Json.writeBytes(apis);

        for (var group : byGroup.entrySet()) {
            for (var version : group.getValue().entrySet()) {
                String gv =
                        group.getKey().isEmpty()
                                ? version.getKey()
                                : group.getKey() + "/" + version.getKey();
                groupVersions.add(gv);
                resourceLists.put(
                        gv, Json.writeBytes(resourceList(gv, version.getValue(), createOnlySet)));
            }
        }
        aggregatedApiV2 = Json.writeBytes(aggregated("v2", byGroup, true, createOnlySet));
        aggregatedApisV2 = Json.writeBytes(aggregated("v2", byGroup, false, createOnlySet));
        aggregatedApiV2beta1 = Json.writeBytes(aggregated("v2beta1", byGroup, true, createOnlySet));
        aggregatedApisV2beta1 =
                Json.writeBytes(aggregated("v2beta1", byGroup, false, createOnlySet));
    }

    public byte[] legacyApi() {
        return legacyApi;
    }

    public byte[] legacyApis() {
        return legacyApis;
    }

    public byte[] aggregatedApi(boolean v2) {
        return v2 ? aggregatedApiV2 : aggregatedApiV2beta1;
    }

    public byte[] aggregatedApis(boolean v2) {
        return v2 ? aggregatedApisV2 : aggregatedApisV2beta1;
    }

    /** The APIResourceList of {@code groupVersion} ({@code v1}, {@code apps/v1}), or null. */
    public byte[] resourceList(String groupVersion) {
        return resourceLists.get(groupVersion);
    }

    /** Every served group-version, core first. */
    public List<String> groupVersions() {
        return List.copyOf(groupVersions);
    }

    private static ObjectNode resourceList(
            String groupVersion,
            List<ResourceType> types,
            Map<ResourceType, List<String>> createOnly) {
        ObjectNode list = Json.object();
        list.put("kind", "APIResourceList");
        list.put("apiVersion", "v1");
        list.put("groupVersion", groupVersion);
        ArrayNode resources = list.putArray("resources");
        for (ResourceType type : types) {
            ObjectNode r = resources.addObject();
            r.put("name", type.plural());
            r.put("singularName", type.singular());
            r.put("namespaced", type.namespaced());
            r.put("kind", type.kind());
            verbs(r.putArray("verbs"), type, createOnly);
            if (!type.shortNames().isEmpty()) {
                type.shortNames().forEach(r.putArray("shortNames")::add);
            }
            if (!type.categories().isEmpty()) {
                type.categories().forEach(r.putArray("categories")::add);
            }
            for (String sub : new TreeSet<>(type.subresources())) {
                ObjectNode s = resources.addObject();
                s.put("name", type.plural() + "/" + sub);
                s.put("singularName", "");
                s.put("namespaced", type.namespaced());
                SubresourceInfo info = SubresourceInfo.of(type, sub);
                if (!info.group().equals(type.group()) || !info.version().equals(type.version())) {
                    s.put("group", info.group());
                    s.put("version", info.version());
                }
                s.put("kind", info.kind());
                info.verbs().forEach(s.putArray("verbs")::add);
            }
        }
        return list;
    }

    private static ObjectNode aggregated(
            String discoveryVersion,
            Map<String, Map<String, List<ResourceType>>> byGroup,
            boolean core,
            Map<ResourceType, List<String>> createOnly) {
        ObjectNode doc = Json.object();
        doc.put("kind", "APIGroupDiscoveryList");
        doc.put("apiVersion", "apidiscovery.k8s.io/" + discoveryVersion);
        doc.putObject("metadata");
        ArrayNode items = doc.putArray("items");
        for (var group : byGroup.entrySet()) {
            if (group.getKey().isEmpty() != core) {
                continue;
            }
            ObjectNode item = items.addObject();
            ObjectNode metadata = item.putObject("metadata");
            metadata.putNull("creationTimestamp");
            if (!core) {
                metadata.put("name", group.getKey());
            }
            ArrayNode versions = item.putArray("versions");
            for (var version : group.getValue().entrySet()) {
                ObjectNode v = versions.addObject();
                v.put("version", version.getKey());
                ArrayNode resources = v.putArray("resources");
                for (ResourceType type : version.getValue()) {
                    ObjectNode r = resources.addObject();
                    r.put("resource", type.plural());
                    responseKind(
                            r.putObject("responseKind"), type.group(), type.version(), type.kind());
                    r.put("scope", type.namespaced() ? "Namespaced" : "Cluster");
                    r.put("singularResource", type.singular());
                    verbs(r.putArray("verbs"), type, createOnly);
                    if (!type.shortNames().isEmpty()) {
                        type.shortNames().forEach(r.putArray("shortNames")::add);
                    }
                    if (!type.categories().isEmpty()) {
                        type.categories().forEach(r.putArray("categories")::add);
                    }
                    if (!type.subresources().isEmpty()) {
                        ArrayNode subs = r.putArray("subresources");
                        for (String sub : new TreeSet<>(type.subresources())) {
                            SubresourceInfo info = SubresourceInfo.of(type, sub);
                            ObjectNode s = subs.addObject();
                            s.put("subresource", sub);
                            responseKind(
                                    s.putObject("responseKind"),
                                    info.group(),
                                    info.version(),
                                    info.kind());
                            info.verbs().forEach(s.putArray("verbs")::add);
                        }
                    }
                }
                v.put("freshness", "Current");
            }
        }
        return doc;
    }

    private static void responseKind(ObjectNode node, String group, String version, String kind) {
        node.put("group", group);
        node.put("version", version);
        node.put("kind", kind);
    }

    private static void verbs(
            ArrayNode verbs, ResourceType type, Map<ResourceType, List<String>> createOnly) {
        if (createOnly.containsKey(type)) {
            createOnly.get(type).forEach(verbs::add);
            return;
        }
        for (String verb : ResourceType.VERBS) {
            if (verb.equals("deletecollection") && type.kind().equals("Namespace")) {
                continue;
            }
            verbs.add(verb);
        }
    }

    /** What a subresource returns and accepts. */
    record SubresourceInfo(String group, String version, String kind, List<String> verbs) {
        static SubresourceInfo of(ResourceType type, String sub) {
            return switch (sub) {
                case "scale" ->
                        new SubresourceInfo(
                                "autoscaling", "v1", "Scale", List.of("get", "patch", "update"));
                case "binding" -> new SubresourceInfo("", "v1", "Binding", List.of("create"));
                case "log" -> new SubresourceInfo("", "v1", "Pod", List.of("get"));
                case "portforward" ->
                        new SubresourceInfo(
                                "", "v1", "PodPortForwardOptions", List.of("create", "get"));
                case "exec" ->
                        new SubresourceInfo("", "v1", "PodExecOptions", List.of("create", "get"));
                case "attach" ->
                        new SubresourceInfo("", "v1", "PodAttachOptions", List.of("create", "get"));
                case "finalize" -> new SubresourceInfo("", "v1", "Namespace", List.of("update"));
                case "token" ->
                        new SubresourceInfo(
                                "authentication.k8s.io", "v1", "TokenRequest", List.of("create"));
                case "proxy" ->
                        new SubresourceInfo(
                                "",
                                "v1",
                                "NodeProxyOptions",
                                List.of("create", "delete", "get", "patch", "update"));
                default ->
                        new SubresourceInfo(
                                type.group(),
                                type.version(),
                                type.kind(),
                                List.of("get", "patch", "update"));
            };
        }
    }
}
