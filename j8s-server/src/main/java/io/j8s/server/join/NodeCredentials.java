package io.j8s.server.join;

import io.j8s.apiserver.auth.join.NodeCredentialIssuer;
import io.j8s.server.pki.CertificateAuthority;
import io.j8s.server.pki.ClusterPki;
import io.j8s.server.pki.Identity;
import io.j8s.server.pki.Pem;

/** Signs joining nodes' certificate requests with the cluster CA, as {@code system:node:<name>}. */
public final class NodeCredentials implements NodeCredentialIssuer {
    private final CertificateAuthority ca;

    public NodeCredentials(CertificateAuthority ca) {
        this.ca = ca;
    }

    @Override
    public String issue(String nodeName, String csrPem) {
        Identity node = Identity.node(nodeName);
        return Pem.encode(
                ca.issueClientForRequest(
                        node.user(),
                        node.groups(),
                        Pem.certificationRequest(csrPem),
                        ClusterPki.LEAF_VALIDITY));
    }
}
