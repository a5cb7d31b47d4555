package io.j8s.api.kinds;

import io.j8s.api.json.Json;
import io.j8s.api.validation.FieldError;
import io.j8s.api.validation.NameRules;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Defaults and validation of a {@code PodSpec}, shared by Pods and the pod templates of Deployments
 * and ReplicaSets ({@code pkg/apis/core/v1/defaults.go}, {@code
 * pkg/apis/core/validation/validation.go}).
 */
final class PodSpecs {

    static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");
    static final List<String> RESTART_POLICIES = List.of("Always", "Never", "OnFailure");
    static final List<String> DNS_POLICIES =
            List.of("ClusterFirst", "ClusterFirstWithHostNet", "Default", "None");
    static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");
    static final List<String> TERMINATION_MESSAGE_POLICIES =
            List.of("FallbackToLogsOnError", "File");

    private PodSpecs() {}

    // ---------------------------------------------------------------- defaults

    /**
     * {@code SetDefaults_PodSpec} plus the container, port, probe, volume and env defaults
     * (templates).
     */
    static void applyDefaults(ObjectNode spec) {
        applyDefaults(spec, false);
    }

    /**
     * The same for a Pod ({@code forPod}) adds {@code SetDefaults_Pod}'s parts: host ports for
     * host-network Pods and resource requests copied from limits.
     */
    static void applyDefaults(ObjectNode spec, boolean forPod) {
        Json.defaultString(spec, "dnsPolicy", "ClusterFirst");
        Json.defaultString(spec, "restartPolicy", "Always");
        if (!(spec.get("securityContext") instanceof ObjectNode)) {
            spec.putObject("securityContext");
        }
        Json.defaultInt(spec, "terminationGracePeriodSeconds", 30);
        Json.defaultString(spec, "schedulerName", "default-scheduler");
        boolean hostNetwork = forPod && Json.boolAt(spec, "hostNetwork", false);
        for (String list : List.of("initContainers", "containers", "ephemeralContainers")) {
            for (JsonNode c : Json.elements(spec, list)) {
                if (c instanceof ObjectNode container) {
                    defaultContainer(container, hostNetwork);
                    if (forPod && !list.equals("ephemeralContainers")) {
                        defaultRequestsToLimits(container);
                    }
                }
            }
        }
        for (JsonNode v : Json.elements(spec, "volumes")) {
            if (v instanceof ObjectNode volume) {
                defaultVolume(volume);
            }
        }
    }

    private static void defaultContainer(ObjectNode c, boolean hostNetwork) {
        Json.defaultString(c, "terminationMessagePath", "/dev/termination-log");
        Json.defaultString(c, "terminationMessagePolicy", "File");
        if (Json.str(c, "imagePullPolicy").isEmpty()) {
            c.put(
                    "imagePullPolicy",
                    "latest".equals(imageTag(Json.str(c, "image"))) ? "Always" : "IfNotPresent");
        }
        if (!(c.get("resources") instanceof ObjectNode)) {
            c.putObject("resources");
        }
        for (JsonNode p : Json.elements(c, "ports")) {
            if (p instanceof ObjectNode port) {
                Json.defaultString(port, "protocol", "TCP");
                if (hostNetwork
                        && (!port.has("hostPort") || port.get("hostPort").asLong(0) == 0)
                        && port.has("containerPort")) {
                    port.set("hostPort", port.get("containerPort"));
                }
            }
        }
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            if (c.get(probe) instanceof ObjectNode p) {
                defaultProbe(p);
            }
        }
        for (JsonNode e : Json.elements(c, "env")) {
            JsonNode fieldRef = e.path("valueFrom").path("fieldRef");
            if (fieldRef instanceof ObjectNode ref) {
                Json.defaultString(ref, "apiVersion", "v1");
            }
        }
    }

    private static void defaultRequestsToLimits(ObjectNode container) {
        if (container.path("resources").get("limits") instanceof ObjectNode limits
                && !limits.isEmpty()) {
            ObjectNode resources = (ObjectNode) container.get("resources");
            ObjectNode requests = Json.child(resources, "requests");
            for (var e : limits.properties()) {
                if (!requests.has(e.getKey())) {
                    requests.set(e.getKey(), e.getValue().deepCopy());
                }
            }
        }
    }

    private static void defaultProbe(ObjectNode p) {
        Json.defaultInt(p, "timeoutSeconds", 1);
        Json.defaultInt(p, "periodSeconds", 10);
        Json.defaultInt(p, "successThreshold", 1);
        Json.defaultInt(p, "failureThreshold", 3);
        if (p.get("httpGet") instanceof ObjectNode http) {
            Json.defaultString(http, "path", "/");
            Json.defaultString(http, "scheme", "HTTP");
        }
    }

    private static final Set<String> VOLUME_META = Set.of("name");

    private static void defaultVolume(ObjectNode v) {
        boolean hasSource = false;
        for (String f : v.propertyNames()) {
            if (!VOLUME_META.contains(f)) {
                hasSource = true;
            }
        }
        if (!hasSource) {
            v.putObject("emptyDir");
        }
        for (String src : List.of("secret", "configMap", "downwardAPI", "projected")) {
            if (v.get(src) instanceof ObjectNode s) {
                Json.defaultInt(s, "defaultMode", 420);
            }
        }
    }

    /**
     * The tag of an image reference as {@code parsers.ParseImageName} sees it: {@code latest} when
     * neither tag nor digest is given, {@code ""} when there is only a digest.
     */
    static String imageTag(String image) {
        String ref = image;
        int at = ref.indexOf('@');
        boolean digest = at >= 0;
        if (digest) {
            ref = ref.substring(0, at);
        }
        int slash = ref.lastIndexOf('/');
        int colon = ref.lastIndexOf(':');
        if (colon > slash) {
            return ref.substring(colon + 1);
        }
        return digest ? "" : "latest";
    }

    // ---------------------------------------------------------------- validation

    /** {@code ValidatePodSpec} (the commonly exercised parts). */
    static void validate(JsonNode spec, String path, List<FieldError> errs) {
        if (spec == null || !spec.isObject()) {
            errs.add(FieldError.required(path.isEmpty() ? "spec" : path));
            return;
        }
        Set<String> volumes =
                validateVolumes(Json.elements(spec, "volumes"), path + ".volumes", errs);
        Set<String> names = new HashSet<>();
        validateContainers(
                Json.elements(spec, "initContainers"),
                path + ".initContainers",
                volumes,
                names,
                false,
                errs);
        List<JsonNode> containers = Json.elements(spec, "containers");
        if (containers.isEmpty()) {
            errs.add(FieldError.required(path + ".containers"));
        }
        validateContainers(containers, path + ".containers", volumes, names, true, errs);

        String restartPolicy = Json.str(spec, "restartPolicy");
        if (restartPolicy.isEmpty()) {
            errs.add(FieldError.required(path + ".restartPolicy"));
        } else if (!RESTART_POLICIES.contains(restartPolicy)) {
            errs.add(
                    FieldError.notSupported(
                            path + ".restartPolicy", restartPolicy, RESTART_POLICIES));
        }
        String dnsPolicy = Json.str(spec, "dnsPolicy");
        if (!dnsPolicy.isEmpty() && !DNS_POLICIES.contains(dnsPolicy)) {
            errs.add(FieldError.notSupported(path + ".dnsPolicy", dnsPolicy, DNS_POLICIES));
        }
        nonNegative(spec, "terminationGracePeriodSeconds", path, errs);
        JsonNode ads = spec.get("activeDeadlineSeconds");
        if (ads != null && ads.isNumber() && ads.longValue() <= 0) {
            errs.add(
                    FieldError.invalid(
                            path + ".activeDeadlineSeconds",
                            ads.longValue(),
                            "must be between 1 and 2147483647, inclusive"));
        }
        validateIfSet(spec, "nodeName", NameRules::dns1123Subdomain, path, errs);
        validateIfSet(spec, "serviceAccountName", NameRules::dns1123Subdomain, path, errs);
        for (Map.Entry<String, String> e : Json.stringMap(spec, "nodeSelector").entrySet()) {
            for (String msg : NameRules.qualifiedName(e.getKey())) {
                errs.add(FieldError.invalid(path + ".nodeSelector", e.getKey(), msg));
            }
            for (String msg : NameRules.labelValue(e.getValue())) {
                errs.add(FieldError.invalid(path + ".nodeSelector", e.getValue(), msg));
            }
        }
        validateIfSet(spec, "hostname", NameRules::dns1123Label, path, errs);
        validateIfSet(spec, "subdomain", NameRules::dns1123Label, path, errs);
    }

    /**
     * An optional string {@code field} of {@code spec}: when set, each message of {@code rule} is
     * an error.
     */
    private static void validateIfSet(
            JsonNode spec,
            String field,
            Function<String, List<String>> rule,
            String path,
            List<FieldError> errs) {
        String value = Json.str(spec, field);
        if (!value.isEmpty()) {
            for (String msg : rule.apply(value)) {
                errs.add(FieldError.invalid(path + "." + field, value, msg));
            }
        }
    }

    /**
     * The {@code name} of a volume or container: required, a DNS-1123 label, not among {@code
     * names} yet.
     */
    private static void validateUniqueName(
            String name, String p, Set<String> names, List<FieldError> errs) {
        if (name.isEmpty()) {
            errs.add(FieldError.required(p + ".name"));
        } else {
            for (String msg : NameRules.dns1123Label(name)) {
                errs.add(FieldError.invalid(p + ".name", name, msg));
            }
            if (!names.add(name)) {
                errs.add(FieldError.duplicate(p + ".name", name));
            }
        }
    }

    private static Set<String> validateVolumes(
            List<JsonNode> volumes, String path, List<FieldError> errs) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < volumes.size(); i++) {
            validateUniqueName(Json.str(volumes.get(i), "name"), path + "[" + i + "]", names, errs);
        }
        return names;
    }

    private static void validateContainers(
            List<JsonNode> containers,
            String path,
            Set<String> volumes,
            Set<String> names,
            boolean regular,
            List<FieldError> errs) {
        for (int i = 0; i < containers.size(); i++) {
            JsonNode c = containers.get(i);
            String p = path + "[" + i + "]";
            validateUniqueName(Json.str(c, "name"), p, names, errs);
            String image = Json.str(c, "image");
            if (image.isEmpty()) {
                errs.add(FieldError.required(p + ".image"));
            } else if (!image.strip().equals(image)) {
                errs.add(
                        FieldError.invalid(
                                p + ".image",
                                image,
                                "must not have leading or trailing whitespace"));
            }
            String pull = Json.str(c, "imagePullPolicy");
            if (pull.isEmpty()) {
                errs.add(FieldError.required(p + ".imagePullPolicy"));
            } else if (!PULL_POLICIES.contains(pull)) {
                errs.add(FieldError.notSupported(p + ".imagePullPolicy", pull, PULL_POLICIES));
            }
            String tmp = Json.str(c, "terminationMessagePolicy");
            if (tmp.isEmpty()) {
                errs.add(FieldError.required(p + ".terminationMessagePolicy"));
            } else if (!TERMINATION_MESSAGE_POLICIES.contains(tmp)) {
                errs.add(
                        FieldError.notSupported(
                                p + ".terminationMessagePolicy",
                                tmp,
                                TERMINATION_MESSAGE_POLICIES));
            }
            validateContainerPorts(Json.elements(c, "ports"), p + ".ports", errs);
            validateEnv(Json.elements(c, "env"), p + ".env", errs);
            validateVolumeMounts(
                    Json.elements(c, "volumeMounts"), p + ".volumeMounts", volumes, errs);
            for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                JsonNode pr = c.get(probe);
                if (pr != null && pr.isObject()) {
                    if (!regular) {
                        errs.add(
                                FieldError.forbidden(
                                        p + "." + probe,
                                        "may not be set for init containers without restartPolicy=Always"));
                        continue;
                    }
                    validateProbe(pr, p + "." + probe, !probe.equals("readinessProbe"), errs);
                }
            }
        }
    }

    static void validateContainerPorts(List<JsonNode> ports, String path, List<FieldError> errs) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            JsonNode port = ports.get(i);
            String p = path + "[" + i + "]";
            String name = Json.str(port, "name");
            if (!name.isEmpty()) {
                List<String> msgs = NameRules.ianaSvcName(name);
                if (!msgs.isEmpty()) {
                    for (String msg : msgs) {
                        errs.add(FieldError.invalid(p + ".name", name, msg));
                    }
                } else if (!names.add(name)) {
                    errs.add(FieldError.duplicate(p + ".name", name));
                }
            }
            long containerPort = port.path("containerPort").asLong(0);
            if (containerPort == 0) {
                errs.add(FieldError.required(p + ".containerPort"));
            } else {
                for (String msg : NameRules.portNum(containerPort)) {
                    errs.add(FieldError.invalid(p + ".containerPort", containerPort, msg));
                }
            }
            long hostPort = port.path("hostPort").asLong(0);
            if (hostPort != 0) {
                for (String msg : NameRules.portNum(hostPort)) {
                    errs.add(FieldError.invalid(p + ".hostPort", hostPort, msg));
                }
            }
            protocol(port, p, errs);
        }
    }

    /** Port protocol: required, one of SCTP, TCP, UDP. */
    static void protocol(JsonNode port, String p, List<FieldError> errs) {
        String protocol = Json.str(port, "protocol");
        if (protocol.isEmpty()) {
            errs.add(FieldError.required(p + ".protocol"));
        } else if (!PROTOCOLS.contains(protocol)) {
            errs.add(FieldError.notSupported(p + ".protocol", protocol, PROTOCOLS));
        }
    }

    private static void validateEnv(List<JsonNode> env, String path, List<FieldError> errs) {
        for (int i = 0; i < env.size(); i++) {
            String name = Json.str(env.get(i), "name");
            String p = path + "[" + i + "].name";
            if (name.isEmpty()) {
                errs.add(FieldError.required(p));
                continue;
            }
            boolean ok = true;
            for (char ch : name.toCharArray()) {
                if (ch < 32 || ch > 126 || ch == '=') {
                    ok = false;
                }
            }
            if (!ok) {
                errs.add(
                        FieldError.invalid(
                                p,
                                name,
                                "a valid environment variable name must consist only of printable ASCII characters other than '='"));
            }
        }
    }

    private static void validateVolumeMounts(
            List<JsonNode> mounts, String path, Set<String> volumes, List<FieldError> errs) {
        Set<String> paths = new HashSet<>();
        for (int i = 0; i < mounts.size(); i++) {
            JsonNode m = mounts.get(i);
            String p = path + "[" + i + "]";
            String name = Json.str(m, "name");
            if (name.isEmpty()) {
                errs.add(FieldError.required(p + ".name"));
            } else if (!volumes.contains(name)) {
                errs.add(FieldError.notFound(p + ".name", name));
            }
            String mountPath = Json.str(m, "mountPath");
            if (mountPath.isEmpty()) {
                errs.add(FieldError.required(p + ".mountPath"));
            } else if (!paths.add(mountPath)) {
                errs.add(FieldError.invalid(p + ".mountPath", mountPath, "must be unique"));
            }
        }
    }

    private static void validateProbe(
            JsonNode probe, String path, boolean successMustBeOne, List<FieldError> errs) {
        List<String> handlers = new ArrayList<>();
        for (String h : List.of("exec", "httpGet", "tcpSocket", "grpc")) {
            if (probe.get(h) != null && probe.get(h).isObject()) {
                handlers.add(h);
            }
        }
        if (handlers.isEmpty()) {
            errs.add(FieldError.required(path, "must specify a handler type"));
        } else if (handlers.size() > 1) {
            errs.add(
                    FieldError.forbidden(
                            path + "." + handlers.get(1),
                            "may not specify more than 1 handler type"));
        }
        for (String h : handlers) {
            JsonNode handler = probe.get(h);
            if (h.equals("httpGet") || h.equals("tcpSocket")) {
                validatePortNumOrName(handler.get("port"), path + "." + h + ".port", errs);
            } else if (h.equals("grpc")) {
                long port = handler.path("port").asLong(0);
                for (String msg : NameRules.portNum(port)) {
                    errs.add(FieldError.invalid(path + ".grpc.port", port, msg));
                }
            } else if (h.equals("exec") && Json.elements(handler, "command").isEmpty()) {
                errs.add(FieldError.required(path + ".exec.command"));
            }
        }
        for (String f :
                List.of(
                        "initialDelaySeconds",
                        "timeoutSeconds",
                        "periodSeconds",
                        "successThreshold",
                        "failureThreshold")) {
            nonNegative(probe, f, path, errs);
        }
        JsonNode st = probe.get("successThreshold");
        if (successMustBeOne && st != null && st.isNumber() && st.longValue() != 1) {
            errs.add(FieldError.invalid(path + ".successThreshold", st.longValue(), "must be 1"));
        }
    }

    /** {@code ValidatePortNumOrName}: a number 1..65535 or an IANA service name. */
    static void validatePortNumOrName(JsonNode port, String path, List<FieldError> errs) {
        if (port == null || port.isNull()) {
            errs.add(FieldError.invalid(path, 0, NameRules.inclusiveRangeError(1, 65535)));
            return;
        }
        if (port.isNumber()) {
            for (String msg : NameRules.portNum(port.longValue())) {
                errs.add(FieldError.invalid(path, port.longValue(), msg));
            }
        } else if (port.isString()) {
            for (String msg : NameRules.ianaSvcName(port.stringValue())) {
                errs.add(FieldError.invalid(path, port.stringValue(), msg));
            }
        }
    }

    static void nonNegative(JsonNode node, String field, String path, List<FieldError> errs) {
        JsonNode v = node.get(field);
        if (v != null && v.isNumber() && v.longValue() < 0) {
            errs.add(
                    FieldError.invalid(
                            path + "." + field,
                            v.longValue(),
                            "must be greater than or equal to 0"));
        }
    }

    // ---------------------------------------------------------------- templates

    /** Defaults of a {@code PodTemplateSpec} at {@code spec.template}. */
    static void applyTemplateDefaults(ObjectNode object) {
        ObjectNode templateSpec = Json.objectAt(object, "spec.template.spec");
        if (templateSpec != null) {
            applyDefaults(templateSpec);
        }
    }

    /** Containers and images of a template as the printers lay them out: comma-joined. */
    static String[] containerCells(JsonNode podSpec) {
        List<String> names = new ArrayList<>();
        List<String> images = new ArrayList<>();
        for (JsonNode c : Json.elements(podSpec, "containers")) {
            names.add(Json.str(c, "name"));
            images.add(Json.str(c, "image"));
        }
        return new String[] {String.join(",", names), String.join(",", images)};
    }
}
