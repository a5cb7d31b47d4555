package io.j8s.apiserver.discovery;

import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import io.j8s.api.schema.ApiSchema;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAPI v3 documents: a root listing every group-version and, per group-version, the
 * resources' operations and the full schemas of their kinds under {@code components/schemas}
 * (rendered from {@link ApiSchema} by {@link OpenApiSchemas}), which {@code kubectl explain} reads.
 * Every PATCH operation declares {@code fieldValidation} in its own parameters, which tells kubectl
 * to leave validation to the server (docs/api-semantics.md, "OpenAPI and validation"). Built on
 * first use; thread safe.
 */
public final class OpenApi {
    private static final Logger log = LoggerFactory.getLogger(OpenApi.class);
    private final List<ResourceType> types;
    private final String kubernetesVersion;
    private final OpenApiV2 v2;
    private volatile Built built;

    private record Built(byte[] root, Map<String, byte[]> documents, Map<String, String> hashes) {}

    public OpenApi(List<ResourceType> types, String kubernetesVersion) {
        this.types = List.copyOf(types);
        this.kubernetesVersion = kubernetesVersion;
        this.v2 = new OpenApiV2(types, kubernetesVersion);
    }

    /** The OpenAPI v2 document of the same resources. */
    public OpenApiV2 v2() {
        return v2;
    }

    /**
     * Builds the v3 and v2 documents on a daemon thread, so that the first client does not wait for
     * them and the server's start does not either.
     */
    public void buildInBackground() {
        Thread thread =
                new Thread(
                        () -> {
                            built();
                            v2.etag();
                        },
                        "j8s-openapi-build");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    private Built built() {
        Built b = built;
        if (b == null) {
            // Servers of the same resources (tests start many in one JVM) share the documents.
            b =
                    hasCustom(types)
                            ? build()
                            : BUILT.computeIfAbsent(key(types, kubernetesVersion), k -> build());
            built = b;
        }
        return b;
    }

    private static final Map<String, Built> BUILT = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Whether {@code types} has a resource defined at run time: such documents are never shared
     * (CRDs change; a shared map would keep every version of them).
     */
    static boolean hasCustom(List<ResourceType> types) {
        return types.stream().anyMatch(t -> t.strategy().openApiV3Schema().isPresent());
    }

    /**
     * What the documents depend on: each resource's identity, scope and subresources, and the
     * version.
     */
    static String key(List<ResourceType> types, String kubernetesVersion) {
        StringBuilder key = new StringBuilder(kubernetesVersion);
        for (ResourceType t : types) {
            key.append(',')
                    .append(t.apiVersion())
                    .append('/')
                    .append(t.kind())
                    .append('/')
                    .append(t.plural())
                    .append('/')
                    .append(t.namespaced())
                    .append(new java.util.TreeSet<>(t.subresources()));
        }
        return key.toString();
    }

    private Built build() {
        long start = System.nanoTime();
        Map<String, List<ResourceType>> byGroupVersion = new LinkedHashMap<>();
        for (ResourceType type : types) {
            byGroupVersion
                    .computeIfAbsent(pathKey(type), k -> new java.util.ArrayList<>())
                    .add(type);
        }
        Map<String, byte[]> documents = new LinkedHashMap<>();
        Map<String, String> hashes = new LinkedHashMap<>();
        ObjectNode rootDoc = Json.object();
        ObjectNode paths = rootDoc.putObject("paths");
        for (var entry : byGroupVersion.entrySet()) {
            byte[] doc = Json.writeBytes(document(entry.getValue(), kubernetesVersion));
            String hash = hash(doc);
            documents.put(entry.getKey(), doc);
            hashes.put(entry.getKey(), hash);
            paths.putObject(entry.getKey())
                    .put("serverRelativeURL", "/openapi/v3/" + entry.getKey() + "?hash=" + hash);
        }
        log.info(
                "OpenAPI v3 documents built in {} ms ({})",
                (System.nanoTime() - start) / 1_000_000,
                ApiSchema.get());
        return new Built(Json.writeBytes(rootDoc), documents, hashes);
    }

    public byte[] root() {
        return built().root();
    }

    /** The document of {@code api/v1} or {@code apis/<group>/<version>}, or null. */
    public byte[] document(String path) {
        return built().documents().get(path);
    }

    /** The hash of a document (its {@code ?hash=} and ETag), or null. */
    public String hash(String path) {
        return built().hashes().get(path);
    }

    private static String pathKey(ResourceType type) {
        return type.group().isEmpty()
                ? "api/" + type.version()
                : "apis/" + type.group() + "/" + type.version();
    }

    private static ObjectNode document(List<ResourceType> types, String kubernetesVersion) {
        ObjectNode doc = Json.object();
        doc.put("openapi", "3.0.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", "Kubernetes");
        info.put("version", kubernetesVersion);
        ObjectNode paths = doc.putObject("paths");
        List<String> roots = new java.util.ArrayList<>();
        for (ResourceType type : types) {
            String definition = ApiSchema.get().kindDefinition(type.apiVersion(), type.kind());
            if (definition != null) {
                roots.add(definition);
                roots.add(definition + "List");
            } else if (CustomSchemas.definition(type).isPresent()) {
                roots.add(ApiSchema.OBJECT_META);
                roots.add(ApiSchema.LIST_META);
            }
            String base = collectionPath(type);
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
        ObjectNode schemas = doc.putObject("components").putObject("schemas");
        ApiSchema model = ApiSchema.get();
        for (String name : model.closure(roots)) {
            schemas.set(
                    name,
                    OpenApiSchemas.definition(model.definition(name), OpenApiSchemas.Dialect.V3));
        }
        for (ResourceType type : types) {
            if (CustomSchemas.definition(type).isPresent()) {
                CustomSchemas.add(schemas, type, OpenApiSchemas.Dialect.V3);
            }
        }
        return doc;
    }

    private static ObjectNode operation(String verb, ResourceType type, String action) {
        return operation(verb, type, action, "");
    }

    private static ObjectNode operation(
            String verb, ResourceType type, String action, String suffix) {
        ObjectNode op = Json.object();
        op.put("operationId", operationId(verb, type, suffix));
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
        ObjectNode ok = op.putObject("responses").putObject("200");
        ok.put("description", "OK");
        String definition =
                CustomSchemas.definition(type)
                        .orElseGet(
                                () ->
                                        ApiSchema.get()
                                                .kindDefinition(type.apiVersion(), type.kind()));
        if (definition != null && !action.startsWith("delete")) {
            ok.putObject("content")
                    .putObject("application/json")
                    .set(
                            "schema",
                            OpenApiSchemas.ref(
                                    action.equals("list") ? definition + "List" : definition,
                                    OpenApiSchemas.Dialect.V3));
        }
        return op;
    }

    /**
     * The path of {@code type}'s collection, {@code <group-version
     * path>[/namespaces/{namespace}]/<plural>}.
     */
    static String collectionPath(ResourceType type) {
        return type.groupVersionPath()
                + (type.namespaced() ? "/namespaces/{namespace}/" : "/")
                + type.plural();
    }

    /**
     * Kubernetes' operation id, e.g. {@code listCoreV1NamespacedPod} or {@code
     * replaceAppsV1NamespacedDeploymentStatus}.
     */
    static String operationId(String verb, ResourceType type, String suffix) {
        String scope = type.namespaced() ? "Namespaced" : "";
        String group =
                type.group().isEmpty() ? "core" : type.group().replaceFirst("\\.k8s\\.io$", "");
        return verb + camel(group) + camel(type.version()) + scope + type.kind() + suffix;
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

    /** The SHA-512 of {@code data}, upper-case hex. */
    static String sha512(byte[] data) {
        try {
            return HexFormat.of()
                    .withUpperCase()
                    .formatHex(MessageDigest.getInstance("SHA-512").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A document's hash: the first 32 bytes of its SHA-512, upper-case hex. */
    private static String hash(byte[] doc) {
        return sha512(doc).substring(0, 64);
    }
}
