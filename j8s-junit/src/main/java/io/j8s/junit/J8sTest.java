package io.j8s.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class with a j8s cluster (docs/junit.md): fields annotated {@link J8s} and parameters of
 * type {@link J8sCluster}, {@code KubernetesClient} (fabric8) or annotated {@link Kubeconfig} get
 * it.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(J8sExtension.class)
public @interface J8sTest {

    /** How long a cluster lives. */
    enum Scope {
        /** One cluster for the test class (and its nested classes), stopped after it. */
        CLASS,
        /**
         * One cluster per test JVM for every class with the same options, stopped at the end of the
         * run.
         */
        RUN
    }

    /** The nodes that run Pods; empty: none (a control plane only). */
    String[] nodes() default {"node01"};

    /** Nodes whose Pods run nothing and are Ready at once. */
    int simulatedNodes() default 0;

    /** Where the cluster keeps its objects (SQLite in a temporary directory by default). */
    J8sCluster.Store store() default J8sCluster.Store.SQLITE;

    /** The etcd client URLs, with {@code store = ETCD}. */
    String[] etcdEndpoints() default {};

    /** Whether the service proxy runs (ClusterIPs reachable from the test). */
    boolean proxy() default true;

    /** Flags of {@code j8s server} given as they are, e.g. {@code "--lb-policy=random"}. */
    String[] serverArgs() default {};

    /** How long the start may take, in seconds. */
    int startTimeoutSeconds() default 120;

    Scope scope() default Scope.CLASS;
}
