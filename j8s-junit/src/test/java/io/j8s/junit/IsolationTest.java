package io.j8s.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What j8s-junit needs on a test's class path: its own classes and JUnit's API, nothing else. Its
 * classes load and link in a class loader holding just those (no fabric8, no j8s, no JSON library).
 */
class IsolationTest {

    @Test
    void theExtensionAndTheApi_loadWithJUnitAlone() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (Class<?> c :
                List.of(
                        J8sExtension.class,
                        org.junit.jupiter.api.extension.ExtendWith.class,
                        org.junit.platform.commons.support.AnnotationSupport.class,
                        org.opentest4j.AssertionFailedError.class,
                        org.apiguardian.api.API.class)) {
            urls.add(c.getProtectionDomain().getCodeSource().getLocation());
        }
        try (URLClassLoader loader =
                new URLClassLoader(
                        urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(
                            () -> loader.loadClass("io.fabric8.kubernetes.client.KubernetesClient"))
                    .isInstanceOf(ClassNotFoundException.class);
            assertThatThrownBy(() -> loader.loadClass("io.j8s.server.J8sServer"))
                    .isInstanceOf(ClassNotFoundException.class);
            for (String name :
                    List.of(
                            "J8sExtension",
                            "J8sCluster",
                            "J8sCluster$Builder",
                            "J8sTest",
                            "J8s",
                            "Kubeconfig",
                            "KubectlResult",
                            "J8sException",
                            "ClusterHostProcess",
                            "EmbeddedJar",
                            "Json")) {
                Class<?> c = Class.forName("io.j8s.junit." + name, true, loader);
                assertThat(c.getDeclaredMethods()).isNotNull();
                assertThat(c.getDeclaredFields()).isNotNull();
            }
            // only the fabric8 bridge needs fabric8, and only when it runs
            Class<?> bridge = Class.forName("io.j8s.junit.Fabric8Clients", false, loader);
            java.lang.reflect.Method client = bridge.getDeclaredMethod("client", String.class);
            client.setAccessible(true);
            assertThatThrownBy(() -> client.invoke(null, "x"))
                    .hasRootCauseInstanceOf(ClassNotFoundException.class);
        }
    }
}
