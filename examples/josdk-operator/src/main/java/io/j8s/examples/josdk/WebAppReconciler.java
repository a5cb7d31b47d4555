package io.j8s.examples.josdk;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * Reconciles a {@link WebApp} into a Deployment and a Service (JOSDK dependent resources, applied
 * server-side and owned by the WebApp), then writes the WebApp's status: the Deployment's replicas,
 * its ready replicas and a {@code Ready} condition. JOSDK 5 patches the status with server-side
 * apply, as field manager {@value #NAME} (the controller's name).
 */
@Workflow(
        dependents = {
            @Dependent(name = "deployment", type = DeploymentDependent.class),
            @Dependent(name = "service", type = ServiceDependent.class)
        })
@ControllerConfiguration(name = WebAppReconciler.NAME)
public class WebAppReconciler implements Reconciler<WebApp> {

    public static final String NAME = "webapp-operator";

    @Override
    public UpdateControl<WebApp> reconcile(WebApp webApp, Context<WebApp> context) {
        DeploymentStatus observed =
                context.getSecondaryResource(Deployment.class)
                        .map(Deployment::getStatus)
                        .orElse(new DeploymentStatus());
        int replicas = Objects.requireNonNullElse(observed.getReplicas(), 0);
        int ready = Objects.requireNonNullElse(observed.getReadyReplicas(), 0);
        int wanted = webApp.getSpec().getReplicas();
        boolean isReady = ready == wanted && replicas == wanted;

        WebAppStatus previous = webApp.getStatus();
        Condition before =
                previous == null
                        ? null
                        : previous.getConditions().stream()
                                .filter(c -> "Ready".equals(c.getType()))
                                .findFirst()
                                .orElse(null);
        String status = isReady ? "True" : "False";
        String since =
                before != null && status.equals(before.getStatus())
                        ? before.getLastTransitionTime()
                        : Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        Condition condition =
                new ConditionBuilder()
                        .withType("Ready")
                        .withStatus(status)
                        .withReason(isReady ? "AllReplicasReady" : "ReplicasNotReady")
                        .withMessage(ready + "/" + wanted + " replicas ready")
                        .withObservedGeneration(webApp.getMetadata().getGeneration())
                        .withLastTransitionTime(since)
                        .build();

        WebAppStatus next = new WebAppStatus();
        next.setReplicas(replicas);
        next.setReadyReplicas(ready);
        next.setService(
                context.getSecondaryResource(Service.class)
                        .map(s -> s.getMetadata().getName())
                        .orElse(null));
        next.setConditions(List.of(condition));
        webApp.setStatus(next);
        return UpdateControl.patchStatus(webApp);
    }
}
