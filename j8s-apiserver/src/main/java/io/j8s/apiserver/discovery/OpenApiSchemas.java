package io.j8s.apiserver.discovery;

import io.j8s.api.json.Json;
import io.j8s.api.schema.ApiSchema;
import io.j8s.api.schema.ApiSchema.ArrayOf;
import io.j8s.api.schema.ApiSchema.Definition;
import io.j8s.api.schema.ApiSchema.MapOf;
import io.j8s.api.schema.ApiSchema.Primitive;
import io.j8s.api.schema.ApiSchema.Property;
import io.j8s.api.schema.ApiSchema.Ref;
import io.j8s.api.schema.ApiSchema.Shape;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Renders the definitions of the schema model ({@link ApiSchema}) as OpenAPI schemas: Swagger 2.0
 * {@code definitions} or OpenAPI 3.0 {@code components/schemas}, with Kubernetes' vendor
 * extensions. The two differ as Kubernetes' documents do: references ({@code #/definitions/} or
 * {@code #/components/schemas/}; a v3 reference with siblings is wrapped in {@code allOf}) and the
 * types v2 cannot express ({@code IntOrString}, {@code Quantity}) are plain strings in v2.
 */
final class OpenApiSchemas {

    /** Which OpenAPI version to render. */
    enum Dialect {
        V2("#/definitions/"),
        V3("#/components/schemas/");

        final String refPrefix;

        Dialect(String refPrefix) {
            this.refPrefix = refPrefix;
        }
    }

    private OpenApiSchemas() {}

    /** The reference to a definition as a schema object. */
    static ObjectNode ref(String definition, Dialect dialect) {
        ObjectNode node = Json.object();
        node.put("$ref", dialect.refPrefix + definition);
        return node;
    }

    static ObjectNode definition(Definition d, Dialect dialect) {
        ObjectNode node = Json.object();
        if (d.description() != null) {
            node.put("description", d.description());
        }
        switch (d.kind()) {
            case TIME, MICRO_TIME -> {
                node.put("type", "string");
                node.put("format", "date-time");
            }
            case QUANTITY -> {
                if (dialect == Dialect.V2) {
                    node.put("type", "string");
                } else {
                    ArrayNode oneOf = node.putArray("oneOf");
                    oneOf.addObject().put("type", "string");
                    oneOf.addObject().put("type", "number");
                }
            }
            case INT_OR_STRING -> {
                node.put("format", "int-or-string");
                if (dialect == Dialect.V2) {
                    node.put("type", "string");
                } else {
                    ArrayNode anyOf = node.putArray("anyOf");
                    anyOf.addObject().put("type", "integer");
                    anyOf.addObject().put("type", "string");
                    node.put("x-kubernetes-int-or-string", true);
                }
            }
            case FREE_FORM_OBJECT -> node.put("type", "object");
            case OBJECT -> {
                node.put("type", "object");
                ObjectNode properties = node.putObject("properties");
                for (Property p : d.properties()) {
                    properties.set(p.name(), property(p, dialect));
                }
                if (!d.required().isEmpty()) {
                    ArrayNode required = node.putArray("required");
                    d.required().forEach(required::add);
                }
                if (!d.gvks().isEmpty()) {
                    ArrayNode gvks = node.putArray("x-kubernetes-group-version-kind");
                    for (ApiSchema.Gvk gvk : d.gvks()) {
                        ObjectNode g = gvks.addObject();
                        g.put("group", gvk.group());
                        g.put("kind", gvk.kind());
                        g.put("version", gvk.version());
                    }
                }
            }
        }
        return node;
    }

    private static ObjectNode property(Property p, Dialect dialect) {
        boolean siblings =
                p.description() != null || p.patchStrategy() != null || p.listType() != null;
        ObjectNode node;
        if (p.shape() instanceof Ref r && siblings && dialect == Dialect.V3) {
            node = Json.object();
            node.putArray("allOf").add(ref(r.name(), dialect));
        } else {
            node = shape(p.shape(), dialect);
        }
        if (p.description() != null) {
            node.put("description", p.description());
        }
        if (!p.enumValues().isEmpty() && p.shape() instanceof Primitive) {
            ArrayNode values = node.putArray("enum");
            p.enumValues().forEach(values::add);
        }
        if (p.listType() != null) {
            node.put("x-kubernetes-list-type", p.listType());
            if (!p.listMapKeys().isEmpty() && p.listType().equals("map")) {
                ArrayNode keys = node.putArray("x-kubernetes-list-map-keys");
                p.listMapKeys().forEach(keys::add);
            }
        }
        if (p.patchMergeKey() != null) {
            node.put("x-kubernetes-patch-merge-key", p.patchMergeKey());
        }
        if (p.patchStrategy() != null) {
            node.put("x-kubernetes-patch-strategy", p.patchStrategy());
        }
        return node;
    }

    private static ObjectNode shape(Shape shape, Dialect dialect) {
        ObjectNode node = Json.object();
        if (shape instanceof Ref r) {
            return ref(r.name(), dialect);
        }
        if (shape instanceof Primitive p) {
            node.put("type", p.type());
            if (p.format() != null) {
                node.put("format", p.format());
            }
        } else if (shape instanceof ArrayOf a) {
            node.put("type", "array");
            node.set("items", shape(a.items(), dialect));
        } else if (shape instanceof MapOf m) {
            node.put("type", "object");
            node.set("additionalProperties", shape(m.values(), dialect));
        } else {
            node.put("type", "object");
        }
        return node;
    }
}
