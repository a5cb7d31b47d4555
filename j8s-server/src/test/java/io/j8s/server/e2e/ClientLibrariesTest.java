package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.server.pki.Identity;
import io.j8s.server.testing.TestCluster;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.util.Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kubeconfig and the key files j8s writes load, as they are, in the clients people use: the
 * official Java client ({@code io.kubernetes:client-java}), the official Python client, curl and
 * openssl (kubectl and fabric8 are used by every other test).
 */
class ClientLibrariesTest {
    private static TestCluster cluster;

    @BeforeAll
    static void start() throws InterruptedException {
        cluster = TestCluster.start();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void officialJavaClient_loadsTheAdminKubeconfig_andListsNamespaces() throws Exception {
        assertThat(namespacesWithJavaClient(cluster.server().kubeconfig()))
                .contains("default", "kube-system", "kube-public", "kube-node-lease");
    }

    @Test
    void officialJavaClient_loadsAKubeconfigIssuedForAnIdentity() throws Exception {
        Path kubeconfig =
                Files.writeString(
                        cluster.dir().resolve("issued-kubeconfig.yaml"),
                        cluster.server().credentials().kubeconfig(Identity.admin()));
        assertThat(namespacesWithJavaClient(kubeconfig)).contains("default");
    }

    @Test
    void officialPythonClient_loadsTheAdminKubeconfig_andListsNamespaces() throws Exception {
        Result python =
                run(
                        "/usr/bin/python3",
                        "-c",
                        """
                import sys
                from kubernetes import config, client
                config.load_kube_config(sys.argv[1])
                print(" ".join(ns.metadata.name for ns in client.CoreV1Api().list_namespace().items))
                """,
                        cluster.server().kubeconfig().toString());
        assertThat(python.code()).as(python.output()).isZero();
        assertThat(python.output().trim().split(" ")).contains("default", "kube-system");
    }

    @Test
    void curlAndOpenssl_readTheAdminKeyAndCertificate() throws Exception {
        Path tls = cluster.server().pki().dir();
        Result curl =
                run(
                        "curl",
                        "-sS",
                        "--fail",
                        "--cacert",
                        tls.resolve("ca.crt").toString(),
                        "--cert",
                        tls.resolve("admin.crt").toString(),
                        "--key",
                        tls.resolve("admin.key").toString(),
                        cluster.server().apiUrl() + "/api/v1/namespaces/default");
        assertThat(curl.code()).as(curl.output()).isZero();
        assertThat(curl.output()).contains("\"name\":\"default\"");

        Result fromKey =
                run("openssl", "pkey", "-in", tls.resolve("admin.key").toString(), "-pubout");
        Result fromCertificate =
                run(
                        "openssl",
                        "x509",
                        "-in",
                        tls.resolve("admin.crt").toString(),
                        "-pubkey",
                        "-noout");
        assertThat(fromKey.code()).as(fromKey.output()).isZero();
        assertThat(fromKey.output())
                .contains("BEGIN PUBLIC KEY")
                .isEqualTo(fromCertificate.output());
        Result ec =
                run("openssl", "ec", "-in", tls.resolve("admin.key").toString(), "-noout", "-text");
        assertThat(ec.output())
                .as("the key carries its public key, as openssl ecparam -genkey writes it")
                .contains("pub:")
                .contains("ASN1 OID: prime256v1");
    }

    @Test
    void anInstallWhoseKeyLacksItsPublicKey_isFixedAtStart() throws Exception {
        try (TestCluster old = TestCluster.start()) {
            Path key = old.server().pki().dir().resolve("admin.key");
            java.security.interfaces.ECPrivateKey ec =
                    (java.security.interfaces.ECPrivateKey)
                            io.j8s.server.pki.Pem.privateKey(Files.readString(key));
            // the SEC1 form j8s wrote before: the curve but not the public key
            var info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(ec.getEncoded());
            var sec1 =
                    new org.bouncycastle.asn1.sec.ECPrivateKey(
                            256, ec.getS(), info.getPrivateKeyAlgorithm().getParameters());
            var out = new java.io.StringWriter();
            try (var writer = new org.bouncycastle.util.io.pem.PemWriter(out)) {
                writer.writeObject(
                        new org.bouncycastle.util.io.pem.PemObject(
                                "EC PRIVATE KEY", sec1.getEncoded()));
            }
            Files.writeString(key, out.toString());

            old.restart();
            assertThat(Files.readString(key)).isNotEqualTo(out.toString());
            assertThat(namespacesWithJavaClient(old.server().kubeconfig())).contains("default");
        }
    }

    private static List<String> namespacesWithJavaClient(Path kubeconfig) throws Exception {
        ApiClient client = Config.fromConfig(kubeconfig.toString());
        List<String> names = new ArrayList<>();
        for (V1Namespace ns : new CoreV1Api(client).listNamespace().execute().getItems()) {
            names.add(ns.getMetadata().getName());
        }
        return names;
    }

    private record Result(int code, String output) {}

    private static Result run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", command));
        }
        return new Result(process.exitValue(), output);
    }
}
