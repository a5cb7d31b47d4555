package io.j8s.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.reflect.TypeToken;
import io.j8s.server.testing.TestCluster;
import io.kubernetes.client.common.KubernetesListObject;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.DiscoveryV1Api;
import io.kubernetes.client.openapi.models.CoreV1EndpointPort;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.CoreV1EventList;
import io.kubernetes.client.openapi.models.DiscoveryV1EndpointPort;
import io.kubernetes.client.openapi.models.RbacV1Subject;
import io.kubernetes.client.openapi.models.V1ClusterRole;
import io.kubernetes.client.openapi.models.V1ClusterRoleBinding;
import io.kubernetes.client.openapi.models.V1ClusterRoleBindingList;
import io.kubernetes.client.openapi.models.V1ClusterRoleList;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ConfigMapList;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1DeploymentCondition;
import io.kubernetes.client.openapi.models.V1DeploymentList;
import io.kubernetes.client.openapi.models.V1DeploymentSpec;
import io.kubernetes.client.openapi.models.V1Endpoint;
import io.kubernetes.client.openapi.models.V1EndpointAddress;
import io.kubernetes.client.openapi.models.V1EndpointConditions;
import io.kubernetes.client.openapi.models.V1EndpointSlice;
import io.kubernetes.client.openapi.models.V1EndpointSliceList;
import io.kubernetes.client.openapi.models.V1EndpointSubset;
import io.kubernetes.client.openapi.models.V1Endpoints;
import io.kubernetes.client.openapi.models.V1EndpointsList;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1LeaseList;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NamespaceList;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeList;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1PolicyRule;
import io.kubernetes.client.openapi.models.V1ReplicaSet;
import io.kubernetes.client.openapi.models.V1ReplicaSetList;
import io.kubernetes.client.openapi.models.V1ReplicaSetSpec;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1RoleBindingList;
import io.kubernetes.client.openapi.models.V1RoleList;
import io.kubernetes.client.openapi.models.V1RoleRef;
import io.kubernetes.client.openapi.models.V1Scale;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1SecretList;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1ServiceAccountList;
import io.kubernetes.client.openapi.models.V1ServiceList;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.kubernetes.client.util.Config;
import io.kubernetes.client.util.PatchUtils;
import io.kubernetes.client.util.Watch;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import io.kubernetes.client.util.generic.KubernetesApiResponse;
import io.kubernetes.client.util.generic.options.DeleteOptions;
import io.kubernetes.client.util.generic.options.ListOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The official Kubernetes Java client ({@code io.kubernetes:client-java}) against a real j8s
 * server, configured from the kubeconfig the server writes, as a user would
 * (docs/compatibility.md).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JavaClientConformanceTest {
    private static TestCluster cluster;
    private static ApiClient client;
    private static CoreV1Api core;
    private static AppsV1Api apps;
    private static DiscoveryV1Api discovery;

    @BeforeAll
    static void start() throws Exception {
        cluster = ConformanceCluster.start("java", "127.231.0.0/16");
        client = Config.fromConfig(cluster.server().kubeconfig().toString());
        // Watches stay open longer than OkHttp's default read timeout (the client's own advice).
        client.setHttpClient(
                client.getHttpClient().newBuilder().readTimeout(0, TimeUnit.SECONDS).build());
        core = new CoreV1Api(client);
        apps = new AppsV1Api(client);
        discovery = new DiscoveryV1Api(client);
        core.createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name("java"))).execute();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static V1ObjectMeta meta(String name) {
        return new V1ObjectMeta().name(name).namespace("java");
    }

    private static V1PodTemplateSpec template(String app, String... images) {
        List<V1Container> containers = new ArrayList<>();
        for (int i = 0; i < images.length; i++) {
            containers.add(
                    new V1Container()
                            .name("c" + i)
                            .image(images[i])
                            .addPortsItem(new V1ContainerPort().containerPort(80)));
        }
        return new V1PodTemplateSpec()
                .metadata(new V1ObjectMeta().putLabelsItem("app", app))
                .spec(new V1PodSpec().containers(containers));
    }

    /** One kind's CRUD through the client's generic API: create, get, list, update, delete. */
    private static <T extends KubernetesObject, L extends KubernetesListObject> void crud(
            Class<T> type,
            Class<L> listType,
            String group,
            String version,
            String plural,
            T object,
            Consumer<T> change)
            throws ApiException {
        GenericKubernetesApi<T, L> api =
                new GenericKubernetesApi<>(type, listType, group, version, plural, client);
        String ns = object.getMetadata().getNamespace();
        String name = object.getMetadata().getName();
        String what = plural + " " + name;

        T created = api.create(object).throwsApiException().getObject();
        assertThat(created.getMetadata().getUid()).as(what).isNotEmpty();
        assertThat(created.getMetadata().getResourceVersion()).as(what).isNotEmpty();
        assertThat(created.getMetadata().getCreationTimestamp()).as(what).isNotNull();

        T got = (ns == null ? api.get(name) : api.get(ns, name)).throwsApiException().getObject();
        assertThat(got.getMetadata().getUid()).as(what).isEqualTo(created.getMetadata().getUid());

        L list = (ns == null ? api.list() : api.list(ns)).throwsApiException().getObject();
        assertThat(list.getMetadata().getResourceVersion()).as(what).isNotEmpty();
        assertThat(list.getItems())
                .as(what)
                .extracting(o -> ((KubernetesObject) o).getMetadata().getName())
                .contains(name);

        // Read, change, update; again on a 409 (a Pod's scheduler and node write it meanwhile).
        T updated = null;
        for (int attempt = 0; updated == null; attempt++) {
            got.getMetadata().putLabelsItem("conformance", "updated");
            change.accept(got);
            KubernetesApiResponse<T> response = api.update(got);
            if (response.getHttpStatusCode() == 409 && attempt < 5) {
                got =
                        (ns == null ? api.get(name) : api.get(ns, name))
                                .throwsApiException()
                                .getObject();
                continue;
            }
            updated = response.throwsApiException().getObject();
        }
        assertThat(updated.getMetadata().getLabels())
                .as(what)
                .containsEntry("conformance", "updated");
        assertThat(Long.parseLong(updated.getMetadata().getResourceVersion()))
                .as(what)
                .isGreaterThan(Long.parseLong(created.getMetadata().getResourceVersion()));

        DeleteOptions now = new DeleteOptions();
        now.setGracePeriodSeconds(0L);
        (ns == null ? api.delete(name, now) : api.delete(ns, name, now)).throwsApiException();
        Awaitility.await(what + " is gone")
                .atMost(Duration.ofSeconds(60))
                .until(
                        () ->
                                (ns == null ? api.get(name) : api.get(ns, name)).getHttpStatusCode()
                                        == 404);
    }

    @Test
    @Order(1)
    void crud_ofEveryKindTheClientModels() throws Exception {
        crud(
                V1Namespace.class,
                V1NamespaceList.class,
                "",
                "v1",
                "namespaces",
                new V1Namespace().metadata(new V1ObjectMeta().name("java-crud")),
                n -> {});
        crud(
                V1ConfigMap.class,
                V1ConfigMapList.class,
                "",
                "v1",
                "configmaps",
                new V1ConfigMap().metadata(meta("cm")).putDataItem("a", "1"),
                c -> c.putDataItem("b", "2"));
        crud(
                V1Secret.class,
                V1SecretList.class,
                "",
                "v1",
                "secrets",
                new V1Secret()
                        .metadata(meta("secret"))
                        .type("Opaque")
                        .putDataItem("password", "s3cret".getBytes(StandardCharsets.UTF_8)),
                s ->
                        assertThat(new String(s.getData().get("password"), StandardCharsets.UTF_8))
                                .isEqualTo("s3cret"));
        crud(
                V1Service.class,
                V1ServiceList.class,
                "",
                "v1",
                "services",
                new V1Service()
                        .metadata(meta("svc"))
                        .spec(
                                new V1ServiceSpec()
                                        .putSelectorItem("app", "none")
                                        .addPortsItem(new V1ServicePort().port(80))),
                s -> assertThat(s.getSpec().getClusterIP()).startsWith("127.96."));
        crud(
                V1Endpoints.class,
                V1EndpointsList.class,
                "",
                "v1",
                "endpoints",
                new V1Endpoints()
                        .metadata(meta("ep"))
                        .addSubsetsItem(
                                new V1EndpointSubset()
                                        .addAddressesItem(new V1EndpointAddress().ip("127.0.0.9"))
                                        .addPortsItem(new CoreV1EndpointPort().port(80))),
                e -> {});
        crud(
                V1EndpointSlice.class,
                V1EndpointSliceList.class,
                "discovery.k8s.io",
                "v1",
                "endpointslices",
                new V1EndpointSlice()
                        .metadata(meta("ep-1").putLabelsItem("kubernetes.io/service-name", "ep"))
                        .addressType("IPv4")
                        .addEndpointsItem(new V1Endpoint().addAddressesItem("127.0.0.9"))
                        .addPortsItem(new DiscoveryV1EndpointPort().name("").port(80)),
                e -> {});
        crud(
                V1Pod.class,
                V1PodList.class,
                "",
                "v1",
                "pods",
                new V1Pod().metadata(meta("pod")).spec(template("crud-pod", "nginx").getSpec()),
                p -> {});
        crud(
                V1Deployment.class,
                V1DeploymentList.class,
                "apps",
                "v1",
                "deployments",
                new V1Deployment()
                        .metadata(meta("deploy"))
                        .spec(
                                new V1DeploymentSpec()
                                        .replicas(0)
                                        .selector(
                                                new V1LabelSelector()
                                                        .putMatchLabelsItem("app", "crud-deploy"))
                                        .template(template("crud-deploy", "nginx"))),
                d -> d.getSpec().setReplicas(1));
        crud(
                V1ReplicaSet.class,
                V1ReplicaSetList.class,
                "apps",
                "v1",
                "replicasets",
                new V1ReplicaSet()
                        .metadata(meta("rs"))
                        .spec(
                                new V1ReplicaSetSpec()
                                        .replicas(0)
                                        .selector(
                                                new V1LabelSelector()
                                                        .putMatchLabelsItem("app", "crud-rs"))
                                        .template(template("crud-rs", "nginx"))),
                r -> {});
        crud(
                V1ServiceAccount.class,
                V1ServiceAccountList.class,
                "",
                "v1",
                "serviceaccounts",
                new V1ServiceAccount().metadata(meta("sa")),
                s -> {});
        V1PolicyRule rule =
                new V1PolicyRule()
                        .addApiGroupsItem("")
                        .addResourcesItem("configmaps")
                        .addVerbsItem("get");
        crud(
                V1Role.class,
                V1RoleList.class,
                "rbac.authorization.k8s.io",
                "v1",
                "roles",
                new V1Role().metadata(meta("role")).addRulesItem(rule),
                r -> {});
        crud(
                V1RoleBinding.class,
                V1RoleBindingList.class,
                "rbac.authorization.k8s.io",
                "v1",
                "rolebindings",
                new V1RoleBinding()
                        .metadata(meta("rb"))
                        .roleRef(
                                new V1RoleRef()
                                        .apiGroup("rbac.authorization.k8s.io")
                                        .kind("ClusterRole")
                                        .name("view"))
                        .addSubjectsItem(
                                new RbacV1Subject()
                                        .kind("ServiceAccount")
                                        .name("default")
                                        .namespace("java")),
                r -> {});
        crud(
                V1ClusterRole.class,
                V1ClusterRoleList.class,
                "rbac.authorization.k8s.io",
                "v1",
                "clusterroles",
                new V1ClusterRole()
                        .metadata(new V1ObjectMeta().name("java-conformance"))
                        .addRulesItem(rule),
                r -> {});
        crud(
                V1ClusterRoleBinding.class,
                V1ClusterRoleBindingList.class,
                "rbac.authorization.k8s.io",
                "v1",
                "clusterrolebindings",
                new V1ClusterRoleBinding()
                        .metadata(new V1ObjectMeta().name("java-conformance"))
                        .roleRef(
                                new V1RoleRef()
                                        .apiGroup("rbac.authorization.k8s.io")
                                        .kind("ClusterRole")
                                        .name("view"))
                        .addSubjectsItem(
                                new RbacV1Subject()
                                        .kind("User")
                                        .name("java-user")
                                        .apiGroup("rbac.authorization.k8s.io")),
                r -> {});
        crud(
                V1Lease.class,
                V1LeaseList.class,
                "coordination.k8s.io",
                "v1",
                "leases",
                new V1Lease()
                        .metadata(meta("lease"))
                        .spec(new V1LeaseSpec().holderIdentity("java").leaseDurationSeconds(40)),
                l -> l.getSpec().setHolderIdentity("java-2"));
        crud(
                CoreV1Event.class,
                CoreV1EventList.class,
                "",
                "v1",
                "events",
                new CoreV1Event()
                        .metadata(meta("event"))
                        .reason("Tested")
                        .message("by client-java")
                        .type("Normal")
                        .involvedObject(
                                new V1ObjectReference()
                                        .kind("ConfigMap")
                                        .namespace("java")
                                        .name("cm")),
                e -> e.setMessage("again"));
        crud(
                V1Node.class,
                V1NodeList.class,
                "",
                "v1",
                "nodes",
                new V1Node().metadata(new V1ObjectMeta().name("java-extra")),
                n -> {});
    }

    @Test
    @Order(2)
    void list_thenWatchFromTheListsResourceVersion() throws Exception {
        core.createNamespacedConfigMap("java", new V1ConfigMap().metadata(meta("before")))
                .execute();
        V1ConfigMapList list = core.listNamespacedConfigMap("java").execute();
        assertThat(list.getItems()).extracting(c -> c.getMetadata().getName()).contains("before");
        String rv = list.getMetadata().getResourceVersion();
        core.createNamespacedConfigMap("java", new V1ConfigMap().metadata(meta("after"))).execute();
        PatchUtils.patch(
                V1ConfigMap.class,
                () ->
                        core.patchNamespacedConfigMap(
                                        "after", "java", new V1Patch("{\"data\":{\"k\":\"v\"}}"))
                                .buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                client);
        core.deleteNamespacedConfigMap("after", "java").execute();

        List<String> events = new ArrayList<>();
        try (Watch<V1ConfigMap> watch =
                Watch.createWatch(
                        client,
                        core.listNamespacedConfigMap("java")
                                .watch(true)
                                .resourceVersion(rv)
                                .timeoutSeconds(10)
                                .buildCall(null),
                        new TypeToken<Watch.Response<V1ConfigMap>>() {}.getType())) {
            for (Watch.Response<V1ConfigMap> event : watch) {
                events.add(event.type + " " + event.object.getMetadata().getName());
                if (events.size() == 3) {
                    break;
                }
            }
        }
        // Only what changed after the list, in order: "before" is not sent again.
        assertThat(events).containsExactly("ADDED after", "MODIFIED after", "DELETED after");
    }

    @Test
    @Order(3)
    void staleUpdate_is409Conflict() throws Exception {
        V1ConfigMap cm =
                core.createNamespacedConfigMap(
                                "java",
                                new V1ConfigMap().metadata(meta("cas")).putDataItem("a", "1"))
                        .execute();
        core.replaceNamespacedConfigMap("cas", "java", cm.putDataItem("a", "2")).execute();
        ApiException conflict =
                org.junit.jupiter.api.Assertions.assertThrows(
                        ApiException.class,
                        () ->
                                core.replaceNamespacedConfigMap(
                                                "cas", "java", cm.putDataItem("a", "3"))
                                        .execute());
        assertThat(conflict.getCode()).isEqualTo(409);
        assertThat(conflict.getResponseBody())
                .contains("\"reason\":\"Conflict\"")
                .contains(
                        "the object has been modified; please apply your changes to the latest version and try again");
        assertThat(core.readNamespacedConfigMap("cas", "java").execute().getData())
                .containsEntry("a", "2");
    }

    @Test
    @Order(4)
    void patches_json_merge_strategicMerge() throws Exception {
        apps.createNamespacedDeployment(
                        "java",
                        new V1Deployment()
                                .metadata(meta("patched"))
                                .spec(
                                        new V1DeploymentSpec()
                                                .replicas(0)
                                                .selector(
                                                        new V1LabelSelector()
                                                                .putMatchLabelsItem(
                                                                        "app", "patched"))
                                                .template(
                                                        template(
                                                                "patched",
                                                                "nginx:1.14.1",
                                                                "busybox:1"))))
                .execute();

        V1Deployment json =
                PatchUtils.patch(
                        V1Deployment.class,
                        () ->
                                apps.patchNamespacedDeployment(
                                                "patched",
                                                "java",
                                                new V1Patch(
                                                        "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/image\","
                                                                + "\"value\":\"nginx:1.15\"}]"))
                                        .buildCall(null),
                        V1Patch.PATCH_FORMAT_JSON_PATCH,
                        client);
        assertThat(json.getSpec().getTemplate().getSpec().getContainers())
                .extracting(V1Container::getImage)
                .containsExactly("nginx:1.15", "busybox:1");

        V1Deployment merge =
                PatchUtils.patch(
                        V1Deployment.class,
                        () ->
                                apps.patchNamespacedDeployment(
                                                "patched",
                                                "java",
                                                new V1Patch(
                                                        "{\"metadata\":{\"labels\":{\"patched\":\"merge\"}}}"))
                                        .buildCall(null),
                        V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                        client);
        assertThat(merge.getMetadata().getLabels()).containsEntry("patched", "merge");

        // A strategic merge patch merges the containers by name; a merge patch would replace the
        // list.
        V1Deployment strategic =
                PatchUtils.patch(
                        V1Deployment.class,
                        () ->
                                apps.patchNamespacedDeployment(
                                                "patched",
                                                "java",
                                                new V1Patch(
                                                        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"c1\","
                                                                + "\"image\":\"busybox:2\"}]}}}}"))
                                        .buildCall(null),
                        V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
                        client);
        assertThat(strategic.getSpec().getTemplate().getSpec().getContainers())
                .extracting(c -> c.getName() + "=" + c.getImage())
                .containsExactly("c0=nginx:1.15", "c1=busybox:2");
        assertThat(strategic.getMetadata().getGeneration()).isEqualTo(3L);
    }

    @Test
    @Order(5)
    void serverSideApply_createsTheObject_andTheSameApplyWritesNothing() throws Exception {
        // docs/server-side-apply.md: client-java's apply patch creates the object; the same apply
        // again writes nothing (same resourceVersion); the answer holds the applier's
        // managedFields entry. client-java's JSON drops metadata.managedFields when it decodes
        // (its V1MetadataExclusionStrategy, unless -Dkubernetes.client.includeManagedFields=true),
        // against any cluster, so the entry is read from the body of a GET as sent.
        String yaml =
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  namespace: java\ndata:\n  a: \"1\"\n";
        V1ConfigMap first = applyConfigMap(yaml);
        assertThat(first.getData()).containsExactlyEntriesOf(Map.of("a", "1"));
        try (okhttp3.Response raw =
                client.getHttpClient()
                        .newCall(
                                new okhttp3.Request.Builder()
                                        .url(
                                                client.getBasePath()
                                                        + "/api/v1/namespaces/java/configmaps/applied")
                                        .build())
                        .execute()) {
            com.google.gson.JsonArray managed =
                    com.google.gson.JsonParser.parseString(raw.body().string())
                            .getAsJsonObject()
                            .getAsJsonObject("metadata")
                            .getAsJsonArray("managedFields");
            assertThat(managed).hasSize(1);
            com.google.gson.JsonObject entry = managed.get(0).getAsJsonObject();
            assertThat(entry.get("manager").getAsString()).isEqualTo("conformance-java");
            assertThat(entry.get("operation").getAsString()).isEqualTo("Apply");
            assertThat(entry.get("fieldsV1").toString()).isEqualTo("{\"f:data\":{\"f:a\":{}}}");
        }
        V1ConfigMap again = applyConfigMap(yaml);
        assertThat(again.getMetadata().getResourceVersion())
                .isEqualTo(first.getMetadata().getResourceVersion());
        assertThat(core.readNamespacedConfigMap("applied", "java").execute().getData())
                .containsExactlyEntriesOf(Map.of("a", "1"));
    }

    private V1ConfigMap applyConfigMap(String yaml) throws ApiException {
        return PatchUtils.patch(
                V1ConfigMap.class,
                () ->
                        core.patchNamespacedConfigMap("applied", "java", new V1Patch(yaml))
                                .fieldManager("conformance-java")
                                .force(true)
                                .buildCall(null),
                V1Patch.PATCH_FORMAT_APPLY_YAML,
                client);
    }

    @Test
    @Order(6)
    void deployment_reachesAvailable_endpointsAndSlicesFollowAScale() throws Exception {
        core.createNamespacedService(
                        "java",
                        new V1Service()
                                .metadata(meta("web"))
                                .spec(
                                        new V1ServiceSpec()
                                                .putSelectorItem("app", "web")
                                                .addPortsItem(
                                                        new V1ServicePort()
                                                                .name("http")
                                                                .port(8080)
                                                                .targetPort(
                                                                        new io.kubernetes.client
                                                                                .custom.IntOrString(
                                                                                80)))))
                .execute();
        apps.createNamespacedDeployment(
                        "java",
                        new V1Deployment()
                                .metadata(meta("web"))
                                .spec(
                                        new V1DeploymentSpec()
                                                .replicas(2)
                                                .selector(
                                                        new V1LabelSelector()
                                                                .putMatchLabelsItem("app", "web"))
                                                .template(template("web", "nginx:1.14.1"))))
                .execute();
        awaitAvailable(2);
        awaitEndpoints(2);

        PatchUtils.patch(
                V1Scale.class,
                () ->
                        apps.patchNamespacedDeploymentScale(
                                        "web", "java", new V1Patch("{\"spec\":{\"replicas\":3}}"))
                                .buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                client);
        awaitAvailable(3);
        awaitEndpoints(3);

        PatchUtils.patch(
                V1Scale.class,
                () ->
                        apps.patchNamespacedDeploymentScale(
                                        "web", "java", new V1Patch("{\"spec\":{\"replicas\":1}}"))
                                .buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
                client);
        awaitAvailable(1);
        awaitEndpoints(1);
    }

    private static void awaitAvailable(int replicas) {
        Awaitility.await("Deployment web Available with " + replicas)
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(
                        () -> {
                            V1Deployment d = apps.readNamespacedDeployment("web", "java").execute();
                            assertThat(d.getStatus()).isNotNull();
                            assertThat(d.getStatus().getObservedGeneration())
                                    .isEqualTo(d.getMetadata().getGeneration());
                            assertThat(d.getStatus().getReplicas()).isEqualTo(replicas);
                            assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(replicas);
                            assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(replicas);
                            assertThat(d.getStatus().getConditions())
                                    .filteredOn(c -> c.getType().equals("Available"))
                                    .extracting(V1DeploymentCondition::getStatus)
                                    .containsExactly("True");
                        });
    }

    /**
     * The Ready Pods of app=web are exactly the addresses of the Endpoints and of the
     * EndpointSlices.
     */
    private static void awaitEndpoints(int count) {
        Awaitility.await("Endpoints and EndpointSlices of web list " + count)
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(
                        () -> {
                            Set<String> podIps =
                                    core
                                            .listNamespacedPod("java")
                                            .labelSelector("app=web")
                                            .execute()
                                            .getItems()
                                            .stream()
                                            .filter(
                                                    p ->
                                                            p.getMetadata().getDeletionTimestamp()
                                                                            == null
                                                                    && p.getStatus() != null
                                                                    && "Running"
                                                                            .equals(
                                                                                    p.getStatus()
                                                                                            .getPhase()))
                                            .map(p -> p.getStatus().getPodIP())
                                            .collect(Collectors.toSet());
                            assertThat(podIps).hasSize(count);
                            assertThat(podIps).allMatch(ip -> ip.startsWith("127.231."));

                            V1Endpoints ep = core.readNamespacedEndpoints("web", "java").execute();
                            Set<String> epIps = new HashSet<>();
                            Map<String, Integer> epPorts = new HashMap<>();
                            for (V1EndpointSubset s :
                                    ep.getSubsets() == null
                                            ? List.<V1EndpointSubset>of()
                                            : ep.getSubsets()) {
                                s.getAddresses().forEach(a -> epIps.add(a.getIp()));
                                s.getPorts().forEach(p -> epPorts.put(p.getName(), p.getPort()));
                            }
                            assertThat(epIps).isEqualTo(podIps);
                            assertThat(epPorts).containsExactly(Map.entry("http", 80));

                            List<V1EndpointSlice> slices =
                                    discovery
                                            .listNamespacedEndpointSlice("java")
                                            .labelSelector("kubernetes.io/service-name=web")
                                            .execute()
                                            .getItems();
                            Set<String> sliceIps = new HashSet<>();
                            for (V1EndpointSlice slice : slices) {
                                assertThat(slice.getAddressType()).isEqualTo("IPv4");
                                assertThat(slice.getPorts())
                                        .extracting(p -> p.getName() + ":" + p.getPort())
                                        .containsExactly("http:80");
                                for (V1Endpoint e :
                                        slice.getEndpoints() == null
                                                ? List.<V1Endpoint>of()
                                                : slice.getEndpoints()) {
                                    V1EndpointConditions c = e.getConditions();
                                    if (c != null && Boolean.TRUE.equals(c.getReady())) {
                                        sliceIps.addAll(e.getAddresses());
                                    }
                                }
                            }
                            assertThat(sliceIps).isEqualTo(podIps);
                        });
    }

    @Test
    @Order(7)
    void watchFromACompactedRevision_is410Gone_andAnInformerRelists() throws Exception {
        SharedInformerFactory factory = new SharedInformerFactory(client);
        SharedIndexInformer<V1ConfigMap> informer =
                factory.sharedIndexInformerFor(
                        params ->
                                core.listNamespacedConfigMap("java")
                                        .resourceVersion(params.resourceVersion)
                                        .watch(params.watch)
                                        .timeoutSeconds(params.timeoutSeconds)
                                        .buildCall(null),
                        V1ConfigMap.class,
                        V1ConfigMapList.class);
        factory.startAllRegisteredInformers();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(informer::hasSynced);
            String old =
                    core.listNamespacedConfigMap("java")
                            .execute()
                            .getMetadata()
                            .getResourceVersion();
            // Changes elsewhere move the store's revision past what the informer last saw.
            core.createNamespace(
                            new V1Namespace().metadata(new V1ObjectMeta().name("java-elsewhere")))
                    .execute();
            for (int i = 0; i < 3; i++) {
                core.createNamespacedConfigMap(
                                "java-elsewhere",
                                new V1ConfigMap()
                                        .metadata(
                                                new V1ObjectMeta()
                                                        .name("x" + i)
                                                        .namespace("java-elsewhere")))
                        .execute();
            }
            long compacted = ConformanceCluster.compactAndRestart(cluster);

            Watch.Response<V1ConfigMap> first;
            try (Watch<V1ConfigMap> watch =
                    Watch.createWatch(
                            client,
                            core.listNamespacedConfigMap("java")
                                    .watch(true)
                                    .resourceVersion(old)
                                    .timeoutSeconds(10)
                                    .buildCall(null),
                            new TypeToken<Watch.Response<V1ConfigMap>>() {}.getType())) {
                first = watch.next();
            }
            assertThat(first.type).isEqualTo("ERROR");
            assertThat(first.status.getCode()).isEqualTo(410);
            assertThat(first.status.getReason()).isEqualTo("Expired");
            assertThat(first.status.getMessage()).startsWith("too old resource version: " + old);
            assertThat(compacted).isGreaterThan(Long.parseLong(old));

            // The informer watched from the same old revision; it lists again and follows new
            // changes.
            core.createNamespacedConfigMap("java", new V1ConfigMap().metadata(meta("after-410")))
                    .execute();
            core.deleteNamespacedConfigMap("cas", "java").execute();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () -> {
                                Map<String, String> cached =
                                        informer.getIndexer().list().stream()
                                                .collect(
                                                        Collectors.toMap(
                                                                c -> c.getMetadata().getName(),
                                                                c ->
                                                                        c.getMetadata()
                                                                                .getResourceVersion()));
                                Map<String, String> actual =
                                        core
                                                .listNamespacedConfigMap("java")
                                                .execute()
                                                .getItems()
                                                .stream()
                                                .collect(
                                                        Collectors.toMap(
                                                                c -> c.getMetadata().getName(),
                                                                c ->
                                                                        c.getMetadata()
                                                                                .getResourceVersion()));
                                assertThat(cached)
                                        .isEqualTo(actual)
                                        .containsKey("after-410")
                                        .doesNotContainKey("cas");
                            });
        } finally {
            factory.stopAllRegisteredInformers();
        }
    }

    @Test
    @Order(8)
    void anError_isAKubernetesStatus() {
        assertThatThrownBy(() -> core.readNamespacedConfigMap("missing", "java").execute())
                .isInstanceOfSatisfying(
                        ApiException.class,
                        e -> {
                            assertThat(e.getCode()).isEqualTo(404);
                            assertThat(e.getResponseBody())
                                    .contains("configmaps \\\"missing\\\" not found");
                        });
        ListOptions byLabel = new ListOptions();
        byLabel.setLabelSelector("conformance=none");
        KubernetesApiResponse<V1ConfigMapList> none =
                new GenericKubernetesApi<>(
                                V1ConfigMap.class,
                                V1ConfigMapList.class,
                                "",
                                "v1",
                                "configmaps",
                                client)
                        .list("java", byLabel);
        assertThat(none.isSuccess()).isTrue();
        assertThat(none.getObject().getItems()).isEmpty();
    }

    /**
     * {@code io.kubernetes.client.Exec} (WebSocket, v4.channel.k8s.io): output, stdin and the exit
     * code.
     */
    @Test
    @Order(9)
    void exec_runsACommandInAPod() throws Exception {
        core.createNamespacedPod(
                        "java",
                        new V1Pod()
                                .metadata(meta("exec-target"))
                                .spec(
                                        new V1PodSpec()
                                                .addContainersItem(
                                                        new V1Container()
                                                                .name("main")
                                                                .image("busybox")
                                                                .command(
                                                                        List.of("sleep", "3600")))))
                .execute();
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(60))
                .until(
                        () ->
                                "Running"
                                        .equals(
                                                core.readNamespacedPod("exec-target", "java")
                                                        .execute()
                                                        .getStatus()
                                                        .getPhase()));
        io.kubernetes.client.Exec exec = new io.kubernetes.client.Exec(client);
        Process p =
                exec.exec(
                        "java",
                        "exec-target",
                        new String[] {"sh", "-c", "echo from-java; exit 3"},
                        false,
                        false);
        String out =
                new String(
                        p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).isEqualTo("from-java\n");
        assertThat(p.exitValue()).isEqualTo(3);
        p.destroy();

        Process cat = exec.exec("java", "exec-target", new String[] {"cat"}, true, false);
        cat.getOutputStream()
                .write("piped through\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        cat.getOutputStream().flush();
        byte[] echoed = new byte["piped through\n".length()];
        int n = 0;
        while (n < echoed.length) {
            int r = cat.getInputStream().read(echoed, n, echoed.length - n);
            assertThat(r).isPositive();
            n += r;
        }
        assertThat(new String(echoed, java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("piped through\n");
        cat.destroy();
    }
}
