package io.j8s.apiserver.auth.authn;

import io.j8s.apiserver.auth.UserInfo;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Client certificates (Kubernetes' {@code x509} authenticator): the chain the client presented must
 * verify to one of the client CAs at the injected clock's time and allow client authentication; the
 * subject's CN is the user, each O a group. The TLS layer asks for a certificate but accepts any,
 * so a bad one ends here as a 401 rather than as a failed handshake, as in Kubernetes.
 *
 * <p>A chain that verified is remembered by its leaf until the first certificate of the chain
 * expires, so the requests of one connection (a kubelet's thousands) cost one signature check, not
 * one each (path validation was 3 % of the server's CPU under load). Thread safe.
 */
public final class X509Authenticator {
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    private final Set<TrustAnchor> anchors = new HashSet<>();
    private final List<X509Certificate> roots;
    private final Clock clock;

    /** Leaf → what it authenticated as and when its chain is valid; successes only. */
    private final Map<X509Certificate, Verified> verified = new ConcurrentHashMap<>();

    private record Verified(Optional<UserInfo> user, Instant notBefore, Instant notAfter) {
        boolean validAt(Instant now) {
            return !now.isBefore(notBefore) && !now.isAfter(notAfter);
        }
    }

    /** At most this many leaves are remembered; beyond, the memory starts over. */
    private static final int MAX_REMEMBERED = 4096;

    public X509Authenticator(List<X509Certificate> roots, Clock clock) {
        if (roots.isEmpty()) {
            throw new IllegalArgumentException(
                    "client certificate authentication needs at least one CA");
        }
        this.roots = List.copyOf(roots);
        for (X509Certificate root : roots) {
            anchors.add(new TrustAnchor(root, null));
        }
        this.clock = clock;
    }

    /** The CAs clients are told about in the TLS handshake. */
    public List<X509Certificate> roots() {
        return roots;
    }

    /**
     * The user of a presented chain (leaf first); empty when there is none or its CN is empty.
     *
     * @throws InvalidCredentialsException when the chain does not verify
     */
    public Optional<UserInfo> authenticate(Certificate[] chain) {
        if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Verified known = verified.get(leaf);
        if (known != null && known.validAt(now)) {
            return known.user();
        }
        verify(chain);
        Optional<UserInfo> user = userOf(leaf);
        if (verified.size() >= MAX_REMEMBERED) {
            verified.clear();
        }
        verified.put(leaf, validity(chain, user));
        return user;
    }

    private static Verified validity(Certificate[] chain, Optional<UserInfo> user) {
        Instant notBefore = Instant.MIN;
        Instant notAfter = Instant.MAX;
        for (Certificate c : chain) {
            if (c instanceof X509Certificate x) {
                notBefore = max(notBefore, x.getNotBefore().toInstant());
                notAfter = min(notAfter, x.getNotAfter().toInstant());
            }
        }
        return new Verified(user, notBefore, notAfter);
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Optional<UserInfo> userOf(X509Certificate leaf) {
        try {
            String cn = null;
            List<String> groups = new ArrayList<>();
            for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN") && cn == null) {
                    cn = rdn.getValue().toString();
                } else if (rdn.getType().equalsIgnoreCase("O")) {
                    groups.add(0, rdn.getValue().toString());
                }
            }
            if (cn == null || cn.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(UserInfo.authenticated(cn, groups, ""));
        } catch (InvalidNameException e) {
            throw new InvalidCredentialsException(
                    "unreadable certificate subject: " + e.getMessage());
        }
    }

    private void verify(Certificate[] chain) {
        try {
            List<Certificate> path = new ArrayList<>();
            for (Certificate c : chain) {
                if (!(c instanceof X509Certificate x) || !isAnchor(x)) {
                    path.add(c);
                }
            }
            X509Certificate leaf = (X509Certificate) chain[0];
            List<String> usages = leaf.getExtendedKeyUsage();
            if (usages != null && !usages.contains(CLIENT_AUTH)) {
                throw new InvalidCredentialsException(
                        "certificate of "
                                + leaf.getSubjectX500Principal()
                                + " is not for client authentication");
            }
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(clock.instant()));
            CertPathValidator.getInstance("PKIX")
                    .validate(
                            CertificateFactory.getInstance("X.509").generateCertPath(path), params);
        } catch (GeneralSecurityException e) {
            throw new InvalidCredentialsException("client certificate rejected: " + e.getMessage());
        } catch (RuntimeException e) {
            if (e instanceof InvalidCredentialsException) {
                throw e;
            }
            throw new InvalidCredentialsException("client certificate rejected: " + e);
        }
    }

    private boolean isAnchor(X509Certificate c) {
        for (TrustAnchor anchor : anchors) {
            if (anchor.getTrustedCert().equals(c)) {
                return true;
            }
        }
        return false;
    }
}
