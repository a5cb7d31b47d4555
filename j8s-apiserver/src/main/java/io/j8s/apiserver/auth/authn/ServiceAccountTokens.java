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
 * <p>A token may be bound to a Pod, a Secret or a Node ({@code kubernetes.io.pod/secret/node {name,
 * uid}}; a Pod-bound token also names the Pod's Node when it is scheduled, as Kubernetes 1.30+
 * does): it then authenticates only while that object exists with the same uid and has not been
 * deleting for more than a minute (Kubernetes' validator, read from the watch cache). The user's
 * {@code extra} carries {@code authentication.kubernetes.io/credential-id} ({@code JTI=<jti>}) and,
 * for bound tokens, {@code pod-name}/{@code pod-uid} and {@code node-name}/{@code node-uid}.
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

    /** What the validator needs of an object a token names: its uid and deletion timestamp. */
    public record ObjectMeta(String uid, Instant deletionTimestamp) {}

    /**
     * Finds the objects tokens name: {@code kind} is {@code ServiceAccount}, {@code Pod}, {@code
     * Secret} or {@code Node} ({@code namespace} null for Nodes). Answers from memory.
     */
    @FunctionalInterface
    public interface ObjectLookup {
        Optional<ObjectMeta> get(String kind, String namespace, String name);
    }

    /** A reference to a bound object as the claims carry it. */
    public record Ref(String name, String uid) {
        Map<String, Object> claim() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("uid", uid);
            return m;
        }
    }

    /** What a token is bound to: at most one of Pod, Secret, Node, plus the Pod's Node. */
    public record Binding(Ref pod, Ref secret, Ref node) {
        public static final Binding NONE = new Binding(null, null, null);
    }

    /** Extra keys as Kubernetes' {@code pkg/serviceaccount} sets them. */
    public static final String POD_NAME_KEY = "authentication.kubernetes.io/pod-name";

    public static final String POD_UID_KEY = "authentication.kubernetes.io/pod-uid";
    public static final String NODE_NAME_KEY = "authentication.kubernetes.io/node-name";
    public static final String NODE_UID_KEY = "authentication.kubernetes.io/node-uid";
    public static final String CREDENTIAL_ID_KEY = "authentication.kubernetes.io/credential-id";

    /** A bound object deleting for longer than this invalidates its tokens (Kubernetes: 60 s). */
    private static final Duration DELETION_GRACE = Duration.ofSeconds(60);

    static final String INVALIDATED = "service account token has been invalidated";

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
    private final ObjectLookup objects;
    private final DefaultJWTProcessor<SecurityContext> verifier = new DefaultJWTProcessor<>();

    /**
     * Tokens whose bound objects are never found (so only unbound tokens authenticate).
     *
     * @param keys an RSA key pair (the private half signs, the public half verifies)
     */
    public ServiceAccountTokens(
            KeyPair keys,
            String issuer,
            List<String> apiAudiences,
            Clock clock,
            ServiceAccountLookup serviceAccounts) {
        this(
                keys,
                issuer,
                apiAudiences,
                clock,
                (kind, namespace, name) ->
                        kind.equals("ServiceAccount")
                                ? serviceAccounts
                                        .uid(namespace, name)
                                        .map(uid -> new ObjectMeta(uid, null))
                                : Optional.empty());
    }

    /**
     * @param keys an RSA key pair (the private half signs, the public half verifies)
     */
    public ServiceAccountTokens(
            KeyPair keys,
            String issuer,
            List<String> apiAudiences,
            Clock clock,
            ObjectLookup objects) {
        if (!(keys.getPrivate() instanceof RSAPrivateKey)
                || !(keys.getPublic() instanceof RSAPublicKey publicKey)) {
            throw new IllegalArgumentException(
                    "service account tokens need an RSA key, got "
                            + keys.getPrivate().getAlgorithm());
        }
        this.signer = new RSASSASigner(keys.getPrivate());
        this.keyId =
                Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(sha256(publicKey.getEncoded()));
        this.issuer = issuer;
        this.apiAudiences = List.copyOf(apiAudiences);
        this.clock = clock;
        this.objects = objects;
        RSAKey verificationKey =
                new RSAKey.Builder(publicKey)
                        .keyID(keyId)
                        .keyUse(KeyUse.SIGNATURE)
                        .algorithm(JWSAlgorithm.RS256)
                        .build();
        verifier.setJWSKeySelector(
                new JWSVerificationKeySelector<>(
                        ALGORITHMS, new ImmutableJWKSet<>(new JWKSet(verificationKey))));
        DefaultJWTClaimsVerifier<SecurityContext> claims =
                new DefaultJWTClaimsVerifier<>(
                        null,
                        new JWTClaimsSet.Builder().issuer(issuer).build(),
                        Set.of(
                                JWTClaimNames.EXPIRATION_TIME,
                                JWTClaimNames.SUBJECT,
                                JWTClaimNames.AUDIENCE),
                        null) {
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

    /** Signs an unbound token for {@code namespace/name} valid for {@code lifetime} from now. */
    public Issued issue(
            String namespace, String name, String uid, List<String> audiences, Duration lifetime) {
        return issue(namespace, name, uid, audiences, lifetime, Binding.NONE);
    }

    /**
     * Signs a token for {@code namespace/name} bound to {@code binding}, valid for {@code lifetime}
     * from now.
     */
    public Issued issue(
            String namespace,
            String name,
            String uid,
            List<String> audiences,
            Duration lifetime,
            Binding binding) {
        long now = clock.instant().getEpochSecond();
        long exp = now + lifetime.toSeconds();
        // Claims in the order and shape Kubernetes writes them (aud always a list), written by
        // Jackson,
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
        // sorted, as Kubernetes' token generator merges the claims through a map
        Map<String, Object> k8s = new LinkedHashMap<>();
        k8s.put("namespace", namespace);
        if (binding.node() != null) {
            k8s.put("node", binding.node().claim());
        }
        if (binding.pod() != null) {
            k8s.put("pod", binding.pod().claim());
        }
        if (binding.secret() != null) {
            k8s.put("secret", binding.secret().claim());
        }
        k8s.put("serviceaccount", serviceAccount);
        claims.put("kubernetes.io", k8s);
        claims.put(JWTClaimNames.NOT_BEFORE, now);
        claims.put(JWTClaimNames.SUBJECT, Subject.SERVICE_ACCOUNT_PREFIX + namespace + ":" + name);
        JWSObject jws =
                new JWSObject(
                        new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keyId).build(),
                        new Payload(Json.write(claims)));
        try {
            jws.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(
                    "cannot sign a service account token: " + e.getMessage(), e);
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
        if (!(jwt instanceof SignedJWT)
                || !ALGORITHMS.contains(((SignedJWT) jwt).getHeader().getAlgorithm())) {
            throw new InvalidCredentialsException(
                    "service account token signed with "
                            + jwt.getHeader().getAlgorithm()
                            + ": only RS256 is accepted");
        }
        JWTClaimsSet claims;
        try {
            claims = verifier.process(jwt, null);
        } catch (ExpiredJWTException e) {
            throw new InvalidCredentialsException("service account token has expired");
        } catch (BadJWSException e) {
            throw new InvalidCredentialsException(
                    "service account token signature does not verify");
        } catch (BadJWTException e) {
            throw new InvalidCredentialsException(
                    "service account token is not valid: " + e.getMessage());
        } catch (BadJOSEException e) {
            // No key of this server matches the token's kid and algorithm.
            throw new InvalidCredentialsException(
                    "service account token signature does not verify: it is not"
                            + " signed by this cluster's service account key");
        } catch (JOSEException e) {
            throw new InvalidCredentialsException(
                    "service account token signature does not verify: " + e.getMessage());
        }
        List<String> audiences = claims.getAudience();
        if (audiences.stream().noneMatch(apiAudiences::contains)) {
            throw new InvalidCredentialsException(
                    "service account token is for other audiences: " + audiences);
        }
        String subject = claims.getSubject();
        Map<String, Object> k8s = map(claims.getClaim("kubernetes.io"));
        String namespace = string(k8s.get("namespace"));
        Map<String, Object> account = map(k8s.get("serviceaccount"));
        String name = string(account.get("name"));
        String uid = string(account.get("uid"));
        if (namespace.isEmpty()
                || name.isEmpty()
                || !subject.equals(Subject.SERVICE_ACCOUNT_PREFIX + namespace + ":" + name)) {
            throw new InvalidCredentialsException("service account token names no service account");
        }
        Optional<ObjectMeta> current = objects.get("ServiceAccount", namespace, name);
        if (current.isEmpty() || deletedLongAgo(current.get())) {
            throw new InvalidCredentialsException(
                    "service account " + namespace + "/" + name + " has been deleted");
        }
        String currentUid = current.get().uid();
        if (!uid.isEmpty() && !uid.equals(currentUid)) {
            throw new InvalidCredentialsException(
                    "service account "
                            + namespace
                            + "/"
                            + name
                            + " was recreated (uid "
                            + currentUid
                            + ", token for "
                            + uid
                            + ")");
        }
        Map<String, List<String>> extra = new LinkedHashMap<>();
        Ref secret = ref(k8s.get("secret"));
        if (secret != null) {
            checkBound("Secret", "secret", namespace, secret);
        }
        Ref pod = ref(k8s.get("pod"));
        if (pod != null) {
            checkBound("Pod", "pod", namespace, pod);
            extra.put(POD_NAME_KEY, List.of(pod.name()));
            extra.put(POD_UID_KEY, List.of(pod.uid()));
        }
        Ref node = ref(k8s.get("node"));
        if (node != null) {
            if (pod == null) {
                // a Node-bound token; for a Pod-bound one the node claim only informs
                checkBound("Node", "node", null, node);
            }
            extra.put(NODE_NAME_KEY, List.of(node.name()));
            extra.put(NODE_UID_KEY, List.of(node.uid()));
        }
        String jti = claims.getJWTID();
        if (jti != null && !jti.isEmpty()) {
            extra.put(CREDENTIAL_ID_KEY, List.of("JTI=" + jti));
        }
        return Optional.of(
                UserInfo.authenticated(
                        subject,
                        List.of("system:serviceaccounts", "system:serviceaccounts:" + namespace),
                        currentUid,
                        extra));
    }

    /**
     * Kubernetes' checks of a bound object: it exists, was not deleted a minute ago, has the
     * token's uid.
     */
    private void checkBound(String kind, String claim, String namespace, Ref ref) {
        Optional<ObjectMeta> found = objects.get(kind, namespace, ref.name());
        if (found.isEmpty() || deletedLongAgo(found.get())) {
            throw new InvalidCredentialsException(INVALIDATED);
        }
        if (!ref.uid().equals(found.get().uid())) {
            throw new InvalidCredentialsException(
                    claim
                            + " UID ("
                            + found.get().uid()
                            + ") does not match service"
                            + " account "
                            + claim
                            + " ref claim ("
                            + ref.uid()
                            + ")");
        }
    }

    private boolean deletedLongAgo(ObjectMeta meta) {
        return meta.deletionTimestamp() != null
                && meta.deletionTimestamp().isBefore(clock.instant().minus(DELETION_GRACE));
    }

    private static Ref ref(Object claim) {
        Map<String, Object> m = map(claim);
        if (m.isEmpty()) {
            return null;
        }
        return new Ref(string(m.get("name")), string(m.get("uid")));
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
