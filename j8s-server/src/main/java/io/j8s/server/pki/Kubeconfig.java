package io.j8s.server.pki;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The kubeconfig kubectl uses as is: one cluster (server and CA), one user, one context. */
public final class Kubeconfig {
    private Kubeconfig() {}

    /** A kubeconfig with the client certificate and key embedded. */
    public static String yaml(
            String server, String caPem, String user, String certificatePem, String keyPem) {
        return config(
                server,
                caPem,
                user,
                """
                    client-certificate-data: %s
                    client-key-data: %s
                """
                        .formatted(base64(certificatePem), base64(keyPem)));
    }

    /** A kubeconfig authenticating with a bearer token. */
    public static String yamlWithToken(String server, String caPem, String user, String token) {
        return config(
                server,
                caPem,
                user,
                """
                    token: %s
                """
                        .formatted(quote(token)));
    }

    /**
     * The one cluster, context and user, with {@code credentials} (lines of YAML) under the user.
     */
    private static String config(String server, String caPem, String user, String credentials) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: j8s
                  cluster:
                    server: %s
                    certificate-authority-data: %s
                contexts:
                - name: j8s
                  context:
                    cluster: j8s
                    user: %s
                    namespace: default
                current-context: j8s
                users:
                - name: %s
                  user:
                """
                        .formatted(server, base64(caPem), quote(user), quote(user))
                + credentials;
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String base64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.UTF_8));
    }
}
