package io.j8s.server.pki;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A key manager holding one key and its certificate chain in memory, choosing them as the JDK's
 * {@code SunX509} key manager would (key algorithm, signature algorithm of the issuer, the peer's
 * accepted issuers). It replaces a {@code KeyStore} + {@code KeyManagerFactory} pair: since JDK 9 a
 * new {@code KeyStore.getInstance("JKS")} store is, on JDK 17 as observed with JFR, a PKCS#12 one
 * underneath, which encrypts the key on {@code setKeyEntry} and decrypts it in {@code
 * KeyManagerFactory.init} with 10,000-round PBES2 — about a fifth of a test cluster's start CPU in
 * a warm host (docs/architecture.md, "Start-up").
 */
public final class InMemoryKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "j8s";

    private final PrivateKey key;
    private final X509Certificate[] chain;
    private final Set<Principal> chainIssuers = new HashSet<>();

    public InMemoryKeyManager(PrivateKey key, X509Certificate... chain) {
        if (chain.length == 0) {
            throw new IllegalArgumentException("a key needs its certificate chain");
        }
        this.key = key;
        this.chain = chain.clone();
        for (X509Certificate c : chain) {
            chainIssuers.add(c.getIssuerX500Principal());
        }
    }

    /** Whether this key fits {@code keyType} ({@code EC}, {@code RSA} or {@code EC_EC} style). */
    private boolean fits(String keyType, Principal[] issuers) {
        if (keyType == null) {
            return false;
        }
        String sigType = null;
        int underscore = keyType.indexOf('_');
        if (underscore >= 0) {
            sigType = keyType.substring(underscore + 1);
            keyType = keyType.substring(0, underscore);
        }
        if (!keyType.equals(chain[0].getPublicKey().getAlgorithm())) {
            return false;
        }
        if (sigType != null) {
            if (chain.length > 1) {
                if (!sigType.equals(chain[1].getPublicKey().getAlgorithm())) {
                    return false;
                }
            } else if (!chain[0].getSigAlgName()
                    .toUpperCase(Locale.ROOT)
                    .contains("WITH" + sigType.toUpperCase(Locale.ROOT))) {
                return false;
            }
        }
        if (issuers == null || issuers.length == 0) {
            return true;
        }
        for (Principal issuer : issuers) {
            if (chainIssuers.contains(issuer)) {
                return true;
            }
        }
        return false;
    }

    private String[] aliases(String keyType, Principal[] issuers) {
        return fits(keyType, issuers) ? new String[] {ALIAS} : null;
    }

    private String choose(String[] keyTypes, Principal[] issuers) {
        if (keyTypes != null) {
            for (String keyType : keyTypes) {
                if (fits(keyType, issuers)) {
                    return ALIAS;
                }
            }
        }
        return null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return aliases(keyType, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return choose(keyTypes, issuers);
    }

    @Override
    public String chooseEngineClientAlias(
            String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return choose(keyTypes, issuers);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return aliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return fits(keyType, issuers) ? ALIAS : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return fits(keyType, issuers) ? ALIAS : null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? key : null;
    }
}
