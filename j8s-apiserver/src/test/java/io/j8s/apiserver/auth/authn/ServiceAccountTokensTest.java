package io.j8s.apiserver.auth.authn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.Base64URL;
import io.j8s.apiserver.auth.UserInfo;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServiceAccountTokensTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final String ISSUER = ServiceAccountTokens.DEFAULT_ISSUER;
    private static final KeyPair KEYS = rsa();

    private final Map<String, String> accounts = new HashMap<>(Map.of("team/robot", "uid-1"));
    private Instant now = T0;
    private final Clock clock =
            new Clock() {
                @Override
                public java.time.ZoneId getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(java.time.ZoneId zone) {
                    return this;
                }

                @Override
                public Instant instant() {
                    return now;
                }
            };
    private final ServiceAccountTokens tokens =
            new ServiceAccountTokens(
                    KEYS,
                    ISSUER,
                    List.of(ISSUER),
                    clock,
                    (ns, name) -> Optional.ofNullable(accounts.get(ns + "/" + name)));

    private static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String issue(List<String> audiences) {
        return tokens.issue("team", "robot", "uid-1", audiences, Duration.ofHours(1)).token();
    }

    @Test
    void issued_authenticatesAsTheServiceAccount() {
        ServiceAccountTokens.Issued issued =
                tokens.issue("team", "robot", "uid-1", List.of(ISSUER), Duration.ofHours(1));
        assertThat(issued.expiration()).isEqualTo(T0.plus(Duration.ofHours(1)));
        assertThat(issued.toString()).doesNotContain(issued.token());
        UserInfo user = tokens.authenticate(issued.token()).orElseThrow();
        assertThat(user.name()).isEqualTo("system:serviceaccount:team:robot");
        assertThat(user.uid()).isEqualTo("uid-1");
        assertThat(user.groups())
                .containsExactly(
                        "system:serviceaccounts",
                        "system:serviceaccounts:team",
                        UserInfo.AUTHENTICATED);
        String claims =
                new String(
                        Base64.getUrlDecoder().decode(issued.token().split("\\.")[1]),
                        StandardCharsets.UTF_8);
        assertThat(claims)
                .contains(
                        "\"sub\":\"system:serviceaccount:team:robot\"",
                        "\"iss\":\"" + ISSUER + "\"",
                        "\"kubernetes.io\":{\"namespace\":\"team\",\"serviceaccount\":{\"name\":\"robot\",\"uid\":\"uid-1\"}}");
    }

    @Test
    void expired_isRejectedAfterTheLeeway() {
        String token = issue(List.of(ISSUER));
        now = T0.plus(Duration.ofMinutes(60)).plusSeconds(30);
        assertThat(tokens.authenticate(token)).isPresent();
        now = T0.plus(Duration.ofMinutes(62));
        assertThatThrownBy(() -> tokens.authenticate(token))
                .isInstanceOf(InvalidCredentialsException.class)
                .hasMessageContaining("expired");
    }

    @Test
    void tampered_isRejected() {
        String[] parts = issue(List.of(ISSUER)).split("\\.");
        String forged =
                Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(
                                new String(
                                                Base64.getUrlDecoder().decode(parts[1]),
                                                StandardCharsets.UTF_8)
                                        .replace("robot", "admin")
                                        .getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> tokens.authenticate(parts[0] + "." + forged + "." + parts[2]))
                .hasMessageContaining("signature does not verify");
    }

    @Test
    void unsignedAndHmacTokens_areRejectedWhateverTheirClaims() throws Exception {
        String[] parts = issue(List.of(ISSUER)).split("\\.");
        String unsigned = b64("{\"alg\":\"none\"}") + "." + parts[1] + ".";
        assertThatThrownBy(() -> tokens.authenticate(unsigned))
                .isInstanceOf(InvalidCredentialsException.class)
                .hasMessage("service account token signed with none: only RS256 is accepted");
        // HS256 "signed" with the public key: the algorithm confusion a hand-written verifier may
        // fall for.
        JWSObject hmac =
                new JWSObject(
                        new JWSHeader(JWSAlgorithm.HS256), new Payload(Base64URL.from(parts[1])));
        hmac.sign(new MACSigner(KEYS.getPublic().getEncoded()));
        assertThatThrownBy(() -> tokens.authenticate(hmac.serialize()))
                .isInstanceOf(InvalidCredentialsException.class)
                .hasMessage("service account token signed with HS256: only RS256 is accepted");
        // RS256 in the header but no signature is not a JWS at all: no authenticator takes it
        // (401).
        assertThat(tokens.authenticate(parts[0] + "." + parts[1] + ".")).isEmpty();
    }

    @Test
    void issued_hasKubernetesHeaderAndClaimShapes() {
        String[] parts = issue(List.of(ISSUER)).split("\\.");
        String header = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
        assertThat(header)
                .startsWith("{\"kid\":\"")
                .contains("\"alg\":\"RS256\"")
                .doesNotContain("typ");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        assertThat(claims)
                .startsWith(
                        "{\"aud\":[\""
                                + ISSUER
                                + "\"],\"exp\":"
                                + T0.plusSeconds(3600).getEpochSecond()
                                + ",\"iat\":"
                                + T0.getEpochSecond()
                                + ",");
        now = T0.minusSeconds(120);
        assertThatThrownBy(() -> tokens.authenticate(parts[0] + "." + parts[1] + "." + parts[2]))
                .hasMessageContaining("service account token is not valid: ");
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void otherKey_otherAudience_deletedOrRecreatedAccount_areRejected() {
        ServiceAccountTokens foreign =
                new ServiceAccountTokens(
                        rsa(), ISSUER, List.of(ISSUER), clock, (ns, name) -> Optional.of("uid-1"));
        String fromElsewhere =
                foreign.issue("team", "robot", "uid-1", List.of(ISSUER), Duration.ofHours(1))
                        .token();
        assertThatThrownBy(() -> tokens.authenticate(fromElsewhere))
                .hasMessageContaining("signature");
        assertThatThrownBy(() -> tokens.authenticate(issue(List.of("vault"))))
                .hasMessageContaining("audiences");
        String token = issue(List.of(ISSUER));
        accounts.put("team/robot", "uid-2");
        assertThatThrownBy(() -> tokens.authenticate(token)).hasMessageContaining("recreated");
        accounts.remove("team/robot");
        assertThatThrownBy(() -> tokens.authenticate(token)).hasMessageContaining("deleted");
    }

    @Test
    void notAJwtOfThisIssuer_isLeftToOthers() {
        assertThat(tokens.authenticate("plain-token")).isEmpty();
        String other =
                Base64.getUrlEncoder()
                                .withoutPadding()
                                .encodeToString("{\"alg\":\"RS256\"}".getBytes())
                        + "."
                        + Base64.getUrlEncoder()
                                .withoutPadding()
                                .encodeToString("{\"iss\":\"https://dex\"}".getBytes())
                        + ".x";
        assertThat(tokens.authenticate(other)).isEmpty();
    }

    /** Objects for the bound-token tests: kind/namespace/name → metadata. */
    private final Map<String, ServiceAccountTokens.ObjectMeta> objects =
            new HashMap<>(
                    Map.of(
                            "ServiceAccount/team/robot",
                                    new ServiceAccountTokens.ObjectMeta("uid-1", null),
                            "Pod/team/web", new ServiceAccountTokens.ObjectMeta("pod-1", null),
                            "Node/null/n1", new ServiceAccountTokens.ObjectMeta("node-1", null),
                            "Secret/team/s",
                                    new ServiceAccountTokens.ObjectMeta("secret-1", null)));

    private final ServiceAccountTokens bound =
            new ServiceAccountTokens(
                    KEYS,
                    ISSUER,
                    List.of(ISSUER),
                    clock,
                    (kind, ns, name) ->
                            Optional.ofNullable(objects.get(kind + "/" + ns + "/" + name)));

    private static String claims(String token) {
        return new String(
                Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
    }

    @Test
    void podBound_carriesThePodAndItsNode_andStopsWhenThePodIsGoneOrReplaced() {
        String token =
                bound.issue(
                                "team",
                                "robot",
                                "uid-1",
                                List.of(ISSUER),
                                Duration.ofHours(1),
                                new ServiceAccountTokens.Binding(
                                        new ServiceAccountTokens.Ref("web", "pod-1"),
                                        null,
                                        new ServiceAccountTokens.Ref("n1", "node-1")))
                        .token();
        assertThat(claims(token))
                .contains(
                        "\"kubernetes.io\":{\"namespace\":\"team\","
                                + "\"node\":{\"name\":\"n1\",\"uid\":\"node-1\"},\"pod\":{\"name\":\"web\",\"uid\":\"pod-1\"},"
                                + "\"serviceaccount\":{\"name\":\"robot\",\"uid\":\"uid-1\"}}");
        UserInfo user = bound.authenticate(token).orElseThrow();
        assertThat(user.name()).isEqualTo("system:serviceaccount:team:robot");
        assertThat(user.extra())
                .containsEntry(ServiceAccountTokens.POD_NAME_KEY, List.of("web"))
                .containsEntry(ServiceAccountTokens.POD_UID_KEY, List.of("pod-1"))
                .containsEntry(ServiceAccountTokens.NODE_NAME_KEY, List.of("n1"))
                .containsEntry(ServiceAccountTokens.NODE_UID_KEY, List.of("node-1"));
        assertThat(user.extra().get(ServiceAccountTokens.CREDENTIAL_ID_KEY))
                .singleElement()
                .asString()
                .startsWith("JTI=");
        // the node claim only informs for a Pod-bound token: a gone Node does not invalidate it
        objects.remove("Node/null/n1");
        assertThat(bound.authenticate(token)).isPresent();

        // deleting gracefully: still valid for a minute after the deletion timestamp
        objects.put(
                "Pod/team/web", new ServiceAccountTokens.ObjectMeta("pod-1", T0.plusSeconds(30)));
        now = T0.plusSeconds(60);
        assertThat(bound.authenticate(token)).isPresent();
        now = T0.plusSeconds(91);
        assertThatThrownBy(() -> bound.authenticate(token))
                .isInstanceOf(InvalidCredentialsException.class)
                .hasMessage("service account token has been invalidated");
        now = T0;
        objects.put("Pod/team/web", new ServiceAccountTokens.ObjectMeta("pod-2", null));
        assertThatThrownBy(() -> bound.authenticate(token))
                .hasMessage("pod UID (pod-2) does not match service account pod ref claim (pod-1)");
        objects.remove("Pod/team/web");
        assertThatThrownBy(() -> bound.authenticate(token))
                .hasMessage("service account token has been invalidated");
    }

    @Test
    void secretAndNodeBound_areCheckedAgainstTheirObject() {
        String secret =
                bound.issue(
                                "team",
                                "robot",
                                "uid-1",
                                List.of(ISSUER),
                                Duration.ofHours(1),
                                new ServiceAccountTokens.Binding(
                                        null, new ServiceAccountTokens.Ref("s", "secret-1"), null))
                        .token();
        String node =
                bound.issue(
                                "team",
                                "robot",
                                "uid-1",
                                List.of(ISSUER),
                                Duration.ofHours(1),
                                new ServiceAccountTokens.Binding(
                                        null, null, new ServiceAccountTokens.Ref("n1", "node-1")))
                        .token();
        assertThat(claims(secret)).contains("\"secret\":{\"name\":\"s\",\"uid\":\"secret-1\"}");
        assertThat(bound.authenticate(secret).orElseThrow().extra())
                .containsOnlyKeys(ServiceAccountTokens.CREDENTIAL_ID_KEY);
        assertThat(bound.authenticate(node).orElseThrow().extra())
                .containsEntry(ServiceAccountTokens.NODE_NAME_KEY, List.of("n1"));
        objects.remove("Secret/team/s");
        objects.put("Node/null/n1", new ServiceAccountTokens.ObjectMeta("node-2", null));
        assertThatThrownBy(() -> bound.authenticate(secret))
                .hasMessage("service account token has been invalidated");
        assertThatThrownBy(() -> bound.authenticate(node))
                .hasMessage(
                        "node UID (node-2) does not match service account node ref claim (node-1)");
    }

    @Test
    void unbound_stillAuthenticates_withACredentialId() {
        String token =
                bound.issue("team", "robot", "uid-1", List.of(ISSUER), Duration.ofHours(1)).token();
        objects.clear();
        objects.put(
                "ServiceAccount/team/robot", new ServiceAccountTokens.ObjectMeta("uid-1", null));
        assertThat(bound.authenticate(token).orElseThrow().extra())
                .containsOnlyKeys(ServiceAccountTokens.CREDENTIAL_ID_KEY);
    }
}
