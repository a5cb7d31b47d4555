package io.j8s.client.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

class ComponentSerializationTest {

    private static final String POD =
            """
            {"apiVersion":"v1","kind":"Pod",
             "metadata":{"name":"web-1","namespace":"default","uid":"u1","resourceVersion":"42",
              "labels":{"app":"web"},
              "managedFields":[{"manager":"kubectl","operation":"Apply","apiVersion":"v1",
                "time":"2026-12-05T07:00:00Z","fieldsType":"FieldsV1",
                "fieldsV1":{"f:metadata":{"f:labels":{"f:app":{}}}}}],
              "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web",
                "uid":"r1","controller":true}]},
             "spec":{"nodeName":"n1","containers":[{"name":"c","image":"nginx"}]},
             "status":{"phase":"Running","podIP":"127.244.1.5"}}
            """;

    private final KubernetesSerialization components =
            ComponentSerialization.withoutManagedFields();

    @Test
    void aComponentReadsObjectsWithoutManagedFields_andKeepsTheRest() {
        Pod pod = components.unmarshal(POD, Pod.class);

        assertThat(pod.getMetadata().getManagedFields()).isEmpty();
        assertThat(pod.getMetadata().getAdditionalProperties()).doesNotContainKey("managedFields");
        assertThat(pod.getMetadata().getName()).isEqualTo("web-1");
        assertThat(pod.getMetadata().getResourceVersion()).isEqualTo("42");
        assertThat(pod.getMetadata().getLabels()).containsEntry("app", "web");
        assertThat(pod.getMetadata().getOwnerReferences()).hasSize(1);
        assertThat(pod.getSpec().getNodeName()).isEqualTo("n1");
        assertThat(pod.getStatus().getPodIP()).isEqualTo("127.244.1.5");
    }

    @Test
    void listsAndGenericObjectsAreReadWithoutManagedFieldsToo() {
        PodList list =
                components.unmarshal(
                        "{\"apiVersion\":\"v1\",\"kind\":\"PodList\",\"metadata\":{},\"items\":["
                                + POD
                                + "]}",
                        PodList.class);
        assertThat(list.getItems().get(0).getMetadata().getManagedFields()).isEmpty();

        GenericKubernetesResource generic =
                components.unmarshal(POD, GenericKubernetesResource.class);
        assertThat(generic.getMetadata().getManagedFields()).isEmpty();
        assertThat(generic.getMetadata().getName()).isEqualTo("web-1");

        KubernetesList typed =
                components.unmarshal(
                        "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[" + POD + "]}",
                        KubernetesList.class);
        assertThat(((Pod) typed.getItems().get(0)).getMetadata().getManagedFields()).isEmpty();
    }

    @Test
    void whatAComponentWritesBackCarriesNoManagedFields() {
        Pod pod = components.unmarshal(POD, Pod.class);
        pod.getMetadata().getLabels().put("tier", "front");

        String written = components.asJson(pod);

        assertThat(written).doesNotContain("managedFields").contains("\"tier\":\"front\"");
    }

    @Test
    void fabric8sDefaultSerializationStillReadsThem() {
        Pod pod = new KubernetesSerialization().unmarshal(POD, Pod.class);

        assertThat(pod.getMetadata().getManagedFields())
                .singleElement()
                .satisfies(entry -> assertThat(entry.getManager()).isEqualTo("kubectl"));
    }
}
