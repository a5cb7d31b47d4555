package io.j8s.server.join;

import io.j8s.api.json.Json;
import io.j8s.apiserver.auth.authn.JoinToken;
import io.j8s.apiserver.auth.rbac.BootstrapPolicy;
import io.j8s.server.pki.ChainOnlyTrustManager;
import io.j8s.server.pki.Identity;
import io.j8s.server.pki.KeyPairs;
import io.j8s.server.pki.Kubeconfig;
import io.j8s.server.pki.Leaf;
import io.j8s.server.pki.Pem;
import io.j8s.server.pki.PrivateFiles;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The agent side of joining (k3s' design): fetch the server's CA bundle without trusting anyone
 * yet, check its SHA-256 against the hash in the join token (refusing, before the token is ever
 * sent, when they differ), then over TLS verified by that CA send a certificate request for a key
 * made here with the token as bearer, and write the node's kubeconfig ({@code
 * <data-dir>/kubeconfig.yaml}, mode 0600) with the issued {@code system:node:<name>} certificate.
 * The private key never leaves the agent. A kubeconfig already there for the same CA, node and
 * server, not expiring within 90 days, is reused without contacting the server.
 *
 * <p>Each join also sends the node password, 32 random bytes made at the first join and kept in
 * {@code <data-dir>/node-password} (mode 0600): the server lets only the agent that joined under a
 * name first join under it again (k3s' node passwords; see docs/architecture.md, Security).
 */
public final class AgentBootstrap {
    public static final String KUBECONFIG = "kubeconfig.yaml";
    public static final String NODE_PASSWORD = "node-password";
    private static final Duration RENEW_BEFORE = Duration.ofDays(90);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** The outcome: where the kubeconfig is and the certificate in it. */
    public record Joined(Path kubeconfig, X509Certificate certificate, boolean reused) {}

    private final Clock clock;

    public AgentBootstrap(Clock clock) {
        this.clock = clock;
    }

    /**
     * Joins {@code server} as {@code nodeName}.
     *
     * @param server the API server's URL, {@code https://host:port}
     * @throws JoinException when the server's CA does not match the token, the token is refused, or
     *     the server cannot be reached
     */
    public Joined join(URI server, JoinToken token, String nodeName, Path dataDir)
            throws JoinException {
        if (!"https".equals(server.getScheme())) {
            throw new JoinException("the server URL must be https://..., got " + server);
        }
        Path kubeconfig = dataDir.resolve(KUBECONFIG);
        Joined existing = reusable(kubeconfig, server, token, nodeName);
        if (existing != null) {
            return existing;
        }
        String base = server.toString().replaceAll("/+$", "");
        byte[] caBundle = fetchCaBundle(URI.create(base + BootstrapPolicy.CACERTS_PATH));
        if (!token.matchesCa(caBundle)) {
            throw new JoinException(
                    "the server at "
                            + server
                            + " presents a CA whose hash ("
                            + JoinToken.caHash(caBundle)
                            + ") is not the one in the join token ("
                            + token.caHash()
                            + "); the token was not sent."
                            + " Check the server URL and the token.");
        }
        String caPem = new String(caBundle, StandardCharsets.UTF_8);
        KeyPair keys = KeyPairs.ecdsa();
        ObjectNode request = Json.object();
        request.put("nodeName", nodeName);
        request.put("certificateSigningRequest", Pem.encode(certificationRequest(nodeName, keys)));
        request.put("nodePassword", nodePassword(dataDir));
        HttpResponse<String> response =
                send(
                        verifyingClient(caPem),
                        HttpRequest.newBuilder(
                                        URI.create(base + BootstrapPolicy.NODE_CREDENTIAL_PATH))
                                .timeout(TIMEOUT)
                                .header("Authorization", "Bearer " + token.encode())
                                .header("Content-Type", "application/json")
                                .header("Accept", "application/json")
                                .POST(
                                        HttpRequest.BodyPublishers.ofByteArray(
                                                Json.writeBytes(request)))
                                .build());
        if (response.statusCode() == 401) {
            throw new JoinException("the server refused the join token (401 Unauthorized)");
        }
        if (response.statusCode() == 403) {
            throw new JoinException(
                    "the server refused to let this agent join as node "
                            + nodeName
                            + " (403 Forbidden): "
                            + Json.str(parseQuietly(response.body()), "message"));
        }
        if (response.statusCode() != 200) {
            throw new JoinException(
                    "the server answered "
                            + response.statusCode()
                            + " to the join: "
                            + Json.str(parseQuietly(response.body()), "message"));
        }
        JsonNode body = parseQuietly(response.body());
        X509Certificate certificate = Pem.certificate(Json.str(body, "certificate"));
        if (!certificate.getPublicKey().equals(keys.getPublic())) {
            throw new JoinException("the server issued a certificate for another key");
        }
        try {
            certificate.verify(Pem.certificate(caPem).getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new JoinException("the issued certificate is not signed by the cluster CA", e);
        }
        Leaf leaf = new Leaf(certificate, keys.getPrivate());
        PrivateFiles.writeSecret(
                kubeconfig,
                Kubeconfig.yaml(
                        server.toString(),
                        caPem,
                        Identity.node(nodeName).user(),
                        leaf.certificatePem(),
                        leaf.keyPem()));
        return new Joined(kubeconfig, certificate, false);
    }

    private Joined reusable(Path kubeconfig, URI server, JoinToken token, String nodeName) {
        String text = PrivateFiles.readIfExists(kubeconfig);
        if (text == null) {
            return null;
        }
        try {
            JsonNode config = Json.readYamlObject(text);
            JsonNode cluster = Json.elements(config, "clusters").get(0).path("cluster");
            JsonNode user = Json.elements(config, "users").get(0).path("user");
            byte[] ca = Base64.getDecoder().decode(Json.str(cluster, "certificate-authority-data"));
            X509Certificate cert =
                    Pem.certificate(
                            new String(
                                    Base64.getDecoder()
                                            .decode(Json.str(user, "client-certificate-data")),
                                    StandardCharsets.UTF_8));
            boolean sameNode =
                    cert.getSubjectX500Principal()
                            .getName()
                            .contains("CN=" + Identity.node(nodeName).user());
            boolean fresh =
                    cert.getNotAfter().toInstant().minus(RENEW_BEFORE).isAfter(clock.instant());
            if (token.matchesCa(ca)
                    && sameNode
                    && fresh
                    && Json.str(cluster, "server").equals(server.toString())) {
                String keyPem =
                        new String(
                                Base64.getDecoder().decode(Json.str(user, "client-key-data")),
                                StandardCharsets.UTF_8);
                String canonical = Pem.encode(Pem.privateKey(keyPem));
                if (!canonical.equals(
                        keyPem)) { // an EC key written without its public key by an older j8s
                    PrivateFiles.writeSecret(
                            kubeconfig,
                            Kubeconfig.yaml(
                                    server.toString(),
                                    new String(ca, StandardCharsets.UTF_8),
                                    Identity.node(nodeName).user(),
                                    Pem.encode(cert),
                                    canonical));
                }
                return new Joined(kubeconfig, cert, true);
            }
        } catch (RuntimeException e) {
            // Unreadable or foreign: join again and replace it.
        }
        return null;
    }

    /**
     * The node password kept in {@code dataDir}, made (32 random bytes, hex) when there is none
     * yet.
     */
    static String nodePassword(Path dataDir) {
        Path file = dataDir.resolve(NODE_PASSWORD);
        String kept = PrivateFiles.readIfExists(file);
        if (kept != null && !kept.isBlank()) {
            return kept.strip();
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        PrivateFiles.writeSecret(file, password + "\n");
        return password;
    }

    private static PKCS10CertificationRequest certificationRequest(String nodeName, KeyPair keys)
            throws JoinException {
        Identity node = Identity.node(nodeName);
        X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
        node.groups().forEach(g -> subject.addRDN(BCStyle.O, g));
        subject.addRDN(BCStyle.CN, node.user());
        try {
            return new JcaPKCS10CertificationRequestBuilder(subject.build(), keys.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
        } catch (OperatorCreationException e) {
            throw new JoinException("cannot sign the certificate request: " + e.getMessage(), e);
        }
    }

    /**
     * GET over TLS that trusts any server: only to learn the CA, which the token's hash then
     * checks.
     */
    private static byte[] fetchCaBundle(URI uri) throws JoinException {
        try {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {new TrustAnyServer()}, null);
            HttpClient client =
                    HttpClient.newBuilder().sslContext(tls).connectTimeout(TIMEOUT).build();
            HttpResponse<byte[]> response =
                    sendBytes(client, HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build());
            if (response.statusCode() != 200) {
                throw new JoinException(
                        "the server answered "
                                + response.statusCode()
                                + " for its CA certificates ("
                                + uri
                                + ")");
            }
            return response.body();
        } catch (GeneralSecurityException e) {
            throw new JoinException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static HttpClient verifyingClient(String caPem) throws JoinException {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (X509Certificate ca : Pem.certificates(caPem)) {
                trust.setCertificateEntry("ca-" + i++, ca);
            }
            TrustManagerFactory factory =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, factory.getTrustManagers(), null);
            return HttpClient.newBuilder().sslContext(tls).connectTimeout(TIMEOUT).build();
        } catch (GeneralSecurityException | IOException e) {
            throw new JoinException("cannot trust the cluster CA: " + e.getMessage(), e);
        }
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest request)
            throws JoinException {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new JoinException("cannot reach " + request.uri() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JoinException("interrupted while joining", e);
        }
    }

    private static HttpResponse<byte[]> sendBytes(HttpClient client, HttpRequest request)
            throws JoinException {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new JoinException("cannot reach " + request.uri() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JoinException("interrupted while joining", e);
        }
    }

    private static JsonNode parseQuietly(String body) {
        try {
            return Json.parse(body);
        } catch (RuntimeException e) {
            return Json.object();
        }
    }

    /** Accepts every server: used only to fetch the CA bundle, which is then checked by hash. */
    private static final class TrustAnyServer extends ChainOnlyTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
