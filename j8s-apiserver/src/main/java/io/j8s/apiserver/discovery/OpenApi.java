package io.j8s.apiserver.discovery;

import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAPI v3 documents kubectl consults before {@code apply} and {@code create}: a root listing
 * every group-version and, per group-version, the resources' operations. Every PATCH operation
 * declares {@code fieldValidation} in its own parameters, which tells kubectl to leave validation
 * to the server (KUBECTL.md §7). Schemas are not published. Immutable; thread safe.
 */
public final class OpenApi {
    private final byte[] root;
    private final Map<String, byte[]> documents = new LinkedHashMap<>();

    public OpenApi(List<ResourceType> types, String kubernetesVersion) {
        Map<String, List<ResourceType>> byGroupVersion = new LinkedHashMap<>();
        for (ResourceType type : types) {
            byGroupVersion.computeIfAbsent(pathKey(type), k -> new java.util.ArrayList<>()).add(type);
        }
        ObjectNode rootDoc = Json.object();
        ObjectNode paths = rootDoc.putObject("paths");
        for (var entry : byGroupVersion.entrySet()) {
            byte[] doc = Json.writeBytes(document(entry.getValue(), kubernetesVersion));
            documents.put(entry.getKey(), doc);
            paths.putObject(entry.getKey()).put("serverRelativeURL", "/openapi/v3/" + entry.getKey() + "?hash="
                    + hash(doc));
        }
        root = Json.writeBytes(rootDoc);
    }

    public byte[] root() {
        return root;
    }

    /** The document of {@code api/v1} or {@code apis/<group>/<version>}, or null. */
    public byte[] document(String path) {
        return documents.get(path);
    }

    private static String pathKey(ResourceType type) {
        return type.group().isEmpty() ? "api/" + type.version() : "apis/" + type.group() + "/" + type.version();
    }

    private static ObjectNode document(List<ResourceType> types, String kubernetesVersion) {
        ObjectNode doc = Json.object();
        doc.put("openapi", "3.0.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", "Kubernetes");
        info.put("version", kubernetesVersion);
        ObjectNode paths = doc.putObject("paths");
        for (ResourceType type : types) {
            String base = type.groupVersionPath() + (type.namespaced() ? "/namespaces/{namespace}/" : "/")
                    + type.plural();
            ObjectNode collection = paths.putObject(base);
            collection.set("get", operation("list", type, "list"));
            collection.set("post", operation("create", type, "post"));
            collection.set("delete", operation("deletecollection", type, "deletecollection"));
            ObjectNode item = paths.putObject(base + "/{name}");
            item.set("get", operation("read", type, "get"));
            item.set("put", operation("replace", type, "put"));
            item.set("patch", operation("patch", type, "patch"));
            item.set("delete", operation("delete", type, "delete"));
            for (String sub : type.subresources()) {
                if (sub.equals("status")) {
                    ObjectNode status = paths.putObject(base + "/{name}/status");
                    status.set("get", operation("read", type, "get", "Status"));
                    status.set("put", operation("replace", type, "put", "Status"));
                    status.set("patch", operation("patch", type, "patch", "Status"));
                }
            }
        }
        doc.putObject("components").putObject("schemas");
        return doc;
    }

    private static ObjectNode operation(String verb, ResourceType type, String action) {
        return operation(verb, type, action, "");
    }

    private static ObjectNode operation(String verb, ResourceType type, String action, String suffix) {
        ObjectNode op = Json.object();
        String scope = type.namespaced() ? "Namespaced" : "";
        op.put("operationId", verb + camel(type.group()) + camel(type.version()) + scope + type.kind() + suffix);
        op.put("x-kubernetes-action", action);
        ObjectNode gvk = op.putObject("x-kubernetes-group-version-kind");
        gvk.put("group", type.group());
        gvk.put("version", type.version());
        gvk.put("kind", type.kind());
        ArrayNode parameters = op.putArray("parameters");
        if (action.equals("patch") || action.equals("put") || action.equals("post")) {
            for (String name : new String[] {"dryRun", "fieldManager", "fieldValidation"}) {
                ObjectNode p = parameters.addObject();
                p.put("name", name);
                p.put("in", "query");
                p.putObject("schema").put("type", "string");
            }
            if (action.equals("patch")) {
                ObjectNode force = parameters.addObject();
                force.put("name", "force");
                force.put("in", "query");
                force.putObject("schema").put("type", "boolean");
            }
        }
        op.putObject("responses").putObject("200").put("description", "OK");
        return op;
    }

    private static String camel(String s) {
        StringBuilder out = new StringBuilder();
        for (String part : s.split("[.\\-]")) {
            if (!part.isEmpty()) {
                out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return out.toString();
    }

    private static String hash(byte[] doc) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-512").digest(doc);
            return HexFormat.of().withUpperCase().formatHex(digest, 0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
