package io.j8s.apiserver.bootstrap;

import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import io.j8s.apiserver.auth.rbac.BootstrapPolicy;
import io.j8s.apiserver.auth.rbac.PolicyRule;
import io.j8s.apiserver.auth.rbac.PolicySnapshot;
import io.j8s.apiserver.auth.rbac.Subject;
import io.j8s.apiserver.cache.CachedObject;
import io.j8s.apiserver.cache.WatchCache;
import io.j8s.apiserver.errors.ApiException;
import io.j8s.apiserver.registry.ObjectRegistry;
import io.j8s.apiserver.registry.WriteOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Keeps the bootstrap RBAC policy ({@link BootstrapPolicy}) in the store, as the Kubernetes
 * apiserver's {@code rbac/bootstrap-roles} post-start hook does: missing roles and bindings are
 * created; existing ones not annotated {@code rbac.authorization.kubernetes.io/autoupdate: "false"}
 * gain the bootstrap rules, subjects, labels and annotations they lack (nothing is removed). {@link
 * #aggregate()} then writes the rules of aggregated ClusterRoles ({@code admin}, {@code edit},
 * {@code view}, and any a user adds), as Kubernetes' clusterrole-aggregation controller.
 *
 * <p>Idempotent: nothing is written when everything is as it should be.
 */
public final class RbacBootstrap {
    private static final Logger log = LoggerFactory.getLogger(RbacBootstrap.class);

    private final ObjectRegistry registry;
    private final WatchCache cache;
    private final ResourceType clusterRoles;
    private final ResourceType clusterRoleBindings;

    public RbacBootstrap(
            ObjectRegistry registry, WatchCache cache, Function<String, ResourceType> types) {
        this.registry = registry;
        this.cache = cache;
        this.clusterRoles = types.apply("ClusterRole");
        this.clusterRoleBindings = types.apply("ClusterRoleBinding");
    }

    /** Writes done at once by {@link #reconcile()}: one store commit can then take several. */
    static final int PARALLEL_WRITES = 8;

    /**
     * Creates or completes every bootstrap role and binding, {@link #PARALLEL_WRITES} at a time
     * (they are independent objects): one after the other, the ~50 first writes of a new store each
     * waited for their own commit.
     */
    public void reconcile() {
        List<java.util.concurrent.Callable<Integer>> writes = new ArrayList<>();
        for (ObjectNode role : BootstrapPolicy.clusterRoles()) {
            writes.add(() -> ensure(clusterRoles, role, this::completeRole));
        }
        for (ObjectNode binding : BootstrapPolicy.clusterRoleBindings()) {
            writes.add(() -> ensure(clusterRoleBindings, binding, this::completeBinding));
        }
        java.util.concurrent.ExecutorService pool =
                java.util.concurrent.Executors.newFixedThreadPool(
                        PARALLEL_WRITES,
                        r -> {
                            Thread t = new Thread(r, "j8s-rbac-bootstrap");
                            t.setDaemon(true);
                            return t;
                        });
        int created = 0;
        try {
            for (java.util.concurrent.Future<Integer> write : pool.invokeAll(writes)) {
                created += write.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing the RBAC policy", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw StartTask.unchecked(e);
        } finally {
            pool.shutdownNow();
        }
        if (created > 0) {
            log.atInfo().addKeyValue("created", created).log("bootstrapped the RBAC policy");
        }
    }

    /**
     * Writes the effective rules of each aggregated ClusterRole, once the cache shows every write.
     */
    public void aggregate() {
        cache.awaitCurrent(Duration.ofSeconds(5));
        List<JsonNode> roles = new ArrayList<>();
        for (CachedObject role : cache.list(clusterRoles, null, o -> true).items()) {
            roles.add(role.tree());
        }
        PolicySnapshot snapshot = PolicySnapshot.of(roles, List.of(), List.of(), List.of());
        for (JsonNode role : roles) {
            if (!role.path("aggregationRule").isObject()) {
                continue;
            }
            String name = Json.name(role);
            List<PolicyRule> effective = snapshot.clusterRole(name).orElse(List.of());
            if (rules(role).equals(effective)) {
                continue;
            }
            update(
                    clusterRoles,
                    name,
                    existing -> {
                        ArrayNode array = existing.putArray("rules");
                        effective.forEach(rule -> array.add(rule.toJson()));
                        return existing;
                    });
            log.atInfo()
                    .addKeyValue("clusterrole", name)
                    .addKeyValue("rules", effective.size())
                    .log("aggregated cluster role rules");
        }
    }

    private int ensure(ResourceType type, ObjectNode wanted, Completion completion) {
        String name = Json.name(wanted);
        var current = registry.read(type, null, name);
        try {
            if (current.isEmpty()) {
                registry.create(type, null, wanted.deepCopy(), WriteOptions.internal());
                return 1;
            }
            String autoupdate =
                    current.get()
                            .object()
                            .path("metadata")
                            .path("annotations")
                            .path(BootstrapPolicy.AUTOUPDATE_ANNOTATION)
                            .asString("");
            if (autoupdate.equals("false")) {
                return 0;
            }
            update(
                    type,
                    name,
                    existing -> {
                        completeMetadata(existing, wanted);
                        completion.complete(existing, wanted);
                        return existing;
                    });
        } catch (ApiException e) {
            if (e.code() != 409) {
                throw e;
            }
        }
        return 0;
    }

    @FunctionalInterface
    private interface Completion {
        void complete(ObjectNode existing, ObjectNode wanted);
    }

    private void update(
            ResourceType type, String name, java.util.function.UnaryOperator<ObjectNode> mutation) {
        registry.guaranteedUpdate(type, null, name, null, WriteOptions.internal(), null, mutation);
    }

    private static void completeMetadata(ObjectNode existing, ObjectNode wanted) {
        for (String field : List.of("labels", "annotations")) {
            Map<String, String> want = Json.stringMap(wanted, "metadata." + field);
            ObjectNode have = Json.ensureObject(existing, "metadata." + field);
            want.forEach(
                    (k, v) -> {
                        if (!have.has(k)) {
                            have.put(k, v);
                        }
                    });
        }
    }

    private void completeRole(ObjectNode existing, ObjectNode wanted) {
        if (wanted.path("aggregationRule").isObject()) {
            ArrayNode selectors =
                    array(Json.ensureObject(existing, "aggregationRule"), "clusterRoleSelectors");
            for (JsonNode selector :
                    Json.elements(wanted, "aggregationRule.clusterRoleSelectors")) {
                if (!contains(selectors, selector)) {
                    selectors.add(selector.deepCopy());
                }
            }
            return; // the rules are aggregate()'s to write
        }
        Set<PolicyRule> have = new LinkedHashSet<>(rules(existing));
        ArrayNode rules = array(existing, "rules");
        for (PolicyRule rule : rules(wanted)) {
            if (have.add(rule)) {
                rules.add(rule.toJson());
            }
        }
    }

    private void completeBinding(ObjectNode existing, ObjectNode wanted) {
        Set<Subject> have = new LinkedHashSet<>();
        for (JsonNode subject : Json.elements(existing, "subjects")) {
            have.add(Subject.fromJson(subject));
        }
        for (JsonNode subject : Json.elements(wanted, "subjects")) {
            if (have.add(Subject.fromJson(subject))) {
                array(existing, "subjects").add(subject.deepCopy());
            }
        }
    }

    private static ArrayNode array(ObjectNode object, String field) {
        JsonNode node = object.get(field);
        return node instanceof ArrayNode array ? array : object.putArray(field);
    }

    private static boolean contains(ArrayNode array, JsonNode value) {
        for (JsonNode element : array) {
            if (Json.semanticEquals(element, value)) {
                return true;
            }
        }
        return false;
    }

    private static List<PolicyRule> rules(JsonNode role) {
        List<PolicyRule> rules = new ArrayList<>();
        for (JsonNode rule : Json.elements(role, "rules")) {
            rules.add(PolicyRule.fromJson(rule));
        }
        return rules;
    }
}
