package io.j8s.examples.josdk;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;

/** The custom resource {@code webapps.example.j8s.io/v1 WebApp}: a web server the operator runs. */
@Group("example.j8s.io")
@Version("v1")
public class WebApp extends CustomResource<WebAppSpec, WebAppStatus> implements Namespaced {}
