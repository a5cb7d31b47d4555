package io.j8s.apiserver.apiextensions.cel;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * CEL types of a schema's nodes, as Kubernetes' {@code model.SchemaDeclType} gives them: an object
 * with declared properties is a struct whose fields are typed (an undeclared field is a compile
 * error), a map ({@code additionalProperties}) is {@code map(string, V)}, an array {@code list(T)},
 * {@code integer} is {@code int}, {@code number} is {@code double}, int-or-string and schemaless
 * preserve-unknown-fields are {@code dyn}. At the resource root and in embedded resources {@code
 * apiVersion}, {@code kind} and {@code metadata.name}/{@code metadata.generateName} are declared
 * too. Structs are backed by Java maps at run time.
 */
final class SchemaTypes implements CelTypeProvider {

    private final Map<String, CelType> structs = new LinkedHashMap<>();
    private final IdentityHashMap<SchemaNode, CelType> byNode = new IdentityHashMap<>();
    private final SchemaNode root;
    private int counter;

    SchemaTypes(SchemaNode root) {
        this.root = root;
    }

    /** The type of {@code self} at this node. */
    CelType typeOf(SchemaNode node) {
        CelType known = byNode.get(node);
        if (known != null) {
            return known;
        }
        CelType t = compute(node);
        if (node.nullable && t.kind() != dev.cel.common.types.CelKind.DYN) {
            // a nullable field may be compared with null (Kubernetes' nullable DeclType)
            t = dev.cel.common.types.NullableType.create(t);
        }
        byNode.put(node, t);
        return t;
    }

    private CelType compute(SchemaNode n) {
        if (n.isDynamic()) {
            return SimpleType.DYN;
        }
        switch (n.type) {
            case "integer":
                return SimpleType.INT;
            case "number":
                return SimpleType.DOUBLE;
            case "boolean":
                return SimpleType.BOOL;
            case "string":
                switch (n.format) {
                    case "date-time", "date":
                        return SimpleType.TIMESTAMP;
                    case "duration":
                        return SimpleType.DURATION;
                    case "byte":
                        return SimpleType.BYTES;
                    default:
                        return SimpleType.STRING;
                }
            case "array":
                return ListType.create(n.items == null ? SimpleType.DYN : typeOf(n.items));
            case "object":
                break;
            default:
                return SimpleType.DYN;
        }
        boolean withMeta = n == root || n.embeddedResource;
        if (n.properties.isEmpty() && !withMeta) {
            return MapType.create(
                    SimpleType.STRING,
                    n.additionalProperties == null
                            ? SimpleType.DYN
                            : typeOf(n.additionalProperties));
        }
        Map<String, CelType> fields = new LinkedHashMap<>();
        if (withMeta) {
            fields.put("apiVersion", SimpleType.STRING);
            fields.put("kind", SimpleType.STRING);
            Map<String, CelType> meta = new LinkedHashMap<>();
            meta.put("name", SimpleType.STRING);
            meta.put("generateName", SimpleType.STRING);
            fields.put("metadata", struct(meta));
        }
        for (Map.Entry<String, SchemaNode> e : n.properties.entrySet()) {
            if (withMeta && e.getKey().equals("metadata")) {
                continue; // only name and generateName are visible, as in Kubernetes
            }
            fields.put(e.getKey(), typeOf(e.getValue()));
        }
        return struct(fields);
    }

    private StructType struct(Map<String, CelType> fields) {
        String name = "j8s.cel.Object" + (++counter);
        Map<String, CelType> copy = Map.copyOf(fields);
        StructType t =
                StructType.create(
                        name,
                        ImmutableSet.copyOf(fields.keySet()),
                        f -> Optional.ofNullable(copy.get(f)));
        structs.put(name, t);
        return t;
    }

    @Override
    public ImmutableCollection<CelType> types() {
        return ImmutableList.copyOf(structs.values());
    }

    @Override
    public Optional<CelType> findType(String typeName) {
        return Optional.ofNullable(structs.get(typeName));
    }
}
