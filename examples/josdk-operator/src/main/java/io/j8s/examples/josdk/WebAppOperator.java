package io.j8s.examples.josdk;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;

/** The operator's entry point: the WebApp controller on a client's cluster. */
public final class WebAppOperator {
    private WebAppOperator() {}

    /** Starts the WebApp controller with {@code client}; {@link Operator#stop()} closes the client. */
    public static Operator start(KubernetesClient client) {
        Operator operator = new Operator(o -> o.withKubernetesClient(client));
        operator.register(new WebAppReconciler());
        operator.start();
        return operator;
    }

    /** Runs the operator against the cluster of the current kubeconfig until the JVM ends. */
    public static void main(String[] args) {
        Operator operator = start(new KubernetesClientBuilder().build());
        Runtime.getRuntime().addShutdownHook(new Thread(operator::stop));
    }
}
