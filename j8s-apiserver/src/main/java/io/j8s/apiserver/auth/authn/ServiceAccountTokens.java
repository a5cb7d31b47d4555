package io.j8s.apiserver.auth.authn;

import io.j8s.api.json.Json;
import io.j8s.apiserver.auth.UserInfo;
import io.j8s.apiserver.auth.rbac.Subject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Service account tokens: signed JWTs (RS256) with Kubernetes' claims ({@code pkg/serviceaccount}:
 * {@code iss}, {@code sub = system:serviceaccount:<ns>:<name>}, {@code aud}, {@code exp}, {@code
 * iat}, {@code nbf}, {@code jti}, and {@code kubernetes.io.namespace / serviceaccount.{name,uid}}),
 * issued by TokenRequest and accepted as bearer tokens while unexpired, for one of the API
 * audiences, and while the service account still exists with the same uid. Thread safe.
 */
public final class ServiceAccountTokens implements TokenAuthenticator {
    /** Kubernetes' default issuer and API audience. */
    public static final String DEFAULT_ISSUER = "https://kubernetes.default.svc.cluster.local";
    private static final Duration LEEWAY = Duration.ofMinutes(1);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    /** Finds a service account's uid (empty when it does not exist). */
    @FunctionalInterface
    public interface ServiceAccountLookup {
        Optional<String> uid(String namespace, String name);
    }

    /** An issued token and when it expires. */
    public record Issued(String token, Instant expiration) {
        @Override
        public String toString() {
            return "Issued[token=<redacted>, expiration=" + expiration + "]";
        }
    }

    private final KeyPair keys;
    private final String keyId;
    private final String issuer;
    private final List<String> apiAudiences;
    private final Clock clock;
    private final ServiceAccountLookup serviceAccounts;

    /** @param keys an RSA key pair (the private half signs, the public half verifies) */
    public ServiceAccountTokens(KeyPair keys, String issuer, List<String> apiAudiences, Clock clock,
            ServiceAccountLookup serviceAccounts) {
        if (!(keys.getPrivate() instanceof RSAPrivateKey)) {
            throw new IllegalArgumentException("service account tokens need an RSA key, got "
                    + keys.getPrivate().getAlgorithm());
        }
        this.keys = keys;
        this.keyId = B64.encodeToString(sha256(keys.getPublic().getEncoded()));
        this.issuer = issuer;
        this.apiAudiences = List.copyOf(apiAudiences);
        this.clock = clock;
        this.serviceAccounts = serviceAccounts;
    }

    public List<String> apiAudiences() {
        return apiAudiences;
    }

    /** Signs a token for {@code namespace/name} valid for {@code lifetime} from now. */
    public Issued issue(String namespace, String name, String uid, List<String> audiences, Duration lifetime) {
        Instant now = clock.instant();
        Instant exp = now.plus(lifetime);
        ObjectNode header = Json.object();
        header.put("alg", "RS256");
        header.put("kid", keyId);
        ObjectNode claims = Json.object();
        audiences.forEach(claims.putArray("aud")::add);
        claims.put("exp", exp.getEpochSecond());
        claims.put("iat", now.getEpochSecond());
        claims.put("iss", issuer);
        claims.put("jti", UUID.randomUUID().toString());
        ObjectNode k8s = claims.putObject("kubernetes.io");
        k8s.put("namespace", namespace);
        ObjectNode sa = k8s.putObject("serviceaccount");
        sa.put("name", name);
        sa.put("uid", uid);
        claims.put("nbf", now.getEpochSecond());
        claims.put("sub", Subject.SERVICE_ACCOUNT_PREFIX + namespace + ":" + name);
        String signingInput = B64.encodeToString(Json.writeBytes(header)) + "." + B64.encodeToString(
                Json.writeBytes(claims));
        try {
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(keys.getPrivate());
            signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return new Issued(signingInput + "." + B64.encodeToString(signer.sign()),
                    Instant.ofEpochSecond(exp.getEpochSecond()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a service account token: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<UserInfo> authenticate(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        JsonNode header;
        JsonNode claims;
        try {
            header = Json.parse(B64D.decode(parts[0]));
            claims = Json.parse(B64D.decode(parts[1]));
        } catch (IllegalArgumentException | JacksonException e) {
            return Optional.empty();
        }
        if (!issuer.equals(Json.str(claims, "iss"))) {
            return Optional.empty(); // another issuer's JWT: not ours to judge
        }
        if (!"RS256".equals(Json.str(header, "alg"))) {
            throw new InvalidCredentialsException("service account token signed with " + Json.str(header, "alg"));
        }
        verifySignature(parts);
        Instant now = clock.instant();
        long exp = claims.path("exp").asLong(0);
        long nbf = claims.path("nbf").asLong(0);
        if (exp == 0 || now.isAfter(Instant.ofEpochSecond(exp).plus(LEEWAY))) {
            throw new InvalidCredentialsException("service account token has expired");
        }
        if (nbf != 0 && now.plus(LEEWAY).isBefore(Instant.ofEpochSecond(nbf))) {
            throw new InvalidCredentialsException("service account token is not valid yet");
        }
        List<String> audiences = audiences(claims.get("aud"));
        if (audiences.stream().noneMatch(apiAudiences::contains)) {
            throw new InvalidCredentialsException("service account token is for other audiences: " + audiences);
        }
        String subject = Json.str(claims, "sub");
        JsonNode k8s = claims.path("kubernetes.io");
        String namespace = Json.str(k8s, "namespace");
        String name = Json.str(k8s.path("serviceaccount"), "name");
        String uid = Json.str(k8s.path("serviceaccount"), "uid");
        if (namespace.isEmpty() || name.isEmpty()
                || !subject.equals(Subject.SERVICE_ACCOUNT_PREFIX + namespace + ":" + name)) {
            throw new InvalidCredentialsException("service account token names no service account");
        }
        Optional<String> current = serviceAccounts.uid(namespace, name);
        if (current.isEmpty()) {
            throw new InvalidCredentialsException("service account " + namespace + "/" + name + " has been deleted");
        }
        if (!uid.isEmpty() && !uid.equals(current.get())) {
            throw new InvalidCredentialsException("service account " + namespace + "/" + name
                    + " was recreated (uid " + current.get() + ", token for " + uid + ")");
        }
        return Optional.of(UserInfo.authenticated(subject,
                List.of("system:serviceaccounts", "system:serviceaccounts:" + namespace), current.get()));
    }

    private void verifySignature(String[] parts) {
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(keys.getPublic());
            verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!verifier.verify(B64D.decode(parts[2]))) {
                throw new InvalidCredentialsException("service account token signature does not verify");
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new InvalidCredentialsException("service account token signature does not verify: " + e);
        }
    }

    private static List<String> audiences(JsonNode aud) {
        List<String> out = new ArrayList<>();
        if (aud == null) {
            return out;
        }
        if (aud.isString()) {
            out.add(aud.stringValue());
        } else if (aud.isArray()) {
            aud.forEach(a -> out.add(a.asString("")));
        }
        return out;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
