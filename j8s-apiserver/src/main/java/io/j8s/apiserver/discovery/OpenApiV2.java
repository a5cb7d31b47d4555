package io.j8s.apiserver.discovery;

import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import io.j8s.api.schema.ApiSchema;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAPI v2 (Swagger 2.0) document of {@code /openapi/v2}: every served path with its
 * operations and every definition of the schema model, in JSON and as the gnostic {@code
 * openapi_v2.Document} protobuf ({@link GnosticV2}) that client-go's {@code OpenAPISchema()} asks
 * for (kubectl up to 1.27 reads it for {@code apply}: field validation support and strategic merge
 * metadata). Both share one ETag, the quoted SHA-512 of the JSON, as Kubernetes'. Built on first
 * use; thread safe.
 */
public final class OpenApiV2 {
    private static final Logger log = LoggerFactory.getLogger(OpenApiV2.class);

    /**
     * The protobuf media type Kubernetes answers with (the {@code @v1.0} spelling is accepted too).
     */
    public static final String PROTOBUF =
            "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

    private final List<ResourceType> types;
    private final String kubernetesVersion;
    private volatile Built built;

    private record Built(byte[] json, byte[] protobuf, String etag) {}

    public OpenApiV2(List<ResourceType> types, String kubernetesVersion) {
        this.types = List.copyOf(types);
        this.kubernetesVersion = kubernetesVersion;
    }

    public byte[] json() {
        return built().json();
    }

    public byte[] protobuf() {
        return built().protobuf();
    }

    /** The ETag of both encodings, with its quotes. */
    public String etag() {
        return built().etag();
    }

    private Built built() {
        Built b = built;
        if (b == null) {
            b =
                    OpenApi.hasCustom(types)
                            ? build()
                            : BUILT.computeIfAbsent(
                                    OpenApi.key(types, kubernetesVersion), k -> build());
            built = b;
        }
        return b;
    }

    private static final Map<String, Built> BUILT = new ConcurrentHashMap<>();

    private Built build() {
        long start = System.nanoTime();
        ObjectNode doc = document();
        byte[] json = Json.writeBytes(doc);
        Built b = new Built(json, GnosticV2.encode(doc), "\"" + OpenApi.sha512(json) + "\"");
        log.info(
                "OpenAPI v2 document built in {} ms ({} bytes JSON, {} bytes protobuf)",
                (System.nanoTime() - start) / 1_000_000,
                b.json().length,
                b.protobuf().length);
        return b;
    }

    /** The document as a JSON tree. */
    ObjectNode document() {
        ObjectNode doc = Json.object();
        doc.put("swagger", "2.0");
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
                definition = CustomSchemas.definition(type).get();
                roots.add(ApiSchema.OBJECT_META);
                roots.add(ApiSchema.LIST_META);
            }
            String base = OpenApi.collectionPath(type);
            ObjectNode collection = paths.putObject(base);
            collection.set(
                    "get",
                    operation(
                            "list",
                            type,
                            "list",
                            "",
                            definition == null ? null : definition + "List"));
            collection.set("post", operation("create", type, "post", "", definition));
            collection.set(
                    "delete", operation("deletecollection", type, "deletecollection", "", null));
            pathParameters(collection, type, false);
            ObjectNode item = paths.putObject(base + "/{name}");
            item.set("get", operation("read", type, "get", "", definition));
            item.set("put", operation("replace", type, "put", "", definition));
            item.set("patch", operation("patch", type, "patch", "", definition));
            item.set("delete", operation("delete", type, "delete", "", null));
            pathParameters(item, type, true);
            if (type.hasSubresource("status")) {
                ObjectNode status = paths.putObject(base + "/{name}/status");
                status.set("get", operation("read", type, "get", "Status", definition));
                status.set("put", operation("replace", type, "put", "Status", definition));
                status.set("patch", operation("patch", type, "patch", "Status", definition));
                pathParameters(status, type, true);
            }
        }
        ObjectNode definitions = doc.putObject("definitions");
        ApiSchema model = ApiSchema.get();
        for (String name : model.closure(roots)) {
            definitions.set(
                    name,
                    OpenApiSchemas.definition(model.definition(name), OpenApiSchemas.Dialect.V2));
        }
        for (ResourceType type : types) {
            if (CustomSchemas.definition(type).isPresent()) {
                CustomSchemas.add(definitions, type, OpenApiSchemas.Dialect.V2);
            }
        }
        return doc;
    }

    private static void pathParameters(ObjectNode pathItem, ResourceType type, boolean named) {
        ArrayNode parameters = pathItem.putArray("parameters");
        if (named) {
            pathParameter(parameters, "name", "name of the " + type.kind());
        }
        if (type.namespaced()) {
            pathParameter(
                    parameters,
                    "namespace",
                    "object name and auth scope, such as for teams and projects");
        }
        ObjectNode pretty = parameters.addObject();
        pretty.put("name", "pretty");
        pretty.put("in", "query");
        pretty.put("type", "string");
        pretty.put("uniqueItems", true);
        pretty.put("description", "If 'true', then the output is pretty printed.");
    }

    private static void pathParameter(ArrayNode parameters, String name, String description) {
        ObjectNode p = parameters.addObject();
        p.put("name", name);
        p.put("in", "path");
        p.put("required", true);
        p.put("type", "string");
        p.put("uniqueItems", true);
        p.put("description", description);
    }

    private static ObjectNode operation(
            String verb, ResourceType type, String action, String suffix, String schema) {
        ObjectNode op = Json.object();
        op.put("operationId", OpenApi.operationId(verb, type, suffix));
        op.putArray("tags")
                .add(
                        (type.group().isEmpty() ? "core" : type.group().split("\\.")[0])
                                + "_"
                                + type.version());
        ArrayNode consumes = op.putArray("consumes");
        if (action.equals("patch")) {
            for (String t :
                    List.of(
                            "application/json-patch+json",
                            "application/merge-patch+json",
                            "application/strategic-merge-patch+json",
                            "application/apply-patch+yaml")) {
                consumes.add(t);
            }
        } else {
            consumes.add("*/*");
        }
        ArrayNode produces = op.putArray("produces");
        produces.add("application/json");
        produces.add("application/yaml");
        produces.add("application/vnd.kubernetes.protobuf");
        op.putArray("schemes").add("https");
        ArrayNode parameters = op.putArray("parameters");
        if (action.equals("patch") || action.equals("put") || action.equals("post")) {
            ObjectNode body = parameters.addObject();
            body.put("name", "body");
            body.put("in", "body");
            body.put("required", true);
            if (action.equals("patch") || schema == null) {
                body.putObject("schema").put("type", "object");
            } else {
                body.set("schema", OpenApiSchemas.ref(schema, OpenApiSchemas.Dialect.V2));
            }
            for (String name : new String[] {"dryRun", "fieldManager", "fieldValidation"}) {
                query(parameters, name, "string");
            }
            if (action.equals("patch")) {
                query(parameters, "force", "boolean");
            }
        }
        ObjectNode responses = op.putObject("responses");
        ObjectNode ok = responses.putObject("200");
        ok.put("description", "OK");
        if (schema != null) {
            ok.set("schema", OpenApiSchemas.ref(schema, OpenApiSchemas.Dialect.V2));
        }
        responses.putObject("401").put("description", "Unauthorized");
        op.put("x-kubernetes-action", action);
        ObjectNode gvk = op.putObject("x-kubernetes-group-version-kind");
        gvk.put("group", type.group());
        gvk.put("kind", type.kind());
        gvk.put("version", type.version());
        return op;
    }

    private static void query(ArrayNode parameters, String name, String type) {
        ObjectNode p = parameters.addObject();
        p.put("name", name);
        p.put("in", "query");
        p.put("type", type);
        p.put("uniqueItems", true);
    }
}
