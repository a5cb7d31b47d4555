package io.j8s.api.protobuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.j8s.api.ResourceType;
import io.j8s.api.ResourceTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemasTest {

    @Test
    void builtIn_coversEveryServedKind() {
        for (ResourceType type : ResourceTypes.all()) {
            assertThat(ProtobufDecoder.supports(type.apiVersion(), type.kind()))
                    .as("%s %s", type.apiVersion(), type.kind())
                    .isTrue();
        }
    }

    @Test
    void builtIn_coversReviewsTokenRequestsBindingsScalesAndDeleteOptions() {
        assertThat(ProtobufDecoder.supports("authorization.k8s.io/v1", "SelfSubjectAccessReview"))
                .isTrue();
        assertThat(ProtobufDecoder.supports("authorization.k8s.io/v1", "SubjectAccessReview"))
                .isTrue();
        assertThat(ProtobufDecoder.supports("authorization.k8s.io/v1", "LocalSubjectAccessReview"))
                .isTrue();
        assertThat(ProtobufDecoder.supports("authorization.k8s.io/v1", "SelfSubjectRulesReview"))
                .isTrue();
        assertThat(ProtobufDecoder.supports("authentication.k8s.io/v1", "TokenRequest")).isTrue();
        assertThat(ProtobufDecoder.supports("authentication.k8s.io/v1", "TokenReview")).isTrue();
        assertThat(ProtobufDecoder.supports("authentication.k8s.io/v1", "SelfSubjectReview"))
                .isTrue();
        assertThat(ProtobufDecoder.supports("v1", "Binding")).isTrue();
        assertThat(ProtobufDecoder.supports("autoscaling/v1", "Scale")).isTrue();
        assertThat(ProtobufDecoder.supports("apps/v1", "DeleteOptions")).isTrue();
        assertThat(ProtobufDecoder.supports("batch/v1", "Job")).isFalse();
    }

    @Test
    void builtIn_podSpecIsWhole() {
        MessageSchema podSpec = Schemas.builtIn().message("core.PodSpec");
        assertThat(podSpec.fields())
                .extracting(FieldSchema::jsonName)
                .contains(
                        "volumes",
                        "initContainers",
                        "containers",
                        "ephemeralContainers",
                        "restartPolicy",
                        "terminationGracePeriodSeconds",
                        "nodeSelector",
                        "serviceAccountName",
                        "hostNetwork",
                        "securityContext",
                        "affinity",
                        "tolerations",
                        "topologySpreadConstraints",
                        "os",
                        "schedulingGates",
                        "resourceClaims",
                        "resources");
    }

    @Test
    void schemaTable_namesTheLineItCannotRead() {
        SchemaTable table =
                new SchemaTable(
                        "test",
                        "test/v1",
                        List.of(),
                        """
                Thing
                  1 name strin g
                """);
        assertThatThrownBy(table::parse)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("test.Thing")
                .hasMessageContaining("1 name strin g");
    }

    @Test
    void schemas_rejectAReferenceToAnUndefinedMessage() {
        SchemaTable table =
                new SchemaTable(
                        "test",
                        "test/v1",
                        List.of("Thing"),
                        """
                Thing
                  1 spec ThingSpec
                """);
        assertThatThrownBy(() -> new Schemas(List.of(table)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("test.Thing field 1 refers to undefined message test.ThingSpec");
    }

    @Test
    void schemas_rejectAFieldNumberUsedTwice() {
        SchemaTable table =
                new SchemaTable(
                        "test",
                        "test/v1",
                        List.of(),
                        """
                Thing
                  1 a string
                  1 b string
                """);
        assertThatThrownBy(table::parse)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("test.Thing: field number 1 is used twice");
    }
}
