package io.j8s.apiserver.admission;

import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import io.j8s.apiserver.errors.ApiException;
import io.j8s.apiserver.registry.Admission;
import io.j8s.store.TxnOp;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Kubernetes' {@code ServiceAccount} admission plugin for Pods on create (see docs/architecture.md,
 * "Service accounts in Pods"): {@code spec.serviceAccountName} defaults to {@code default} (and the
 * deprecated {@code spec.serviceAccount} mirrors it, as the v1 conversion does); the named
 * ServiceAccount must exist, or the Pod is forbidden ({@code pods "p" is forbidden: error looking
 * up service account ns/sa: serviceaccount "sa" not found}); unless {@code
 * automountServiceAccountToken} is false on the Pod (or, when the Pod leaves it unset, on the
 * ServiceAccount), the projected volume {@code kube-api-access-<5 chars>} (token, {@code
 * kube-root-ca.crt}'s {@code ca.crt}, the namespace) is added and mounted read-only at {@value
 * #MOUNT_PATH} in every init container and container that does not mount that path already; the
 * ServiceAccount's {@code imagePullSecrets} are copied when the Pod has none.
 *
 * <p>One deviation: a Pod naming {@code default} in a namespace whose {@code default}
 * ServiceAccount the {@code serviceaccount} controller has not created yet is admitted as if it
 * existed (Kubernetes instead retries the lookup for about a second and a half), so a Pod created
 * right after its namespace works.
 *
 * <p>Mirror Pods (annotation {@code kubernetes.io/config.mirror}) are not changed; they may not
 * name a ServiceAccount, mount Secrets or project ServiceAccount tokens. Updates pass unchanged:
 * Pod update validation keeps {@code serviceAccountName} and the volumes immutable. Thread safe.
 */
public final class ServiceAccountAdmission implements Admission {
    public static final String DEFAULT_SERVICE_ACCOUNT = "default";
    public static final String MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
    public static final String VOLUME_PREFIX = "kube-api-access-";

    /** Kubernetes' {@code WarnOnlyBoundTokenExpirationSeconds}: one hour and seven seconds. */
    public static final long TOKEN_EXPIRATION_SECONDS = 3607;

    public static final String ROOT_CA_CONFIGMAP = "kube-root-ca.crt";
    static final String MIRROR_ANNOTATION = "kubernetes.io/config.mirror";

    /** The alphabet of Kubernetes' {@code SimpleNameGenerator} (no vowels, no look-alikes). */
    private static final String NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";

    /** Finds a ServiceAccount (empty when it does not exist). */
    @FunctionalInterface
    public interface ServiceAccounts {
        Optional<JsonNode> get(String namespace, String name);
    }

    private final ServiceAccounts serviceAccounts;
    private final SecureRandom random = new SecureRandom();

    public ServiceAccountAdmission(ServiceAccounts serviceAccounts) {
        this.serviceAccounts = serviceAccounts;
    }

    @Override
    public List<TxnOp> admitCreate(ResourceType type, ObjectNode pod) {
        if (!type.group().isEmpty() || !type.plural().equals("pods")) {
            return List.of();
        }
        ObjectNode spec = Json.child(pod, "spec");
        String namespace = Json.text(pod, "metadata.namespace");
        if (pod.path("metadata").path("annotations").has(MIRROR_ANNOTATION)) {
            validateMirrorPod(pod, spec);
            return List.of();
        }
        String name = Json.str(spec, "serviceAccountName");
        if (name.isEmpty()) {
            // the v1 conversion reads the deprecated field when the new one is unset
            name = Json.str(spec, "serviceAccount");
        }
        if (name.isEmpty()) {
            name = DEFAULT_SERVICE_ACCOUNT;
        }
        spec.put("serviceAccountName", name);
        spec.put("serviceAccount", name);
        Optional<JsonNode> account = serviceAccounts.get(namespace, name);
        if (account.isEmpty() && !name.equals(DEFAULT_SERVICE_ACCOUNT)) {
            throw forbidden(
                    pod,
                    "error looking up service account "
                            + namespace
                            + "/"
                            + name
                            + ": serviceaccount \""
                            + name
                            + "\" not found");
        }
        JsonNode sa = account.orElse(Json.object());
        if (shouldAutomount(sa, spec)) {
            mountToken(spec);
        }
        if (Json.elements(spec, "imagePullSecrets").isEmpty()
                && sa.path("imagePullSecrets").isArray()
                && !sa.path("imagePullSecrets").isEmpty()) {
            spec.set("imagePullSecrets", sa.get("imagePullSecrets").deepCopy());
        }
        return List.of();
    }

    /**
     * On update only the v1 conversion's part: {@code spec.serviceAccount} is an alias of {@code
     * spec.serviceAccountName} (read when the latter is unset, always written equal to it), so an
     * update that leaves the deprecated field out changes nothing.
     */
    @Override
    public List<TxnOp> admitUpdate(ResourceType type, ObjectNode pod, ObjectNode old) {
        if (type.group().isEmpty()
                && type.plural().equals("pods")
                && pod.get("spec") instanceof ObjectNode spec) {
            String name = Json.str(spec, "serviceAccountName");
            if (name.isEmpty()) {
                name = Json.str(spec, "serviceAccount");
            }
            if (name.isEmpty()) {
                spec.remove(List.of("serviceAccountName", "serviceAccount"));
            } else {
                spec.put("serviceAccountName", name);
                spec.put("serviceAccount", name);
            }
        }
        return List.of();
    }

    /** The Pod's choice wins, then the ServiceAccount's; true when neither says. */
    static boolean shouldAutomount(JsonNode serviceAccount, JsonNode spec) {
        JsonNode podChoice = spec.path("automountServiceAccountToken");
        if (podChoice.isBoolean()) {
            return podChoice.booleanValue();
        }
        JsonNode saChoice = serviceAccount.path("automountServiceAccountToken");
        return !saChoice.isBoolean() || saChoice.booleanValue();
    }

    private void mountToken(ObjectNode spec) {
        String volumeName = null;
        for (JsonNode v : Json.elements(spec, "volumes")) {
            if (Json.str(v, "name").startsWith(VOLUME_PREFIX)) {
                volumeName = Json.str(v, "name");
                break;
            }
        }
        boolean hasVolume = volumeName != null;
        if (volumeName == null) {
            volumeName = VOLUME_PREFIX + randomSuffix();
        }
        boolean needsVolume = false;
        for (String list : List.of("initContainers", "containers")) {
            for (JsonNode c : Json.elements(spec, list)) {
                if (!(c instanceof ObjectNode container)) {
                    continue;
                }
                boolean mounted = false;
                for (JsonNode m : Json.elements(container, "volumeMounts")) {
                    if (MOUNT_PATH.equals(Json.str(m, "mountPath"))) {
                        mounted = true;
                        break;
                    }
                }
                if (!mounted) {
                    ArrayNode mounts =
                            container.get("volumeMounts") instanceof ArrayNode a
                                    ? a
                                    : container.putArray("volumeMounts");
                    ObjectNode mount = mounts.addObject();
                    mount.put("name", volumeName);
                    mount.put("readOnly", true);
                    mount.put("mountPath", MOUNT_PATH);
                    needsVolume = true;
                }
            }
        }
        if (!hasVolume && needsVolume) {
            ArrayNode volumes =
                    spec.get("volumes") instanceof ArrayNode a ? a : spec.putArray("volumes");
            volumes.add(tokenVolume(volumeName));
        }
    }

    /** The volume exactly as Kubernetes' {@code TokenVolumeSource} builds it. */
    public static ObjectNode tokenVolume(String name) {
        ObjectNode volume = Json.object();
        volume.put("name", name);
        ObjectNode projected = volume.putObject("projected");
        ArrayNode sources = projected.putArray("sources");
        ObjectNode token = sources.addObject().putObject("serviceAccountToken");
        token.put("expirationSeconds", (int) TOKEN_EXPIRATION_SECONDS);
        token.put("path", "token");
        ObjectNode configMap = sources.addObject().putObject("configMap");
        configMap.put("name", ROOT_CA_CONFIGMAP);
        ObjectNode item = configMap.putArray("items").addObject();
        item.put("key", "ca.crt");
        item.put("path", "ca.crt");
        ObjectNode file =
                sources.addObject().putObject("downwardAPI").putArray("items").addObject();
        ObjectNode fieldRef = file.putObject("fieldRef");
        fieldRef.put("apiVersion", "v1");
        fieldRef.put("fieldPath", "metadata.namespace");
        file.put("path", "namespace");
        projected.put("defaultMode", 420);
        return volume;
    }

    private static void validateMirrorPod(ObjectNode pod, ObjectNode spec) {
        if (!Json.str(spec, "serviceAccountName").isEmpty()) {
            throw forbidden(pod, "a mirror pod may not reference service accounts");
        }
        for (JsonNode v : Json.elements(spec, "volumes")) {
            if (v.path("secret").isObject()) {
                throw forbidden(pod, "a mirror pod may not reference secrets");
            }
            for (JsonNode source : Json.elements(v, "projected.sources")) {
                if (source.path("secret").isObject()) {
                    throw forbidden(pod, "a mirror pod may not reference secrets");
                }
                if (source.path("serviceAccountToken").isObject()) {
                    throw forbidden(
                            pod, "a mirror pod may not use ServiceAccountToken volume projections");
                }
            }
        }
    }

    /**
     * Kubernetes' {@code admission.NewForbidden}: names the Pod by its name, or by its {@code
     * generateName} when the name is generated (admission runs before the generation there).
     */
    private static ApiException forbidden(ObjectNode pod, String cause) {
        String generateName = Json.text(pod, "metadata.generateName");
        String name =
                !generateName.isEmpty()
                                && Json.text(pod, "metadata.name").startsWith(generateName)
                                && Json.text(pod, "metadata.name").length()
                                        == generateName.length() + 5
                        ? generateName
                        : Json.text(pod, "metadata.name");
        return ApiException.forbidden("", "pods", name, cause);
    }

    private String randomSuffix() {
        char[] chars = new char[5];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = NAME_CHARS.charAt(random.nextInt(NAME_CHARS.length()));
        }
        return new String(chars);
    }
}
