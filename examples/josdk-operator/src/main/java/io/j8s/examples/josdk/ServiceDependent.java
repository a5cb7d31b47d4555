package io.j8s.examples.josdk;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;

/** The WebApp's ClusterIP Service, named after it, selecting its Deployment's Pods. */
public class ServiceDependent extends CRUDKubernetesDependentResource<Service, WebApp> {

    public ServiceDependent() {
        super(Service.class);
    }

    @Override
    protected Service desired(WebApp webApp, Context<WebApp> context) {
        return new ServiceBuilder()
                .withNewMetadata()
                .withName(webApp.getMetadata().getName())
                .withNamespace(webApp.getMetadata().getNamespace())
                .withLabels(DeploymentDependent.selector(webApp))
                .endMetadata()
                .withNewSpec()
                .withType("ClusterIP")
                .withSelector(DeploymentDependent.selector(webApp))
                .addNewPort()
                .withName("http")
                .withProtocol("TCP")
                .withPort(webApp.getSpec().getPort())
                .withTargetPort(new IntOrString("http"))
                .endPort()
                .endSpec()
                .build();
    }
}
