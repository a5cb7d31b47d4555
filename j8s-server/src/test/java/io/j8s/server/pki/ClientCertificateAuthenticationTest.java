package io.j8s.server.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.j8s.apiserver.auth.UserInfo;
import io.j8s.apiserver.auth.authn.InvalidCredentialsException;
import io.j8s.apiserver.auth.authn.X509Authenticator;
import io.j8s.testkit.MutableClock;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The API server's client-certificate authenticator with certificates from the cluster CA. */
class ClientCertificateAuthenticationTest {

    private final MutableClock clock = new MutableClock(Instant.now());

    @Test
    void aRememberedChainStopsAuthenticatingWhenItExpires() {
        CertificateAuthority ca =
                CertificateAuthority.create("test-ca", Duration.ofDays(365), clock);
        X509Authenticator authenticator = new X509Authenticator(List.of(ca.certificate()), clock);
        Certificate[] chain = {
            ca.issueClient(
                    "alice", List.of("devs"), KeyPairs.ecdsa().getPublic(), Duration.ofHours(1))
        };

        UserInfo first = authenticator.authenticate(chain).orElseThrow();
        assertThat(first.name()).isEqualTo("alice");
        assertThat(first.groups()).contains("devs");
        assertThat(authenticator.authenticate(chain)).contains(first); // remembered

        clock.advance(Duration.ofHours(2));
        assertThatThrownBy(() -> authenticator.authenticate(chain))
                .isInstanceOf(InvalidCredentialsException.class)
                .hasMessageContaining("client certificate rejected");
    }

    @Test
    void aCertificateFromAnotherCaIsRejectedEveryTime() {
        CertificateAuthority ours =
                CertificateAuthority.create("ours", Duration.ofDays(365), clock);
        CertificateAuthority theirs =
                CertificateAuthority.create("theirs", Duration.ofDays(365), clock);
        X509Authenticator authenticator = new X509Authenticator(List.of(ours.certificate()), clock);
        Certificate[] chain = {
            theirs.issueClient(
                    "mallory", List.of(), KeyPairs.ecdsa().getPublic(), Duration.ofHours(1))
        };
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> authenticator.authenticate(chain))
                    .isInstanceOf(InvalidCredentialsException.class);
        }
    }
}
