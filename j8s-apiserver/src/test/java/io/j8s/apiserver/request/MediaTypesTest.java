package io.j8s.apiserver.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.j8s.apiserver.errors.ApiException;
import org.junit.jupiter.api.Test;

class MediaTypesTest {
    @Test
    void kubectlGet_getsATable() {
        String accept =
                "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,"
                        + "application/json";
        assertThat(MediaTypes.negotiate(accept, MediaTypes.Allowed.OBJECTS))
                .isEqualTo(MediaTypes.Format.TABLE_V1);
        assertThat(MediaTypes.negotiate(accept, MediaTypes.Allowed.PLAIN))
                .isEqualTo(MediaTypes.Format.JSON);
    }

    @Test
    void aggregatedDiscovery_onlyWhereAllowed() {
        String accept =
                "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
                        + "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
        assertThat(MediaTypes.negotiate(accept, MediaTypes.Allowed.DISCOVERY))
                .isEqualTo(MediaTypes.Format.DISCOVERY_V2);
        assertThat(MediaTypes.negotiate(accept, MediaTypes.Allowed.OBJECTS))
                .isEqualTo(MediaTypes.Format.JSON);
    }

    @Test
    void protobufIsAnsweredWithJson_yamlWithYaml_junkIs406() {
        assertThat(
                        MediaTypes.negotiate(
                                "application/vnd.kubernetes.protobuf,application/json",
                                MediaTypes.Allowed.OBJECTS))
                .isEqualTo(MediaTypes.Format.JSON);
        assertThat(
                        MediaTypes.negotiate(
                                "application/vnd.kubernetes.protobuf", MediaTypes.Allowed.OBJECTS))
                .isEqualTo(MediaTypes.Format.JSON);
        assertThat(MediaTypes.negotiate("application/yaml", MediaTypes.Allowed.OBJECTS))
                .isEqualTo(MediaTypes.Format.YAML);
        assertThat(MediaTypes.negotiate(null, MediaTypes.Allowed.OBJECTS))
                .isEqualTo(MediaTypes.Format.JSON);
        assertThatThrownBy(() -> MediaTypes.negotiate("image/png", MediaTypes.Allowed.OBJECTS))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.code()).isEqualTo(406));
    }

    @Test
    void malformedOrRefusedAccept_is406_notAnError() {
        for (String accept :
                new String[] {
                    ";;;",
                    ",",
                    ";q=1",
                    "text/html",
                    "application/json;q=0",
                    "application/json;q=0, text/html"
                }) {
            assertThatThrownBy(() -> MediaTypes.negotiate(accept, MediaTypes.Allowed.PLAIN))
                    .as(accept)
                    .isInstanceOfSatisfying(
                            ApiException.class, e -> assertThat(e.code()).isEqualTo(406));
        }
        assertThat(
                        MediaTypes.negotiate(
                                "text/html;q=0, application/json;q=0.5", MediaTypes.Allowed.PLAIN))
                .isEqualTo(MediaTypes.Format.JSON);
        assertThat(MediaTypes.negotiate("application/yaml;q=x", MediaTypes.Allowed.PLAIN))
                .isEqualTo(MediaTypes.Format.YAML);
    }
}
