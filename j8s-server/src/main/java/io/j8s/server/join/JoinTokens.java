package io.j8s.server.join;

import io.j8s.apiserver.auth.authn.JoinToken;
import io.j8s.server.pki.PrivateFiles;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's join token, kept in {@code <data-dir>/token} (mode 0600) as k3s keeps its token:
 * created on first start and reused, made again only if the CA it names is no longer this
 * cluster's. {@code j8s token} prints it.
 */
public final class JoinTokens {
    private static final Logger log = LoggerFactory.getLogger(JoinTokens.class);
    public static final String FILE = "token";

    private JoinTokens() {}

    /** Writes {@code token} to {@code dataDir} (the cluster's token, learned from the store). */
    public static void write(Path dataDir, JoinToken token) {
        Path file = dataDir.resolve(FILE);
        String text = token.encode() + "\n";
        if (!text.equals(PrivateFiles.readIfExists(file))) {
            PrivateFiles.writeSecret(file, text);
        }
    }

    /** The token for the CA bundle {@code caBundle}, read from or written to {@code dataDir}. */
    public static JoinToken loadOrCreate(Path dataDir, byte[] caBundle) {
        Path file = dataDir.resolve(FILE);
        String text = PrivateFiles.readIfExists(file);
        if (text != null) {
            try {
                JoinToken token = JoinToken.parse(text);
                if (token.matchesCa(caBundle)) {
                    return token;
                }
                log.atWarn()
                        .addKeyValue("file", file)
                        .log("the join token names another CA; making a new one");
            } catch (IllegalArgumentException e) {
                log.atWarn()
                        .addKeyValue("file", file)
                        .addKeyValue("error", e.getMessage())
                        .log("unreadable join token; making a new one");
            }
        }
        JoinToken token = JoinToken.generate(JoinToken.caHash(caBundle), new SecureRandom());
        PrivateFiles.writeSecret(file, token.encode() + "\n");
        log.atInfo().addKeyValue("file", file).log("created the join token");
        return token;
    }
}
