package io.j8s.server.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class IdentityTest {

    @Test
    void forComponent_mapsTheNamesComponentsUse() {
        assertThat(Identity.forComponent("system:node:n1"))
                .isEqualTo(new Identity("system:node:n1", List.of("system:nodes")));
        assertThat(Identity.forComponent("system:kube-proxy")).isEqualTo(Identity.kubeProxy());
        assertThat(Identity.forComponent("controller-manager"))
                .isEqualTo(Identity.controllerManager());
        assertThat(Identity.forComponent("default-scheduler")).isEqualTo(Identity.scheduler());
        assertThat(Identity.forComponent("endpoint-controller").user())
                .isEqualTo("system:serviceaccount:kube-system:endpoint-controller");
        assertThat(Identity.forComponent("endpoint-controller").groups())
                .containsExactly("system:serviceaccounts", "system:serviceaccounts:kube-system");
    }
}
