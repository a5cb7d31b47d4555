package io.j8s.junit;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * The JUnit 5 extension behind {@link J8sTest} (docs/junit.md): starts the cluster the test class
 * asks for (per class, or shared per run by every class with the same options), injects it into
 * {@link J8s} fields, and resolves {@link J8sCluster}, {@link Kubeconfig} and fabric8 {@code
 * KubernetesClient} parameters. Clusters live in JUnit's extension stores, which close them: a
 * class's after the class, a run's at the end of the run.
 */
public final class J8sExtension
        implements BeforeAllCallback, TestInstancePostProcessor, ParameterResolver {
    private static final Namespace NAMESPACE = Namespace.create(J8sExtension.class);
    private static final String FABRIC8_CLIENT = "io.fabric8.kubernetes.client.KubernetesClient";

    @Override
    public void beforeAll(ExtensionContext context) {
        J8sCluster cluster = cluster(context);
        inject(context.getRequiredTestClass(), null, cluster);
    }

    @Override
    public void postProcessTestInstance(Object testInstance, ExtensionContext context) {
        inject(testInstance.getClass(), testInstance, cluster(context));
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (parameter.isAnnotated(Kubeconfig.class)) {
            return type == String.class || type == Path.class;
        }
        return type == J8sCluster.class || type.getName().equals(FABRIC8_CLIENT);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        J8sCluster cluster = cluster(context);
        if (parameter.isAnnotated(Kubeconfig.class)) {
            return type == Path.class ? cluster.kubeconfigPath() : cluster.kubeconfigYaml();
        }
        if (type == J8sCluster.class) {
            return cluster;
        }
        if (type.getName().equals(FABRIC8_CLIENT)) {
            AutoCloseable client;
            try {
                client = Fabric8Clients.client(cluster.kubeconfigYaml());
            } catch (LinkageError | RuntimeException e) {
                throw new ParameterResolutionException(
                        "cannot build a fabric8 KubernetesClient (is"
                                + " kubernetes-client with an HTTP client, not only its API, on the test class path?): "
                                + e,
                        e);
            }
            // closed with the context that asked for it (the test method, or the class for
            // @BeforeAll)
            context.getStore(NAMESPACE).put(new Object(), new Closer(client));
            return client;
        }
        throw new ParameterResolutionException("j8s cannot resolve " + parameter.getParameter());
    }

    /** The cluster of the test class of {@code context}: started at the first call. */
    static J8sCluster cluster(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        Class<?> annotated = testClass;
        J8sTest options = null;
        for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
            Optional<J8sTest> found = AnnotationSupport.findAnnotation(c, J8sTest.class);
            if (found.isPresent()) {
                annotated = c;
                options = found.get();
                break;
            }
        }
        J8sCluster.Builder builder = builder(options);
        J8sTest.Scope scope = options == null ? J8sTest.Scope.CLASS : options.scope();
        if (scope == J8sTest.Scope.RUN) {
            // one cluster of these options for the whole run: nothing to prefetch after it
            builder.prefetch(false);
            return context.getRoot()
                    .getStore(NAMESPACE)
                    .getOrComputeIfAbsent(
                            "run " + builder.key(),
                            key -> new Closer(builder.start()),
                            Closer.class)
                    .cluster();
        }
        ExtensionContext owner = classContext(context, annotated);
        return owner.getStore(NAMESPACE)
                .getOrComputeIfAbsent(
                        "class " + annotated.getName(),
                        key -> new Closer(builder.start()),
                        Closer.class)
                .cluster();
    }

    private static J8sCluster.Builder builder(J8sTest options) {
        J8sCluster.Builder builder = J8sCluster.builder();
        if (options != null) {
            builder.nodes(options.nodes())
                    .simulatedNodes(options.simulatedNodes())
                    .proxy(options.proxy())
                    .store(options.store())
                    .etcdEndpoints(options.etcdEndpoints())
                    .serverArgs(options.serverArgs())
                    .startTimeout(Duration.ofSeconds(Math.max(1, options.startTimeoutSeconds())));
        }
        return builder;
    }

    /**
     * The context of {@code testClass} itself (not of a method, nor of a nested class) above {@code
     * context}.
     */
    private static ExtensionContext classContext(ExtensionContext context, Class<?> testClass) {
        ExtensionContext fallback = null;
        for (Optional<ExtensionContext> c = Optional.of(context);
                c.isPresent();
                c = c.get().getParent()) {
            ExtensionContext candidate = c.get();
            if (candidate.getTestMethod().isEmpty() && candidate.getTestClass().isPresent()) {
                if (candidate.getTestClass().get() == testClass) {
                    return candidate;
                }
                if (fallback == null) {
                    fallback = candidate;
                }
            }
        }
        return fallback != null ? fallback : context;
    }

    private static void inject(Class<?> type, Object instance, J8sCluster cluster) {
        boolean statics = instance == null;
        List<Field> fields =
                ReflectionSupport.findFields(
                        type,
                        f ->
                                Modifier.isStatic(f.getModifiers()) == statics
                                        && (f.isAnnotationPresent(J8s.class)
                                                || f.isAnnotationPresent(Kubeconfig.class)),
                        HierarchyTraversalMode.TOP_DOWN);
        for (Field field : fields) {
            Object value;
            if (field.isAnnotationPresent(J8s.class)) {
                if (field.getType() != J8sCluster.class) {
                    throw new ExtensionConfigurationException(
                            "@J8s field " + field + " must be a J8sCluster");
                }
                value = cluster;
            } else if (field.getType() == String.class) {
                value = cluster.kubeconfigYaml();
            } else if (field.getType() == Path.class) {
                value = cluster.kubeconfigPath();
            } else {
                throw new ExtensionConfigurationException(
                        "@Kubeconfig field " + field + " must be a String or" + " a Path");
            }
            if (Modifier.isFinal(field.getModifiers())) {
                throw new ExtensionConfigurationException("field " + field + " must not be final");
            }
            try {
                field.setAccessible(true);
                field.set(instance, value);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new ExtensionConfigurationException(
                        "cannot set " + field + ": " + e.getMessage(), e);
            }
        }
    }

    /** Closes what it holds when JUnit closes the store it is in. */
    @SuppressWarnings("deprecation")
    private static final class Closer
            implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        private final Object value;
        private boolean closed;

        Closer(Object value) {
            this.value = value;
        }

        J8sCluster cluster() {
            return (J8sCluster) value;
        }

        @Override
        public synchronized void close() throws Exception {
            if (!closed) {
                closed = true;
                ((AutoCloseable) value).close();
            }
        }
    }
}
