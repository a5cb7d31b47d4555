package io.j8s.api.protobuf;

import java.util.List;

/**
 * The protobuf messages of apps/v1 ({@code k8s.io/api/apps/v1}): Deployments and ReplicaSets.
 *
 * <p>Field numbers, JSON names, Go pointers ({@code ?}) and fields without {@code omitempty}
 * ({@code !}) are the facts of Kubernetes 1.32's {@code generated.proto} and Go struct tags; the
 * notation is described in {@link SchemaTable}.
 */
final class AppsV1Schema {
    static final SchemaTable TABLE =
            new SchemaTable(
                    "apps",
                    "apps/v1",
                    List.of("Deployment", "ReplicaSet"),
                    """
            Deployment
              1 metadata meta.ObjectMeta
              2 spec DeploymentSpec
              3 status DeploymentStatus
            DeploymentCondition
              1 type string!
              2 status string!
              6 lastUpdateTime meta.Time
              7 lastTransitionTime meta.Time
              4 reason string
              5 message string
            DeploymentSpec
              1 replicas int32?
              2 selector meta.LabelSelector?
              3 template core.PodTemplateSpec
              4 strategy DeploymentStrategy
              5 minReadySeconds int32
              6 revisionHistoryLimit int32?
              7 paused bool
              9 progressDeadlineSeconds int32?
            DeploymentStatus
              1 observedGeneration int64
              2 replicas int32
              3 updatedReplicas int32
              7 readyReplicas int32
              4 availableReplicas int32
              5 unavailableReplicas int32
              6 conditions []DeploymentCondition
              8 collisionCount int32?
            DeploymentStrategy
              1 type string
              2 rollingUpdate RollingUpdateDeployment?
            ReplicaSet
              1 metadata meta.ObjectMeta
              2 spec ReplicaSetSpec
              3 status ReplicaSetStatus
            ReplicaSetCondition
              1 type string!
              2 status string!
              3 lastTransitionTime meta.Time
              4 reason string
              5 message string
            ReplicaSetSpec
              1 replicas int32?
              4 minReadySeconds int32
              2 selector meta.LabelSelector?
              3 template core.PodTemplateSpec
            ReplicaSetStatus
              1 replicas int32!
              2 fullyLabeledReplicas int32
              4 readyReplicas int32
              5 availableReplicas int32
              3 observedGeneration int64
              6 conditions []ReplicaSetCondition
            RollingUpdateDeployment
              1 maxUnavailable intstr.IntOrString?
              2 maxSurge intstr.IntOrString?
            """);

    private AppsV1Schema() {}
}
