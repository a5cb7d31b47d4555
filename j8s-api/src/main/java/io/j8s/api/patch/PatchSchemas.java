package io.j8s.api.patch;

/**
 * The strategic-merge metadata of the served kinds, transcribed from the {@code patchStrategy}
 * and {@code patchMergeKey} tags of {@code k8s.io/api} (core/v1, apps/v1, ...). Lists not listed
 * here are replaced as a whole (EndpointSlice endpoints and ports, Endpoints subsets, RBAC rules
 * and subjects, tolerations, ...).
 */
public final class PatchSchemas {

    private PatchSchemas() {}

    public static final PatchMeta OBJECT_META = PatchMeta.builder()
            .mergeList("ownerReferences", "uid")
            .mergePrimitives("finalizers")
            .build();

    public static final PatchMeta CONTAINER = PatchMeta.builder()
            .mergeList("ports", "containerPort")
            .mergeList("env", "name")
            .mergeList("volumeMounts", "mountPath")
            .mergeList("volumeDevices", "devicePath")
            .build();

    public static final PatchMeta POD_SPEC = PatchMeta.builder()
            .mergeList("volumes", "name")
            .mergeList("initContainers", "name", CONTAINER)
            .mergeList("containers", "name", CONTAINER)
            .mergeList("ephemeralContainers", "name", CONTAINER)
            .mergeList("imagePullSecrets", "name")
            .mergeList("hostAliases", "ip")
            .mergeList("topologySpreadConstraints", "topologyKey")
            .mergeList("schedulingGates", "name")
            .mergeList("resourceClaims", "name")
            .build();

    public static final PatchMeta POD_STATUS = PatchMeta.builder()
            .mergeList("conditions", "type")
            .mergeList("podIPs", "ip")
            .mergeList("hostIPs", "ip")
            .mergeList("resourceClaimStatuses", "name")
            .build();

    public static final PatchMeta POD_TEMPLATE_SPEC = PatchMeta.builder()
            .object("metadata", OBJECT_META)
            .object("spec", POD_SPEC)
            .build();

    private static final PatchMeta CONDITIONS_STATUS = PatchMeta.builder().mergeList("conditions", "type").build();

    public static final PatchMeta POD = PatchMeta.builder()
            .object("metadata", OBJECT_META)
            .object("spec", POD_SPEC)
            .object("status", POD_STATUS)
            .build();

    public static final PatchMeta SERVICE = PatchMeta.builder()
            .object("metadata", OBJECT_META)
            .object("spec", PatchMeta.builder().mergeList("ports", "port").build())
            .object("status", CONDITIONS_STATUS)
            .build();

    private static final PatchMeta REPLICATED_SPEC = PatchMeta.builder().object("template", POD_TEMPLATE_SPEC).build();

    public static final PatchMeta DEPLOYMENT = PatchMeta.builder()
            .object("metadata", OBJECT_META)
            .object("spec", REPLICATED_SPEC)
            .object("status", CONDITIONS_STATUS)
            .build();

    public static final PatchMeta REPLICA_SET = DEPLOYMENT;

    public static final PatchMeta NODE = PatchMeta.builder()
            .object("metadata", OBJECT_META)
            .object("spec", PatchMeta.builder().mergePrimitives("podCIDRs").build())
            .object("status", PatchMeta.builder().mergeList("conditions", "type").mergeList("addresses", "type").build())
            .build();

    public static final PatchMeta NAMESPACE = PatchMeta.builder()
            .object("metadata", OBJECT_META)
            .object("status", CONDITIONS_STATUS)
            .build();

    public static final PatchMeta SERVICE_ACCOUNT = PatchMeta.builder()
            .object("metadata", OBJECT_META)
            .mergeList("secrets", "name")
            .build();

    /** Kinds whose only special fields are in {@code metadata}. */
    public static final PatchMeta METADATA_ONLY = PatchMeta.builder().object("metadata", OBJECT_META).build();

    /** The metadata of a kind; {@link #METADATA_ONLY} for kinds without special lists. */
    public static PatchMeta forKind(String apiVersion, String kind) {
        return switch (apiVersion + "/" + kind) {
            case "v1/Pod" -> POD;
            case "v1/Service" -> SERVICE;
            case "v1/Node" -> NODE;
            case "v1/Namespace" -> NAMESPACE;
            case "v1/ServiceAccount" -> SERVICE_ACCOUNT;
            case "apps/v1/Deployment" -> DEPLOYMENT;
            case "apps/v1/ReplicaSet" -> REPLICA_SET;
            default -> METADATA_ONLY;
        };
    }
}
