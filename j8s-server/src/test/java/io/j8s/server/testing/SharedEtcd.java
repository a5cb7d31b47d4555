package io.j8s.server.testing;

import io.j8s.server.ServerOptions;
import io.j8s.server.join.JoinTokens;
import io.j8s.testkit.EtcdProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real etcd for a test class, and servers that keep their objects in it: several servers on the
 * same prefix make one cluster. Skips the class when {@code etcd} is not on the PATH.
 *
 * <pre>{@code
 * @RegisterExtension static final SharedEtcd etcd = new SharedEtcd();
 * ... TestCluster a = etcd.server(prefix, null); TestCluster b = etcd.server(prefix, SharedEtcd.token(a)); ...
 * }</pre>
 */
public final class SharedEtcd implements BeforeAllCallback, AfterAllCallback {
    private EtcdProcess etcd;

    @Override
    public void beforeAll(ExtensionContext context) {
        EtcdProcess.requireInstalled();
        etcd = EtcdProcess.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (etcd != null) {
            etcd.close();
            etcd = null;
        }
    }

    /**
     * A server on {@code prefix}; {@code token}: the first server's {@link #token} (null for the
     * first).
     */
    public TestCluster server(String prefix, String token) throws InterruptedException {
        return server(prefix, token, o -> o);
    }

    /** As {@link #server(String, String)}, with options further adjusted by {@code customize}. */
    public TestCluster server(String prefix, String token, UnaryOperator<ServerOptions> customize)
            throws InterruptedException {
        List<String> endpoints = etcd.endpoints().stream().map(Object::toString).toList();
        return TestCluster.start(
                o ->
                        customize.apply(
                                o.withStore(ServerOptions.StoreKind.ETCD, endpoints, prefix)
                                        .withToken(token)));
    }

    /**
     * The join token {@code cluster} keeps in its data dir: what another server of its cluster is
     * given.
     */
    public static String token(TestCluster cluster) {
        try {
            return Files.readString(cluster.dir().resolve("data").resolve(JoinTokens.FILE)).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
