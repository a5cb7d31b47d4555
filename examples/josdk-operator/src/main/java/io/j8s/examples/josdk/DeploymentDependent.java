package io.j8s.examples.josdk;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import java.util.Map;

/**
 * The WebApp's Deployment, named after it. JOSDK creates and updates it with server-side apply and
 * sets the WebApp as its controlling owner, so deleting the WebApp garbage-collects it.
 */
public class DeploymentDependent extends CRUDKubernetesDependentResource<Deployment, WebApp> {

    public DeploymentDependent() {
        super(Deployment.class);
    }

    static Map<String, String> selector(WebApp webApp) {
        return Map.of(
                "app.kubernetes.io/name", "webapp",
                "app.kubernetes.io/instance", webApp.getMetadata().getName());
    }

    @Override
    protected Deployment desired(WebApp webApp, Context<WebApp> context) {
        WebAppSpec spec = webApp.getSpec();
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName(webApp.getMetadata().getName())
                .withNamespace(webApp.getMetadata().getNamespace())
                .withLabels(selector(webApp))
                .endMetadata()
                .withNewSpec()
                .withReplicas(spec.getReplicas())
                .withNewSelector()
                .withMatchLabels(selector(webApp))
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(selector(webApp))
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("web")
                .withImage(spec.getImage())
                .addNewPort()
                .withName("http")
                .withContainerPort(spec.getPort())
                .withProtocol("TCP")
                .endPort()
                .withNewReadinessProbe()
                .withNewHttpGet()
                .withPath("/")
                .withPort(new IntOrString("http"))
                .endHttpGet()
                .withPeriodSeconds(2)
                .endReadinessProbe()
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }
}
