package io.j8s.api.schema;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.j8s.api.ResourceType;
import io.j8s.api.ResourceTypes;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The schema of every served kind, generated from the fabric8 model classes (their
 * {@code @JsonProperty} fields: names, types, lists, maps, nested objects) and completed from
 * {@link SchemaFacts} (descriptions, required fields, strategic-merge and list metadata). Each
 * struct is one {@link Definition} named as Kubernetes names it ({@code
 * io.k8s.api.core.v1.Service}). It drives the OpenAPI v2 and v3 documents and {@link
 * io.j8s.api.patch.PatchSchemas}.
 *
 * <p>Built once, on first use ({@link #get()}); immutable and thread safe.
 */
public final class ApiSchema {

    public static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1.";
    public static final String TIME = META + "Time";
    public static final String MICRO_TIME = META + "MicroTime";
    public static final String OBJECT_META = META + "ObjectMeta";
    public static final String LIST_META = META + "ListMeta";
    public static final String QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
    public static final String INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";

    /**
     * The shape of a value: a reference to a definition, a primitive, a list, a map, or any JSON.
     */
    public sealed interface Shape {}

    /** A value of the named definition. */
    public record Ref(String name) implements Shape {}

    /**
     * A JSON primitive: {@code type} string, integer, number or boolean; {@code format} may be
     * null.
     */
    public record Primitive(String type, String format) implements Shape {}

    /** A JSON array of {@code items}. */
    public record ArrayOf(Shape items) implements Shape {}

    /** A JSON object with string keys and {@code values}. */
    public record MapOf(Shape values) implements Shape {}

    /** Any JSON value. */
    public record AnyValue() implements Shape {}

    /** What a definition is: a struct with properties, or one of the scalar types. */
    public enum Kind {
        OBJECT,
        TIME,
        MICRO_TIME,
        QUANTITY,
        INT_OR_STRING,
        FREE_FORM_OBJECT
    }

    /** The group, version and kind a definition is the schema of. */
    public record Gvk(String group, String version, String kind) {}

    /**
     * One property of a struct.
     *
     * @param description null when j8s has none for it
     * @param patchStrategy {@code merge}, {@code retainKeys}, {@code merge,retainKeys} or null
     * @param patchMergeKey the key of a merged list of objects, or null
     * @param listType {@code atomic}, {@code set}, {@code map} or null
     * @param listMapKeys the keys of a {@code map} list
     * @param enumValues the values a string may take; empty when any
     */
    public record Property(
            String name,
            Shape shape,
            String description,
            boolean required,
            String patchStrategy,
            String patchMergeKey,
            String listType,
            List<String> listMapKeys,
            List<String> enumValues) {
        public Property {
            listMapKeys = List.copyOf(listMapKeys);
            enumValues = List.copyOf(enumValues);
        }

        /**
         * Whether strategic merge patch merges this list ({@code patchStrategy} contains {@code
         * merge}).
         */
        public boolean mergesList() {
            return patchStrategy != null && List.of(patchStrategy.split(",")).contains("merge");
        }
    }

    /**
     * One named schema.
     *
     * @param properties in name order ({@link Kind#OBJECT} only)
     * @param gvks the kinds of which this is the schema (top-level kinds and their lists)
     */
    public record Definition(
            String name, String description, Kind kind, List<Property> properties, List<Gvk> gvks) {
        public Definition {
            properties = List.copyOf(properties);
            gvks = List.copyOf(gvks);
        }

        public List<String> required() {
            return properties.stream().filter(Property::required).map(Property::name).toList();
        }

        /** The property named {@code name}, or null. */
        public Property property(String name) {
            for (Property p : properties) {
                if (p.name().equals(name)) {
                    return p;
                }
            }
            return null;
        }

        /** The definitions this one refers to directly. */
        public Set<String> references() {
            Set<String> out = new LinkedHashSet<>();
            for (Property p : properties) {
                collect(p.shape(), out);
            }
            return out;
        }
    }

    private static final class Holder {
        static final ApiSchema INSTANCE = new ApiSchema(ResourceTypes.all());
    }

    private final Map<String, Definition> definitions;
    private final Map<String, String> kindDefinitions = new TreeMap<>();
    private final long buildNanos;

    /** The schema of every served kind, built on first use. */
    public static ApiSchema get() {
        return Holder.INSTANCE;
    }

    ApiSchema(List<ResourceType> types) {
        long start = System.nanoTime();
        Map<String, Definition> defs = new TreeMap<>();
        Map<String, List<Gvk>> gvks = new TreeMap<>();
        Deque<Class<?>> pending = new ArrayDeque<>();
        for (ResourceType type : types) {
            Class<?> cls = modelClass(type.apiVersion(), type.kind());
            if (cls == null) {
                continue;
            }
            String name = nameOf(cls);
            kindDefinitions.put(type.apiVersion() + "/" + type.kind(), name);
            gvks.computeIfAbsent(name, k -> new ArrayList<>())
                    .add(new Gvk(type.group(), type.version(), type.kind()));
            pending.add(cls);
            Gvk listGvk = new Gvk(type.group(), type.version(), type.listKind());
            defs.put(name + "List", listDefinition(name + "List", name, type, listGvk));
        }
        pending.add(io.fabric8.kubernetes.api.model.ListMeta.class);
        Set<Class<?>> seen = new LinkedHashSet<>();
        while (!pending.isEmpty()) {
            Class<?> cls = pending.poll();
            if (!seen.add(cls)) {
                continue;
            }
            String name = nameOf(cls);
            defs.put(
                    name, structDefinition(name, cls, gvks.getOrDefault(name, List.of()), pending));
        }
        defs.put(TIME, scalar(TIME, Kind.TIME));
        defs.put(MICRO_TIME, scalar(MICRO_TIME, Kind.MICRO_TIME));
        defs.put(QUANTITY, scalar(QUANTITY, Kind.QUANTITY));
        defs.put(INT_OR_STRING, scalar(INT_OR_STRING, Kind.INT_OR_STRING));
        this.definitions = java.util.Collections.unmodifiableMap(defs);
        this.buildNanos = System.nanoTime() - start;
    }

    /** Every definition, by name. */
    public Map<String, Definition> definitions() {
        return definitions;
    }

    public Definition definition(String name) {
        return definitions.get(name);
    }

    /** The definition name of a served kind ({@code v1}, {@code Service}), or null. */
    public String kindDefinition(String apiVersion, String kind) {
        return kindDefinitions.get(apiVersion + "/" + kind);
    }

    /** How long building the model took, in nanoseconds. */
    public long buildNanos() {
        return buildNanos;
    }

    /** The given definitions and every definition they refer to, transitively, in name order. */
    public Set<String> closure(Collection<String> roots) {
        Set<String> out = new java.util.TreeSet<>();
        Deque<String> todo = new ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            String name = todo.poll();
            Definition d = definitions.get(name);
            if (d != null && out.add(name)) {
                todo.addAll(d.references());
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ building

    private static Definition scalar(String name, Kind kind) {
        return new Definition(name, SchemaFacts.typeDescription(name), kind, List.of(), List.of());
    }

    private static Definition listDefinition(
            String name, String itemName, ResourceType type, Gvk gvk) {
        List<Property> props =
                List.of(
                        plain(
                                "apiVersion",
                                new Primitive("string", null),
                                SchemaFacts.API_VERSION,
                                false),
                        new Property(
                                "items",
                                new ArrayOf(new Ref(itemName)),
                                "The " + type.plural() + " of the list.",
                                true,
                                null,
                                null,
                                null,
                                List.of(),
                                List.of()),
                        plain("kind", new Primitive("string", null), SchemaFacts.KIND, false),
                        plain(
                                "metadata",
                                new Ref(LIST_META),
                                "The list's metadata: resourceVersion and continue token.",
                                false));
        return new Definition(
                name, "A list of " + type.kind() + " objects.", Kind.OBJECT, props, List.of(gvk));
    }

    private static Property plain(String name, Shape shape, String description, boolean required) {
        return new Property(
                name, shape, description, required, null, null, null, List.of(), List.of());
    }

    private static Definition structDefinition(
            String name, Class<?> cls, List<Gvk> gvks, Deque<Class<?>> pending) {
        if (name.equals(META + "FieldsV1")) {
            return new Definition(
                    name,
                    SchemaFacts.typeDescription(name),
                    Kind.FREE_FORM_OBJECT,
                    List.of(),
                    List.of());
        }
        Map<String, Property> props = new TreeMap<>();
        for (Class<?> c = cls; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())
                        || f.isAnnotationPresent(JsonIgnore.class)) {
                    continue;
                }
                JsonProperty prop = f.getAnnotation(JsonProperty.class);
                if (prop == null) {
                    continue;
                }
                String field = prop.value().isEmpty() ? f.getName() : prop.value();
                Shape shape = shapeOf(f.getGenericType(), field, pending);
                props.putIfAbsent(field, property(name, field, shape, !gvks.isEmpty()));
            }
        }
        return new Definition(
                name,
                SchemaFacts.typeDescription(name),
                Kind.OBJECT,
                List.copyOf(props.values()),
                gvks);
    }

    private static Property property(
            String definition, String field, Shape shape, boolean topLevel) {
        SchemaFacts.FieldFacts facts = SchemaFacts.field(definition, field);
        String description = facts.description();
        if (description == null && topLevel) {
            description =
                    switch (field) {
                        case "apiVersion" -> SchemaFacts.API_VERSION;
                        case "kind" -> SchemaFacts.KIND;
                        case "metadata" -> SchemaFacts.METADATA;
                        default -> null;
                    };
        }
        return new Property(
                field,
                shape,
                description,
                facts.required(),
                facts.patchStrategy(),
                facts.patchMergeKey(),
                facts.listType(),
                facts.listMapKeys(),
                facts.enumValues());
    }

    private static Shape shapeOf(Type type, String field, Deque<Class<?>> pending) {
        Class<?> raw = rawClass(type);
        if (raw == null || raw == Object.class) {
            return new AnyValue();
        }
        if (raw == java.time.ZonedDateTime.class) {
            return new Ref(MICRO_TIME);
        }
        if (raw == String.class) {
            return isTimeField(field) ? new Ref(TIME) : new Primitive("string", null);
        }
        if (raw == Integer.class || raw == int.class) {
            return new Primitive("integer", "int32");
        }
        if (raw == Long.class || raw == long.class) {
            return new Primitive("integer", "int64");
        }
        if (raw == Boolean.class || raw == boolean.class) {
            return new Primitive("boolean", null);
        }
        if (raw == Double.class
                || raw == double.class
                || raw == Float.class
                || raw == float.class) {
            return new Primitive("number", "double");
        }
        if (List.class.isAssignableFrom(raw)) {
            return new ArrayOf(shapeOf(typeArgument(type, 0), field, pending));
        }
        if (Map.class.isAssignableFrom(raw)) {
            return new MapOf(shapeOf(typeArgument(type, 1), field, pending));
        }
        String name = nameOf(raw);
        if (name == null) {
            return new AnyValue();
        }
        if (!name.equals(INT_OR_STRING) && !name.equals(QUANTITY) && !name.equals(MICRO_TIME)) {
            pending.add(raw);
        }
        return new Ref(name);
    }

    /**
     * fabric8 spells Kubernetes' {@code metav1.Time} fields as strings; they are known by name
     * ({@code creationTimestamp}, {@code lastTransitionTime}, {@code startedAt}, ...).
     */
    private static boolean isTimeField(String field) {
        return field.endsWith("Timestamp")
                || field.endsWith("Time")
                || field.equals("startedAt")
                || field.equals("finishedAt")
                || field.equals("timeAdded")
                || field.equals("time");
    }

    private static final Set<String> META_TYPES =
            Set.of(
                    "ObjectMeta",
                    "ListMeta",
                    "OwnerReference",
                    "ManagedFieldsEntry",
                    "FieldsV1",
                    "LabelSelector",
                    "LabelSelectorRequirement",
                    "Condition",
                    "Status",
                    "StatusDetails",
                    "StatusCause",
                    "DeleteOptions",
                    "Preconditions",
                    "MicroTime");

    private static final Map<String, String> GROUP_PACKAGES =
            Map.of(
                    "io.fabric8.kubernetes.api.model.apps", "io.k8s.api.apps.v1.",
                    "io.fabric8.kubernetes.api.model.discovery.v1", "io.k8s.api.discovery.v1.",
                    "io.fabric8.kubernetes.api.model.coordination.v1",
                            "io.k8s.api.coordination.v1.",
                    "io.fabric8.kubernetes.api.model.events.v1", "io.k8s.api.events.v1.",
                    "io.fabric8.kubernetes.api.model.rbac", "io.k8s.api.rbac.v1.");

    private static final Map<String, Class<?>> MODEL_CLASSES =
            Map.ofEntries(
                    Map.entry("v1/Namespace", io.fabric8.kubernetes.api.model.Namespace.class),
                    Map.entry("v1/Pod", io.fabric8.kubernetes.api.model.Pod.class),
                    Map.entry("v1/Service", io.fabric8.kubernetes.api.model.Service.class),
                    Map.entry("v1/Endpoints", io.fabric8.kubernetes.api.model.Endpoints.class),
                    Map.entry("v1/Event", io.fabric8.kubernetes.api.model.Event.class),
                    Map.entry("v1/Node", io.fabric8.kubernetes.api.model.Node.class),
                    Map.entry("v1/ConfigMap", io.fabric8.kubernetes.api.model.ConfigMap.class),
                    Map.entry(
                            "v1/ServiceAccount",
                            io.fabric8.kubernetes.api.model.ServiceAccount.class),
                    Map.entry("v1/Secret", io.fabric8.kubernetes.api.model.Secret.class),
                    Map.entry(
                            "apps/v1/Deployment",
                            io.fabric8.kubernetes.api.model.apps.Deployment.class),
                    Map.entry(
                            "apps/v1/ReplicaSet",
                            io.fabric8.kubernetes.api.model.apps.ReplicaSet.class),
                    Map.entry(
                            "discovery.k8s.io/v1/EndpointSlice",
                            io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice.class),
                    Map.entry(
                            "coordination.k8s.io/v1/Lease",
                            io.fabric8.kubernetes.api.model.coordination.v1.Lease.class),
                    Map.entry(
                            "events.k8s.io/v1/Event",
                            io.fabric8.kubernetes.api.model.events.v1.Event.class),
                    Map.entry(
                            "rbac.authorization.k8s.io/v1/Role",
                            io.fabric8.kubernetes.api.model.rbac.Role.class),
                    Map.entry(
                            "rbac.authorization.k8s.io/v1/ClusterRole",
                            io.fabric8.kubernetes.api.model.rbac.ClusterRole.class),
                    Map.entry(
                            "rbac.authorization.k8s.io/v1/RoleBinding",
                            io.fabric8.kubernetes.api.model.rbac.RoleBinding.class),
                    Map.entry(
                            "rbac.authorization.k8s.io/v1/ClusterRoleBinding",
                            io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding.class));

    /**
     * The fabric8 class of a kind ({@code v1}, {@code Service}), or null when j8s does not serve
     * it.
     */
    public static Class<?> modelClass(String apiVersion, String kind) {
        return MODEL_CLASSES.get(apiVersion + "/" + kind);
    }

    /**
     * The Kubernetes definition name of a fabric8 model class, or null for a class that is not one.
     */
    public static String nameOf(Class<?> cls) {
        String simple = cls.getSimpleName();
        String pkg = cls.getPackageName();
        if (pkg.equals("io.fabric8.kubernetes.api.model")) {
            return switch (simple) {
                case "IntOrString" -> INT_OR_STRING;
                case "Quantity" -> QUANTITY;
                default -> (META_TYPES.contains(simple) ? META : "io.k8s.api.core.v1.") + simple;
            };
        }
        String prefix = GROUP_PACKAGES.get(pkg);
        return prefix == null ? null : prefix + simple;
    }

    private static void collect(Shape shape, Set<String> out) {
        if (shape instanceof Ref r) {
            out.add(r.name());
        } else if (shape instanceof ArrayOf a) {
            collect(a.items(), out);
        } else if (shape instanceof MapOf m) {
            collect(m.values(), out);
        }
    }

    private static Class<?> rawClass(Type t) {
        if (t instanceof Class<?> c) {
            return c;
        }
        if (t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
            return c;
        }
        return null;
    }

    private static Type typeArgument(Type t, int i) {
        if (t instanceof ParameterizedType p && p.getActualTypeArguments().length > i) {
            return p.getActualTypeArguments()[i];
        }
        return Object.class;
    }

    @Override
    public String toString() {
        return "ApiSchema["
                + definitions.size()
                + " definitions, built in "
                + String.format(Locale.ROOT, "%.1f ms", buildNanos / 1e6)
                + "]";
    }
}
