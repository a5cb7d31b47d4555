package io.j8s.api.protobuf;

import java.util.List;

/**
 * The protobuf messages of coordination.k8s.io/v1 ({@code k8s.io/api/coordination/v1}): Leases.
 *
 * <p>Field numbers, JSON names, Go pointers ({@code ?}) and fields without {@code omitempty}
 * ({@code !}) are the facts of Kubernetes 1.32's {@code generated.proto} and Go struct tags; the
 * notation is described in {@link SchemaTable}.
 */
final class CoordinationV1Schema {
    static final SchemaTable TABLE =
            new SchemaTable(
                    "coordination",
                    "coordination.k8s.io/v1",
                    List.of("Lease"),
                    """
            Lease
              1 metadata meta.ObjectMeta
              2 spec LeaseSpec
            LeaseSpec
              1 holderIdentity string?
              2 leaseDurationSeconds int32?
              3 acquireTime meta.MicroTime?
              4 renewTime meta.MicroTime?
              5 leaseTransitions int32?
              6 strategy string?
              7 preferredHolder string?
            """);

    private CoordinationV1Schema() {}
}
