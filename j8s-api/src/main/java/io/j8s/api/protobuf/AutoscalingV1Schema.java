package io.j8s.api.protobuf;

import java.util.List;

/**
 * The protobuf messages of autoscaling/v1 ({@code k8s.io/api/autoscaling/v1}): the Scale of the
 * {@code scale} subresource.
 *
 * <p>Field numbers, JSON names, Go pointers ({@code ?}) and fields without {@code omitempty}
 * ({@code !}) are the facts of Kubernetes 1.32's {@code generated.proto} and Go struct tags; the
 * notation is described in {@link SchemaTable}.
 */
final class AutoscalingV1Schema {
    static final SchemaTable TABLE =
            new SchemaTable(
                    "autoscaling",
                    "autoscaling/v1",
                    List.of("Scale"),
                    """
            Scale
              1 metadata meta.ObjectMeta
              2 spec ScaleSpec
              3 status ScaleStatus
            ScaleSpec
              1 replicas int32
            ScaleStatus
              1 replicas int32!
              2 selector string
            """);

    private AutoscalingV1Schema() {}
}
