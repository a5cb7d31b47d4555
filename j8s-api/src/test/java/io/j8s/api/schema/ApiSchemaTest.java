package io.j8s.api.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.api.ResourceType;
import io.j8s.api.ResourceTypes;
import io.j8s.api.patch.PatchMeta;
import io.j8s.api.patch.PatchSchemas;
import io.j8s.api.schema.ApiSchema.ArrayOf;
import io.j8s.api.schema.ApiSchema.Definition;
import io.j8s.api.schema.ApiSchema.MapOf;
import io.j8s.api.schema.ApiSchema.Primitive;
import io.j8s.api.schema.ApiSchema.Property;
import io.j8s.api.schema.ApiSchema.Ref;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiSchemaTest {

    private final ApiSchema schema = ApiSchema.get();

    @Test
    void everyServedKindHasADefinitionNamedAsKubernetesNamesIt() {
        for (ResourceType type : ResourceTypes.all()) {
            String name = schema.kindDefinition(type.apiVersion(), type.kind());
            assertThat(name).as(type.kind()).isNotNull();
            Definition d = schema.definition(name);
            assertThat(d.gvks())
                    .contains(new ApiSchema.Gvk(type.group(), type.version(), type.kind()));
            assertThat(schema.definition(name + "List").gvks())
                    .containsExactly(
                            new ApiSchema.Gvk(type.group(), type.version(), type.listKind()));
        }
        assertThat(schema.kindDefinition("v1", "Service")).isEqualTo("io.k8s.api.core.v1.Service");
        assertThat(schema.kindDefinition("apps/v1", "Deployment"))
                .isEqualTo("io.k8s.api.apps.v1.Deployment");
        assertThat(schema.kindDefinition("discovery.k8s.io/v1", "EndpointSlice"))
                .isEqualTo("io.k8s.api.discovery.v1.EndpointSlice");
        assertThat(schema.kindDefinition("rbac.authorization.k8s.io/v1", "ClusterRole"))
                .isEqualTo("io.k8s.api.rbac.v1.ClusterRole");
    }

    @Test
    void everyReferenceResolves() {
        for (Definition d : schema.definitions().values()) {
            for (String ref : d.references()) {
                assertThat(schema.definition(ref)).as(d.name() + " -> " + ref).isNotNull();
            }
            assertThat(d.name()).startsWith("io.k8s.");
        }
    }

    @Test
    void fieldTypesComeFromTheModelClasses() {
        Definition spec = schema.definition("io.k8s.api.core.v1.ServiceSpec");
        assertThat(spec.property("sessionAffinity").shape())
                .isEqualTo(new Primitive("string", null));
        assertThat(spec.property("sessionAffinity").description()).contains("ClientIP");
        assertThat(spec.property("selector").shape())
                .isEqualTo(new MapOf(new Primitive("string", null)));
        assertThat(spec.property("ports").shape())
                .isEqualTo(new ArrayOf(new Ref("io.k8s.api.core.v1.ServicePort")));
        Definition port = schema.definition("io.k8s.api.core.v1.ServicePort");
        assertThat(port.property("port").shape()).isEqualTo(new Primitive("integer", "int32"));
        assertThat(port.property("targetPort").shape()).isEqualTo(new Ref(ApiSchema.INT_OR_STRING));
        assertThat(port.required()).containsExactly("port");
        Definition meta = schema.definition(ApiSchema.OBJECT_META);
        assertThat(meta.property("creationTimestamp").shape()).isEqualTo(new Ref(ApiSchema.TIME));
        assertThat(meta.property("generation").shape())
                .isEqualTo(new Primitive("integer", "int64"));
        assertThat(
                        schema.definition("io.k8s.api.core.v1.ResourceRequirements")
                                .property("limits")
                                .shape())
                .isEqualTo(new MapOf(new Ref(ApiSchema.QUANTITY)));
        assertThat(
                        schema.definition("io.k8s.api.coordination.v1.LeaseSpec")
                                .property("renewTime")
                                .shape())
                .isEqualTo(new Ref(ApiSchema.MICRO_TIME));
        assertThat(schema.definition("io.k8s.api.apps.v1.DeploymentSpec").required())
                .containsExactly("selector", "template");
        assertThat(
                        schema.definition("io.k8s.api.apps.v1.DeploymentSpec")
                                .property("selector")
                                .shape())
                .isEqualTo(new Ref(ApiSchema.META + "LabelSelector"));
    }

    @Test
    void listMetadataIsPublishedWithTheFields() {
        Property ports = schema.definition("io.k8s.api.core.v1.ServiceSpec").property("ports");
        assertThat(ports.patchStrategy()).isEqualTo("merge");
        assertThat(ports.patchMergeKey()).isEqualTo("port");
        assertThat(ports.listType()).isEqualTo("map");
        assertThat(ports.listMapKeys()).containsExactly("port", "protocol");
        Property volumes = schema.definition("io.k8s.api.core.v1.PodSpec").property("volumes");
        assertThat(volumes.patchStrategy()).isEqualTo("merge,retainKeys");
        assertThat(volumes.mergesList()).isTrue();
    }

    @Test
    void patchSchemasReadTheModel() {
        PatchMeta pod = PatchSchemas.forKind("v1", "Pod");
        PatchMeta.Field containers = pod.field("spec").type().field("containers");
        assertThat(containers.merge()).isTrue();
        assertThat(containers.mergeKey()).isEqualTo("name");
        assertThat(containers.type().field("ports").mergeKey()).isEqualTo("containerPort");
        assertThat(pod.field("metadata").type().field("finalizers"))
                .isEqualTo(new PatchMeta.Field(PatchMeta.NONE, true, ""));
        assertThat(pod.field("status").type().field("conditions").mergeKey()).isEqualTo("type");
        PatchMeta deployment = PatchSchemas.forKind("apps/v1", "Deployment");
        assertThat(
                        deployment
                                .field("spec")
                                .type()
                                .field("template")
                                .type()
                                .field("spec")
                                .type()
                                .field("volumes")
                                .mergeKey())
                .isEqualTo("name");
        assertThat(
                        PatchSchemas.forKind("v1", "Service")
                                .field("spec")
                                .type()
                                .field("ports")
                                .mergeKey())
                .isEqualTo("port");
        assertThat(
                        PatchSchemas.forKind("v1", "Node")
                                .field("spec")
                                .type()
                                .field("podCIDRs")
                                .merge())
                .isTrue();
        assertThat(PatchSchemas.forKind("v1", "ServiceAccount").field("secrets").mergeKey())
                .isEqualTo("name");
        for (String replaced : List.of("endpoints", "ports")) {
            assertThat(
                            PatchSchemas.forKind("discovery.k8s.io/v1", "EndpointSlice")
                                    .field(replaced)
                                    .merge())
                    .isFalse();
        }
        assertThat(PatchSchemas.forKind("v1", "Endpoints").field("subsets").merge()).isFalse();
    }

    @Test
    void buildsQuickly() {
        long start = System.nanoTime();
        ApiSchema fresh = new ApiSchema(ResourceTypes.all());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(fresh.definitions()).hasSameSizeAs(schema.definitions());
        assertThat(millis).isLessThan(2_000);
    }
}
