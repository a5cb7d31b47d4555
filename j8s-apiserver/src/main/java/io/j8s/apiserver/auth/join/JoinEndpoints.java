package io.j8s.apiserver.auth.join;

import io.j8s.api.json.Json;
import io.j8s.api.validation.NameRules;
import io.j8s.apiserver.auth.UserInfo;
import io.j8s.apiserver.auth.rbac.BootstrapPolicy;
import io.j8s.apiserver.errors.ApiException;
import io.j8s.apiserver.http.HttpExchange;
import io.j8s.apiserver.request.Bodies;
import io.j8s.apiserver.request.Responses;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The two non-resource paths of joining a node (k3s' design): {@code GET /cacerts} serves the CA
 * bundle to anyone, so an agent can compare its hash with the one in its join token before it sends
 * the token; {@code POST /v1-j8s/node-credential}, allowed to join-token holders by RBAC, takes
 * {@code {"nodeName", "certificateSigningRequest", "nodePassword"}}, checks the node password
 * ({@link NodePasswords}: only the agent that joined under a name first may join under it again),
 * signs the node's certificate request and answers {@code {"certificate", "caCertificate"}}. Thread
 * safe.
 */
public final class JoinEndpoints {
    private static final Logger log = LoggerFactory.getLogger(JoinEndpoints.class);

    private final byte[] caBundle;
    private final NodeCredentialIssuer issuer;
    private final NodePasswords passwords;

    /**
     * @param issuer null when this server does not sign node credentials
     * @param passwords the node passwords (needed with an issuer)
     */
    public JoinEndpoints(byte[] caBundle, NodeCredentialIssuer issuer, NodePasswords passwords) {
        if (issuer != null && passwords == null) {
            throw new IllegalArgumentException("signing node credentials needs the node passwords");
        }
        this.caBundle = caBundle.clone();
        this.issuer = issuer;
        this.passwords = passwords;
    }

    public void caCerts(HttpExchange exchange, UserInfo user) {
        if (!exchange.method().equals("GET")) {
            throw ApiException.methodNotAllowed(exchange.method(), BootstrapPolicy.CACERTS_PATH);
        }
        exchange.respond(
                200,
                "application/x-pem-file",
                caBundle,
                Map.of("Cache-Control", "no-cache, private"));
    }

    public void nodeCredential(HttpExchange exchange, UserInfo user) {
        if (!exchange.method().equals("POST")) {
            throw ApiException.methodNotAllowed(
                    exchange.method(), BootstrapPolicy.NODE_CREDENTIAL_PATH);
        }
        if (issuer == null) {
            throw ApiException.pathNotFound();
        }
        ObjectNode request = Bodies.decodeObject(exchange);
        String nodeName = Json.str(request, "nodeName");
        List<String> problems = NameRules.dns1123Subdomain(nodeName);
        if (nodeName.isEmpty() || !problems.isEmpty()) {
            throw ApiException.badRequest(
                    "nodeName \""
                            + nodeName
                            + "\" is not a valid node name"
                            + (problems.isEmpty() ? "" : ": " + String.join(", ", problems)));
        }
        passwords.verifyOrRecord(nodeName, Json.str(request, "nodePassword"));
        String certificate;
        try {
            certificate = issuer.issue(nodeName, Json.str(request, "certificateSigningRequest"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(
                    "the certificate signing request is not valid: " + e.getMessage());
        }
        log.atInfo()
                .addKeyValue("node", nodeName)
                .addKeyValue("by", user.name())
                .log("issued a node credential");
        ObjectNode out = Json.object();
        out.put("certificate", certificate);
        out.put("caCertificate", new String(caBundle, StandardCharsets.UTF_8));
        Responses.json(exchange, 200, out);
    }
}
