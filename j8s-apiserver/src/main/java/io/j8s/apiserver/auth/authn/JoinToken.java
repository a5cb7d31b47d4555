package io.j8s.apiserver.auth.authn;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node join token in k3s' format, {@code K10<sha256 of the CA bundle, hex>::<id>:<secret>}: the
 * hash lets an agent check it talks to the right cluster before sending the secret; the id names
 * the token's user ({@code system:bootstrap:<id>}); the secret proves it. Immutable; {@link
 * #toString()} never shows the secret.
 */
public record JoinToken(String caHash, String id, String secret) {
    public static final String PREFIX = "K10";
    private static final Pattern FORMAT =
            Pattern.compile("K10([0-9a-f]{64})::([a-z0-9]{6}):([a-z0-9]{16,64})");
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    /** Reads a token. @throws IllegalArgumentException saying what is wrong (without echoing it) */
    public static JoinToken parse(String text) {
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "a join token looks like K10<64 hex digits>::<6 characters>:"
                            + "<16 or more characters>; this one does not");
        }
        return new JoinToken(m.group(1), m.group(2), m.group(3));
    }

    /** A new token for the CA bundle whose hash is {@code caHash}, with a random id and secret. */
    public static JoinToken generate(String caHash, SecureRandom random) {
        return new JoinToken(caHash, randomText(random, 6), randomText(random, 32));
    }

    /** The hex SHA-256 of a CA bundle, exactly as served at {@code /cacerts}. */
    public static String caHash(byte[] caBundle) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(caBundle));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The full token text (a secret). */
    public String encode() {
        return PREFIX + caHash + "::" + id + ":" + secret;
    }

    /** The user a holder of this token authenticates as. */
    public String user() {
        return "system:bootstrap:" + id;
    }

    /** Whether {@code other} is the same token, compared in constant time. */
    public boolean sameAs(JoinToken other) {
        return MessageDigest.isEqual(
                encode().getBytes(StandardCharsets.UTF_8),
                other.encode().getBytes(StandardCharsets.UTF_8));
    }

    /** Whether {@code caBundle} is the CA this token was made for, compared in constant time. */
    public boolean matchesCa(byte[] caBundle) {
        return MessageDigest.isEqual(
                caHash.getBytes(StandardCharsets.US_ASCII),
                caHash(caBundle).getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return "JoinToken[caHash=" + caHash + ", id=" + id + ", secret=<redacted>]";
    }

    private static String randomText(SecureRandom random, int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return s.toString();
    }
}
