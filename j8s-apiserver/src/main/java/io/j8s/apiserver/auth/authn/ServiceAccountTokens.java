package io.j8s.apiserver.auth.authn;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimNames;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import io.j8s.api.json.Json;
import io.j8s.apiserver.auth.UserInfo;
import io.j8s.apiserver.auth.rbac.Subject;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Service account tokens: signed JWTs (RS256) with Kubernetes' claims ({@code pkg/serviceaccount}:
 * {@code iss}, {@code sub = system:serviceaccount:<ns>:<name>}, {@code aud}, {@code exp}, {@code
 * iat}, {@code nbf}, {@code jti}, and {@code kubernetes.io.namespace / serviceaccount.{name,uid}}),
 * issued by TokenRequest and accepted as bearer tokens while unexpired, for one of the API
 * audiences, and while the service account still exists with the same uid.
 *
 * <p>Signing and verifying are Nimbus JOSE+JWT's (see docs/architecture.md, Security), with an
 * explicit algorithm allow-list: only RS256, as Kubernetes issues, so {@code alg: none} and HMAC
 * tokens (whose "key" would be the public key) never reach a verifier. Thread safe.
 */
public final class ServiceAccountTokens implements TokenAuthenticator {
    /** Kubernetes' default issuer and API audience. */
    public static final String DEFAULT_ISSUER = "https://kubernetes.default.svc.cluster.local";
    private static final Duration LEEWAY = Duration.ofMinutes(1);
    /** The only signature algorithms accepted. */
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256);

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

    private final RSASSASigner signer;
    private final String keyId;
    private final String issuer;
    private final List<String> apiAudiences;
    private final Clock clock;
    private final ServiceAccountLookup serviceAccounts;
    private final DefaultJWTProcessor<SecurityContext> verifier = new DefaultJWTProcessor<>();

    /** @param keys an RSA key pair (the private half signs, the public half verifies) */
    public ServiceAccountTokens(KeyPair keys, String issuer, List<String> apiAudiences, Clock clock,
            ServiceAccountLookup serviceAccounts) {
        if (!(keys.getPrivate() instanceof RSAPrivateKey) || !(keys.getPublic() instanceof RSAPublicKey publicKey)) {
            throw new IllegalArgumentException("service account tokens need an RSA key, got "
                    + keys.getPrivate().getAlgorithm());
        }
        this.signer = new RSASSASigner(keys.getPrivate());
        this.keyId = Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(publicKey.getEncoded()));
        this.issuer = issuer;
        this.apiAudiences = List.copyOf(apiAudiences);
        this.clock = clock;
        this.serviceAccounts = serviceAccounts;
        RSAKey verificationKey = new RSAKey.Builder(publicKey).keyID(keyId).keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.RS256).build();
        verifier.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS,
                new ImmutableJWKSet<>(new JWKSet(verificationKey))));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(null,
                new JWTClaimsSet.Builder().issuer(issuer).build(),
                Set.of(JWTClaimNames.EXPIRATION_TIME, JWTClaimNames.SUBJECT, JWTClaimNames.AUDIENCE), null) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        claims.setMaxClockSkew((int) LEEWAY.toSeconds());
        verifier.setJWTClaimsSetVerifier(claims);
    }

    public List<String> apiAudiences() {
        return apiAudiences;
    }

    /** Signs a token for {@code namespace/name} valid for {@code lifetime} from now. */
    public Issued issue(String namespace, String name, String uid, List<String> audiences, Duration lifetime) {
        long now = clock.instant().getEpochSecond();
        long exp = now + lifetime.toSeconds();
        // Claims in the order and shape Kubernetes writes them (aud always a list), written by Jackson,
        // which keeps the order.
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put(JWTClaimNames.AUDIENCE, List.copyOf(audiences));
        claims.put(JWTClaimNames.EXPIRATION_TIME, exp);
        claims.put(JWTClaimNames.ISSUED_AT, now);
        claims.put(JWTClaimNames.ISSUER, issuer);
        claims.put(JWTClaimNames.JWT_ID, UUID.randomUUID().toString());
        Map<String, Object> serviceAccount = new LinkedHashMap<>();
        serviceAccount.put("name", name);
        serviceAccount.put("uid", uid);
        Map<String, Object> k8s = new LinkedHashMap<>();
        k8s.put("namespace", namespace);
        k8s.put("serviceaccount", serviceAccount);
        claims.put("kubernetes.io", k8s);
        claims.put(JWTClaimNames.NOT_BEFORE, now);
        claims.put(JWTClaimNames.SUBJECT, Subject.SERVICE_ACCOUNT_PREFIX + namespace + ":" + name);
        JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keyId).build(),
                new Payload(Json.write(claims)));
        try {
            jws.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a service account token: " + e.getMessage(), e);
        }
        return new Issued(jws.serialize(), Instant.ofEpochSecond(exp));
    }

    @Override
    public Optional<UserInfo> authenticate(String token) {
        JWT jwt;
        JWTClaimsSet unverified;
        try {
            jwt = JWTParser.parse(token);
            unverified = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            return Optional.empty(); // not a JWT
        }
        if (unverified == null || !issuer.equals(unverified.getIssuer())) {
            return Optional.empty(); // another issuer's JWT: not ours to judge
        }
        if (!(jwt instanceof SignedJWT) || !ALGORITHMS.contains(((SignedJWT) jwt).getHeader().getAlgorithm())) {
            throw new InvalidCredentialsException("service account token signed with "
                    + jwt.getHeader().getAlgorithm() + ": only RS256 is accepted");
        }
        JWTClaimsSet claims;
        try {
            claims = verifier.process(jwt, null);
        } catch (ExpiredJWTException e) {
            throw new InvalidCredentialsException("service account token has expired");
        } catch (BadJWSException e) {
            throw new InvalidCredentialsException("service account token signature does not verify");
        } catch (BadJWTException e) {
            throw new InvalidCredentialsException("service account token is not valid: " + e.getMessage());
        } catch (BadJOSEException e) {
            // No key of this server matches the token's kid and algorithm.
            throw new InvalidCredentialsException("service account token signature does not verify: it is not"
                    + " signed by this cluster's service account key");
        } catch (JOSEException e) {
            throw new InvalidCredentialsException("service account token signature does not verify: "
                    + e.getMessage());
        }
        List<String> audiences = claims.getAudience();
        if (audiences.stream().noneMatch(apiAudiences::contains)) {
            throw new InvalidCredentialsException("service account token is for other audiences: " + audiences);
        }
        String subject = claims.getSubject();
        Map<String, Object> k8s = map(claims.getClaim("kubernetes.io"));
        String namespace = string(k8s.get("namespace"));
        Map<String, Object> account = map(k8s.get("serviceaccount"));
        String name = string(account.get("name"));
        String uid = string(account.get("uid"));
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

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static String string(Object value) {
        return value instanceof String s ? s : "";
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
