package io.j8s.server.join;

import io.j8s.api.json.Json;
import io.j8s.apiserver.auth.authn.JoinToken;
import io.j8s.server.pki.ClusterPki;
import io.j8s.server.pki.PrivateFiles;
import io.j8s.store.AlreadyExistsException;
import io.j8s.store.KeyValue;
import io.j8s.store.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Collection;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The cluster-wide secrets of servers that share one store (k3s' bootstrap data): the CA
 * certificate and key, the service account signing key and the join token's id and secret,
 * generated once by the first server and kept at {@link #KEY} in the store, encrypted with
 * AES-256-GCM under a key derived (PBKDF2-HMAC-SHA256) from the join token's {@code <id>:<secret>}.
 * A server started on a store that holds them decrypts them with the token it was given ({@code
 * --token}, {@code --token-file}, or its data dir's token) and installs them in its data dir, then
 * issues its own serving and admin certificates with that CA. Two first servers racing are resolved
 * by the store's create: the loser loads the winner's (both need the same token for that). Without
 * a token, or with another cluster's, the server refuses to start ({@link RefusedException}).
 */
public final class ClusterBootstrap {
    private static final Logger log = LoggerFactory.getLogger(ClusterBootstrap.class);

    /** Where the encrypted bootstrap data lives (not a resource: the watch cache ignores it). */
    public static final String KEY = "/registry/j8s.io/bootstrap";

    private static final int ITERATIONS = 200_000;
    private static final int SALT_BYTES = 16;
    private static final int NONCE_BYTES = 12;
    private static final Pattern SHORT = Pattern.compile("([a-z0-9]{6}):([a-z0-9]{16,64})");

    /** The server may not start: the message says why and what to pass. */
    public static final class RefusedException extends IllegalStateException {
        RefusedException(String message) {
            super(message);
        }
    }

    /** What a server runs with: its PKI (the cluster's CA, its own leaves) and the join token. */
    public record Joined(ClusterPki pki, JoinToken token, boolean created) {}

    private ClusterBootstrap() {}

    /**
     * Loads the cluster's secrets from {@code store}, or creates them and stores them when the
     * store holds none.
     *
     * @param token the token the server was given (full {@code K10...} or short {@code
     *     <id>:<secret>}), or null to use the data dir's {@code token} file if any
     * @throws RefusedException when the store holds a cluster this token cannot open, or {@code
     *     token} is malformed
     */
    public static Joined loadOrCreate(
            Store store, Path dataDir, String token, Collection<String> servingHosts, Clock clock) {
        Given given = token != null ? Given.parse(token) : Given.fromDataDir(dataDir);
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<KeyValue> stored = store.get(KEY);
            if (stored.isPresent()) {
                return join(
                        stored.get().value(), given, dataDir, servingHosts, clock, token != null);
            }
            ClusterPki pki = ClusterPki.loadOrCreate(dataDir, servingHosts, clock);
            JoinToken joinToken;
            if (token != null) {
                if (given.caHash() != null
                        && !given.caHash().equals(JoinToken.caHash(pki.caBundle()))) {
                    throw new RefusedException(
                            "the token names a cluster CA ("
                                    + given.caHash()
                                    + ") but the store"
                                    + " holds no cluster yet: start the first server without --token, or with the short"
                                    + " form <id>:<secret>");
                }
                joinToken =
                        new JoinToken(JoinToken.caHash(pki.caBundle()), given.id(), given.secret());
                JoinTokens.write(dataDir, joinToken);
            } else {
                joinToken = JoinTokens.loadOrCreate(dataDir, pki.caBundle());
            }
            byte[] sealed =
                    seal(passphrase(joinToken.id(), joinToken.secret()), plaintext(pki, joinToken));
            try {
                store.create(KEY, sealed);
                log.atInfo().log(
                        "stored the cluster's CA, service account key and token secret (encrypted with"
                                + " the token) for other servers");
                return new Joined(pki, joinToken, true);
            } catch (AlreadyExistsException e) {
                // Another first server won the race: load its secrets instead (the next round).
                log.atInfo().log("another server stored the cluster's secrets first; loading them");
                if (token == null) {
                    given = Given.fromDataDir(dataDir);
                }
            }
        }
        throw new IllegalStateException(
                "the bootstrap data at " + KEY + " keeps appearing and disappearing");
    }

    private static Joined join(
            byte[] sealed,
            Given given,
            Path dataDir,
            Collection<String> servingHosts,
            Clock clock,
            boolean explicit) {
        if (given == null) {
            throw new RefusedException(
                    "the store already holds a j8s cluster: start this server with that"
                            + " cluster's token (--token or --token-file; 'j8s token' prints it on a server of the cluster)");
        }
        JsonNode secrets;
        try {
            secrets = Json.parse(open(passphrase(given.id(), given.secret()), sealed));
        } catch (AEADBadTagException e) {
            throw new RefusedException(
                    "the token does not open the cluster in the store (it is another cluster's,"
                            + " or mistyped): pass the token of the cluster's servers ("
                            + (explicit
                                    ? "--token or" + " --token-file"
                                    : "this data dir holds another cluster's token; pass --token or --token-file")
                            + ")");
        }
        String caCert = Json.str(secrets, "caCertificate");
        if (given.caHash() != null
                && !given.caHash()
                        .equals(JoinToken.caHash(caCert.getBytes(StandardCharsets.UTF_8)))) {
            throw new RefusedException(
                    "the token's CA hash is not the hash of the cluster's CA in the store");
        }
        ClusterPki.adopt(
                dataDir,
                caCert,
                Json.str(secrets, "caKey"),
                Json.str(secrets, "serviceAccountKey"));
        ClusterPki pki = ClusterPki.loadOrCreate(dataDir, servingHosts, clock);
        JoinToken joinToken =
                new JoinToken(
                        JoinToken.caHash(pki.caBundle()),
                        Json.str(secrets, "tokenId"),
                        Json.str(secrets, "tokenSecret"));
        JoinTokens.write(dataDir, joinToken);
        log.atInfo()
                .addKeyValue("caHash", joinToken.caHash())
                .log(
                        "joined the cluster in the store: its CA and"
                                + " service account key are loaded, this server's certificates are its own");
        return new Joined(pki, joinToken, false);
    }

    private static byte[] plaintext(ClusterPki pki, JoinToken token) {
        ObjectNode secrets = Json.object();
        secrets.put("caCertificate", pki.caPem());
        // the files as ClusterPki wrote them, so every server reads the same encoding
        secrets.put("caKey", PrivateFiles.readIfExists(pki.dir().resolve("ca.key")));
        secrets.put(
                "serviceAccountKey",
                PrivateFiles.readIfExists(pki.dir().resolve("service-account.key")));
        secrets.put("tokenId", token.id());
        secrets.put("tokenSecret", token.secret());
        return Json.writeBytes(secrets);
    }

    private static char[] passphrase(String id, String secret) {
        return (id + ":" + secret).toCharArray();
    }

    /**
     * {@code {"kdf", "iterations", "salt", "nonce", "ciphertext"}} as JSON; the secrets are the GCM
     * plaintext.
     */
    static byte[] seal(char[] passphrase, byte[] plaintext) {
        SecureRandom random = new SecureRandom();
        byte[] salt = new byte[SALT_BYTES];
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(salt);
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(
                    Cipher.ENCRYPT_MODE,
                    key(passphrase, salt, ITERATIONS),
                    new GCMParameterSpec(128, nonce));
            ObjectNode sealed = Json.object();
            sealed.put("kdf", "PBKDF2WithHmacSHA256");
            sealed.put("iterations", ITERATIONS);
            sealed.put("salt", Base64.getEncoder().encodeToString(salt));
            sealed.put("nonce", Base64.getEncoder().encodeToString(nonce));
            sealed.put("ciphertext", Base64.getEncoder().encodeToString(cipher.doFinal(plaintext)));
            return Json.writeBytes(sealed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "cannot encrypt the bootstrap data: " + e.getMessage(), e);
        }
    }

    /**
     * The plaintext of {@link #seal}.
     *
     * @throws AEADBadTagException when {@code passphrase} is not the one sealed with
     */
    static byte[] open(char[] passphrase, byte[] sealedBytes) throws AEADBadTagException {
        JsonNode sealed = Json.parse(sealedBytes);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(
                    Cipher.DECRYPT_MODE,
                    key(
                            passphrase,
                            Base64.getDecoder().decode(Json.str(sealed, "salt")),
                            sealed.path("iterations").asInt()),
                    new GCMParameterSpec(
                            128, Base64.getDecoder().decode(Json.str(sealed, "nonce"))));
            return cipher.doFinal(Base64.getDecoder().decode(Json.str(sealed, "ciphertext")));
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "cannot decrypt the bootstrap data: " + e.getMessage(), e);
        }
    }

    private static SecretKeySpec key(char[] passphrase, byte[] salt, int iterations)
            throws GeneralSecurityException {
        byte[] key =
                SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                        .generateSecret(new PBEKeySpec(passphrase, salt, iterations, 256))
                        .getEncoded();
        return new SecretKeySpec(key, "AES");
    }

    /** A token as given: its id and secret, and the CA hash when given in full. */
    private record Given(String caHash, String id, String secret) {
        static Given parse(String text) {
            String t = text.trim();
            if (t.startsWith(JoinToken.PREFIX)) {
                try {
                    JoinToken token = JoinToken.parse(t);
                    return new Given(token.caHash(), token.id(), token.secret());
                } catch (IllegalArgumentException e) {
                    throw new RefusedException(e.getMessage());
                }
            }
            Matcher m = SHORT.matcher(t);
            if (!m.matches()) {
                throw new RefusedException(
                        "a server token is a join token (K10<CA hash>::<id>:<secret>) or"
                                + " its short form <id>:<secret> (6, then 16 to 64 lowercase letters and digits); this one is"
                                + " neither");
            }
            return new Given(null, m.group(1), m.group(2));
        }

        /**
         * The data dir's token, trusted only for its id and secret (the store's CA decides), or
         * null.
         */
        static Given fromDataDir(Path dataDir) {
            String text = PrivateFiles.readIfExists(dataDir.resolve(JoinTokens.FILE));
            if (text == null) {
                return null;
            }
            try {
                JoinToken token = JoinToken.parse(text);
                return new Given(null, token.id(), token.secret());
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }
}
