package io.j8s.api.protobuf;

import java.util.List;

/**
 * The protobuf messages of meta.k8s.io/v1 ({@code k8s.io/apimachinery/pkg/apis/meta/v1}): object
 * metadata, label selectors, conditions, delete options, and the wire form of {@code Time}, {@code
 * MicroTime}, {@code Duration} and {@code FieldsV1} (their JSON is made by {@link WellKnownTypes}).
 *
 * <p>Field numbers, JSON names, Go pointers ({@code ?}) and fields without {@code omitempty}
 * ({@code !}) are the facts of Kubernetes 1.32's {@code generated.proto} and Go struct tags; the
 * notation is described in {@link SchemaTable}.
 */
final class MetaV1Schema {
    static final SchemaTable TABLE =
            new SchemaTable(
                    "meta",
                    null,
                    List.of(),
                    """
            Condition
              1 type string!
              2 status string!
              3 observedGeneration int64
              4 lastTransitionTime Time
              5 reason string!
              6 message string!
            DeleteOptions
              1 gracePeriodSeconds int64?
              2 preconditions Preconditions?
              3 orphanDependents bool?
              4 propagationPolicy string?
              5 dryRun []string
              6 ignoreStoreReadErrorWithClusterBreakingPotential bool?
            Duration
              1 duration int64?
            FieldSelectorRequirement
              1 key string!
              2 operator string!
              3 values []string
            FieldsV1
              1 Raw bytes?
            LabelSelector
              1 matchLabels map<string>
              2 matchExpressions []LabelSelectorRequirement
            LabelSelectorRequirement
              1 key string!
              2 operator string!
              3 values []string
            ManagedFieldsEntry
              1 manager string
              2 operation string
              3 apiVersion string
              4 time Time?
              6 fieldsType string
              7 fieldsV1 FieldsV1?
              8 subresource string
            MicroTime
              1 seconds int64?
              2 nanos int32?
            ObjectMeta
              1 name string
              2 generateName string
              3 namespace string
              4 selfLink string
              5 uid string
              6 resourceVersion string
              7 generation int64
              8 creationTimestamp Time
              9 deletionTimestamp Time?
              10 deletionGracePeriodSeconds int64?
              11 labels map<string>
              12 annotations map<string>
              13 ownerReferences []OwnerReference
              14 finalizers []string
              17 managedFields []ManagedFieldsEntry
            OwnerReference
              5 apiVersion string!
              1 kind string!
              3 name string!
              4 uid string!
              6 controller bool?
              7 blockOwnerDeletion bool?
            Preconditions
              1 uid string?
              2 resourceVersion string?
            Time
              1 seconds int64?
              2 nanos int32?
            """);

    private MetaV1Schema() {}
}
