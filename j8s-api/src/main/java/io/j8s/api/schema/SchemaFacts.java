package io.j8s.api.schema;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the fabric8 classes do not say about the served types, in one table: a short description of
 * the types and fields users look up most ({@code kubectl explain}), the required fields, and the
 * list metadata of Kubernetes' API types: {@code patchStrategy}/{@code patchMergeKey} (how
 * strategic merge patch merges a list) and {@code listType}/{@code listMapKeys}. The list metadata
 * follows the tags of {@code k8s.io/api}; the descriptions are j8s' own words. {@link ApiSchema}
 * reads it; {@link io.j8s.api.patch.PatchSchemas} reads the schema.
 */
public final class SchemaFacts {

    /** The facts of one field; all null/false/empty when none are known. */
    public record FieldFacts(
            String description,
            boolean required,
            String patchStrategy,
            String patchMergeKey,
            String listType,
            List<String> listMapKeys,
            List<String> enumValues) {
        static final FieldFacts NONE =
                new FieldFacts(null, false, null, null, null, List.of(), List.of());
    }

    static final String API_VERSION =
            "The versioned schema of this object: \"v1\" for the core group, "
                    + "\"<group>/<version>\" for the others.";
    static final String KIND =
            "The kind of this object (\"Service\", \"Deployment\", ...), in CamelCase.";
    static final String METADATA =
            "Standard object metadata: name, namespace, labels, annotations, and what the "
                    + "server sets (uid, resourceVersion, creationTimestamp, ...).";

    private static final Map<String, String> TYPES = new HashMap<>();
    private static final Map<String, Map<String, Mutable>> FIELDS = new HashMap<>();

    private SchemaFacts() {}

    /** The description of a definition, or null. */
    static String typeDescription(String definition) {
        return TYPES.get(definition);
    }

    /** The facts of a field of a definition. */
    public static FieldFacts field(String definition, String field) {
        Map<String, Mutable> fields = FIELDS.get(definition);
        Mutable m = fields == null ? null : fields.get(field);
        return m == null ? FieldFacts.NONE : m.freeze();
    }

    private static final class Mutable {
        String description;
        boolean required;
        String patchStrategy;
        String patchMergeKey;
        String listType;
        List<String> listMapKeys = List.of();
        List<String> enumValues = List.of();

        FieldFacts freeze() {
            return new FieldFacts(
                    description,
                    required,
                    patchStrategy,
                    patchMergeKey,
                    listType,
                    listMapKeys,
                    enumValues);
        }
    }

    /**
     * Facts about one type; {@code name} is {@code core.v1.Service}, {@code meta.v1.ObjectMeta},
     * ....
     */
    private static T type(String name, String description) {
        String full =
                name.startsWith("meta.")
                        ? "io.k8s.apimachinery.pkg.apis." + name
                        : name.startsWith("io.") ? name : "io.k8s.api." + name;
        if (description != null) {
            TYPES.put(full, description);
        }
        return new T(FIELDS.computeIfAbsent(full, k -> new HashMap<>()));
    }

    private static final class T {
        private final Map<String, Mutable> fields;

        T(Map<String, Mutable> fields) {
            this.fields = fields;
        }

        private Mutable f(String name) {
            return fields.computeIfAbsent(name, k -> new Mutable());
        }

        T doc(String field, String description) {
            f(field).description = description;
            return this;
        }

        T required(String... names) {
            for (String n : names) {
                f(n).required = true;
            }
            return this;
        }

        /**
         * {@code patchStrategy: merge} on {@code key}, a {@code map} list on {@code mapKeys}
         * (default: the key).
         */
        T merge(String field, String key, String... mapKeys) {
            Mutable m = f(field);
            m.patchStrategy = "merge";
            m.patchMergeKey = key;
            m.listType = "map";
            m.listMapKeys = mapKeys.length == 0 ? List.of(key) : List.of(mapKeys);
            return this;
        }

        /** {@code patchStrategy: merge,retainKeys} on {@code key}. */
        T mergeRetainKeys(String field, String key) {
            merge(field, key);
            f(field).patchStrategy = "merge,retainKeys";
            return this;
        }

        /** A list of primitives merged as a set. */
        T mergeSet(String field) {
            Mutable m = f(field);
            m.patchStrategy = "merge";
            m.listType = "set";
            return this;
        }

        /** The values a string field may take. */
        T oneOf(String field, String... values) {
            f(field).enumValues = List.of(values);
            return this;
        }

        T atomic(String... names) {
            for (String n : names) {
                f(n).listType = "atomic";
            }
            return this;
        }

        T strategy(String field, String strategy) {
            f(field).patchStrategy = strategy;
            return this;
        }
    }

    static {
        // ---------------------------------------------------------------- meta/v1 and scalars
        type("meta.v1.ObjectMeta", "Metadata every persisted object has.")
                .doc(
                        "name",
                        "The object's name, unique within its namespace (or the cluster, for cluster-scoped "
                                + "kinds). Set at creation; cannot be changed.")
                .doc(
                        "generateName",
                        "A prefix from which the server makes a unique name when name is empty.")
                .doc(
                        "namespace",
                        "The namespace the object lives in; empty for cluster-scoped kinds.")
                .doc(
                        "labels",
                        "Key/value pairs for selecting and grouping objects (selectors match them).")
                .doc("annotations", "Key/value pairs for tools and people; not used for selection.")
                .doc("uid", "The server-assigned unique id of this object, never reused.")
                .doc(
                        "resourceVersion",
                        "An opaque version of the object, changed by every write; used for "
                                + "optimistic concurrency and watches.")
                .doc(
                        "generation",
                        "A sequence number of changes to the desired state (spec), set by the server.")
                .doc("creationTimestamp", "When the server created the object (RFC 3339, UTC).")
                .doc(
                        "deletionTimestamp",
                        "When the object will be (or began being) deleted; set by a graceful "
                                + "deletion, read-only.")
                .doc(
                        "deletionGracePeriodSeconds",
                        "Seconds the object is given to terminate gracefully, set with "
                                + "deletionTimestamp.")
                .doc(
                        "ownerReferences",
                        "The objects this one depends on; when all owners are gone the garbage "
                                + "collector deletes it. At most one owner is the managing controller.")
                .doc(
                        "finalizers",
                        "Keys that must be removed before the object is deleted from storage.")
                .doc("managedFields", "Which manager set which fields, for server-side apply.")
                .merge("ownerReferences", "uid")
                .mergeSet("finalizers")
                .atomic("managedFields");
        type(
                "meta.v1.ListMeta",
                "Metadata of a list: its resourceVersion and the token of the next page.");
        type("meta.v1.OwnerReference", "Names an owning object in the same namespace.")
                .required("apiVersion", "kind", "name", "uid")
                .doc("controller", "True when the owner is the managing controller.")
                .doc(
                        "blockOwnerDeletion",
                        "True when foreground deletion of the owner waits for this object.");
        type(
                        "meta.v1.LabelSelector",
                        "Selects objects by labels: all matchLabels and all matchExpressions must "
                                + "match; an empty selector matches everything.")
                .doc("matchLabels", "Labels an object must have, key and value.")
                .doc("matchExpressions", "Requirements on labels, all of which must hold.")
                .atomic("matchExpressions");
        type("meta.v1.LabelSelectorRequirement", "One requirement of a label selector.")
                .required("key", "operator")
                .doc("operator", "In, NotIn, Exists or DoesNotExist.")
                .atomic("values");
        type("meta.v1.Condition", "One aspect of an object's current state.")
                .required("type", "status", "lastTransitionTime", "reason", "message");
        type(
                "meta.v1.ManagedFieldsEntry",
                "The fields one manager set, with the operation and the time.");
        type("meta.v1.FieldsV1", "A set of fields, encoded in the fieldsV1 JSON format.");
        type("meta.v1.Time", "A point in time, serialized as an RFC 3339 string (UTC, seconds).");
        type(
                "meta.v1.MicroTime",
                "A point in time with microseconds, serialized as an RFC 3339 string.");
        type(
                "io.k8s.apimachinery.pkg.api.resource.Quantity",
                "A fixed-point number with an optional suffix: "
                        + "binary (Ki, Mi, Gi, ...), decimal (m, k, M, G, ...) or an exponent (1e3).");
        type(
                "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
                "An integer or a string (e.g. a port number or a " + "port name).");

        // ---------------------------------------------------------------- Service
        type(
                        "core.v1.Service",
                        "A named, stable address (a virtual IP and ports) for a set of Pods chosen by a "
                                + "label selector; traffic to it is spread over their endpoints.")
                .doc("spec", "The desired behaviour of the Service.")
                .doc(
                        "status",
                        "The most recently observed state of the Service, set by the system.");
        type(
                        "core.v1.ServiceSpec",
                        "ServiceSpec: the type, selector, ports and traffic policies of a Service.")
                .doc(
                        "type",
                        "How the Service is exposed: ClusterIP (default, a virtual IP inside the cluster), "
                                + "NodePort (ClusterIP plus a port on every node), LoadBalancer (NodePort plus an external "
                                + "load balancer) or ExternalName (a DNS alias to externalName, no proxying).")
                .doc(
                        "selector",
                        "Pods whose labels match all these pairs receive the Service's traffic. Without a "
                                + "selector the endpoints are managed by hand (Endpoints or EndpointSlices of the same name).")
                .doc("ports", "The ports the Service exposes and where each forwards to.")
                .doc(
                        "clusterIP",
                        "The virtual IP of the Service, allocated by the server unless given. \"None\" "
                                + "makes a headless Service (no virtual IP, DNS lists the Pods). Cannot be changed.")
                .doc(
                        "clusterIPs",
                        "The virtual IPs of the Service, one per IP family; the first equals clusterIP.")
                .doc(
                        "sessionAffinity",
                        "Whether connections from one client IP keep going to the same endpoint: "
                                + "\"ClientIP\" keeps them (for sessionAffinityConfig.clientIP.timeoutSeconds), \"None\" "
                                + "(default) balances every connection.")
                .doc(
                        "sessionAffinityConfig",
                        "Settings of the session affinity (the ClientIP timeout).")
                .doc("externalName", "The DNS name an ExternalName Service is an alias for.")
                .doc("externalIPs", "Additional IPs on which nodes accept traffic for the Service.")
                .doc(
                        "externalTrafficPolicy",
                        "How external traffic (NodePort, LoadBalancer) is routed: \"Cluster\" "
                                + "to any ready endpoint, \"Local\" only to endpoints on the receiving node.")
                .doc(
                        "internalTrafficPolicy",
                        "How traffic from inside the cluster is routed: \"Cluster\" (default) "
                                + "to any ready endpoint, \"Local\" only to endpoints on the same node.")
                .doc("ipFamilies", "The IP families (IPv4, IPv6) of the Service's cluster IPs.")
                .doc("ipFamilyPolicy", "SingleStack, PreferDualStack or RequireDualStack.")
                .doc(
                        "publishNotReadyAddresses",
                        "When true, endpoints are published whether or not the Pods are "
                                + "ready.")
                .doc(
                        "healthCheckNodePort",
                        "The node port of the health check of a LoadBalancer Service with "
                                + "externalTrafficPolicy Local.")
                .doc("loadBalancerIP", "Deprecated: the IP a load balancer should use.")
                .doc(
                        "loadBalancerClass",
                        "The load balancer implementation of a LoadBalancer Service.")
                .doc("loadBalancerSourceRanges", "Client CIDRs a load balancer accepts.")
                .doc(
                        "allocateLoadBalancerNodePorts",
                        "Whether a LoadBalancer Service gets node ports (default " + "true).")
                .doc(
                        "trafficDistribution",
                        "A preference for how traffic is spread over endpoints (PreferClose).")
                .merge("ports", "port", "port", "protocol")
                .atomic("clusterIPs", "externalIPs", "ipFamilies", "loadBalancerSourceRanges")
                .oneOf("type", "ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
                .oneOf("sessionAffinity", "ClientIP", "None")
                .oneOf("externalTrafficPolicy", "Cluster", "Local")
                .oneOf("internalTrafficPolicy", "Cluster", "Local")
                .oneOf("ipFamilyPolicy", "PreferDualStack", "RequireDualStack", "SingleStack");
        type("core.v1.ServicePort", "One port a Service exposes.")
                .required("port")
                .doc(
                        "name",
                        "The port's name, unique in the Service; required when there are several ports. "
                                + "EndpointSlice ports carry the same name.")
                .doc("protocol", "TCP (default), UDP or SCTP.")
                .doc("port", "The port the Service listens on (on its cluster IP).")
                .doc(
                        "targetPort",
                        "The port on the Pods that receives the traffic: a number or the name of a "
                                + "container port. Defaults to port.")
                .doc(
                        "nodePort",
                        "The port on every node for NodePort and LoadBalancer Services, allocated by the "
                                + "server unless given.")
                .doc(
                        "appProtocol",
                        "The application protocol of the port (a hint, e.g. http, h2c, kubernetes.io/ws).")
                .oneOf("protocol", "SCTP", "TCP", "UDP");
        type(
                        "core.v1.ServiceStatus",
                        "ServiceStatus: the load balancer and conditions of a Service.")
                .doc("loadBalancer", "The load balancer's ingress points, if any.")
                .merge("conditions", "type");
        type(
                        "core.v1.SessionAffinityConfig",
                        "SessionAffinityConfig: the settings of each kind of session affinity.")
                .doc("clientIP", "Settings of ClientIP affinity.");
        type("core.v1.ClientIPConfig", "ClientIPConfig: how long ClientIP affinity lasts.")
                .doc(
                        "timeoutSeconds",
                        "How long a client stays with its endpoint after its last connection, in "
                                + "seconds (1 to 86400, default 10800).");
        type("core.v1.LoadBalancerStatus", "The ingress points of a load balancer.")
                .atomic("ingress");

        // ---------------------------------------------------------------- Endpoints
        type(
                        "core.v1.Endpoints",
                        "The network endpoints (addresses and ports) behind a Service of the same name, "
                                + "maintained by the endpoints controller for Services with a selector, by hand otherwise.")
                .doc(
                        "subsets",
                        "Groups of addresses that share the same ports; each address with each port is "
                                + "one endpoint.")
                .atomic("subsets");
        type("core.v1.EndpointSubset", "Addresses that share a set of ports.")
                .doc("addresses", "Addresses ready to receive traffic.")
                .doc(
                        "notReadyAddresses",
                        "Addresses not ready yet (or any more); they receive no traffic.")
                .doc("ports", "The ports available on every address of the subset.")
                .atomic("addresses", "notReadyAddresses", "ports");
        type("core.v1.EndpointAddress", "One address of an endpoint.")
                .required("ip")
                .doc("ip", "The IP of the endpoint.")
                .doc("hostname", "The hostname of the endpoint, for DNS.")
                .doc("nodeName", "The node that hosts the endpoint.")
                .doc("targetRef", "The object (usually a Pod) behind the address.");
        type("core.v1.EndpointPort", "One port of an endpoint subset.")
                .required("port")
                .doc("name", "The port's name; matches the name of the Service port.")
                .doc("port", "The port number.")
                .doc("protocol", "TCP (default), UDP or SCTP.")
                .doc("appProtocol", "The application protocol of the port.")
                .oneOf("protocol", "SCTP", "TCP", "UDP");

        // ---------------------------------------------------------------- EndpointSlice
        type(
                        "discovery.v1.EndpointSlice",
                        "A slice of the endpoints of a Service (label "
                                + "kubernetes.io/service-name), with the ports they share; the EndpointSlice controller "
                                + "keeps them for Services with a selector, the proxy reads them.")
                .required("addressType", "endpoints")
                .doc(
                        "addressType",
                        "The kind of addresses in the slice: IPv4, IPv6 or FQDN. Cannot be changed.")
                .oneOf("addressType", "FQDN", "IPv4", "IPv6")
                .doc("endpoints", "The endpoints of the slice (at most 1000).")
                .doc(
                        "ports",
                        "The ports every endpoint of the slice serves; an empty list means none, a port "
                                + "without a number means all ports.")
                .atomic("endpoints", "ports");
        type("discovery.v1.Endpoint", "One endpoint: its addresses, conditions and where it runs.")
                .required("addresses")
                .doc(
                        "addresses",
                        "The endpoint's addresses, of the slice's addressType (usually one).")
                .doc("conditions", "Whether the endpoint is ready, serving and terminating.")
                .doc("hostname", "The endpoint's hostname, for DNS.")
                .doc("targetRef", "The object (usually a Pod) behind the endpoint.")
                .doc("nodeName", "The node that hosts the endpoint.")
                .doc("zone", "The zone the endpoint is in.")
                .doc("hints", "Hints for topology-aware routing.")
                .doc("deprecatedTopology", "Deprecated topology labels; use nodeName and zone.")
                .atomic("addresses");
        type("discovery.v1.EndpointConditions", "The state of an endpoint.")
                .doc(
                        "ready",
                        "Whether the endpoint should receive new traffic (serving and not terminating).")
                .doc("serving", "Whether the endpoint is ready to serve, even while terminating.")
                .doc("terminating", "Whether the endpoint is being stopped.");
        type("discovery.v1.EndpointPort", "One port of an EndpointSlice.")
                .doc("name", "The port's name; matches the name of the Service port.")
                .doc("port", "The port number; empty means every port.")
                .doc("protocol", "TCP (default), UDP or SCTP.")
                .doc("appProtocol", "The application protocol of the port.")
                .oneOf("protocol", "SCTP", "TCP", "UDP");
        type("discovery.v1.EndpointHints", null).atomic("forZones", "forNodes");
        type("discovery.v1.ForZone", null).required("name");
        type("discovery.v1.ForNode", null).required("name");

        // ---------------------------------------------------------------- Pod
        type(
                        "core.v1.Pod",
                        "A group of containers that run together on one node, share an IP address and may "
                                + "share volumes; the smallest unit that is scheduled.")
                .doc("spec", "The desired state of the Pod.")
                .doc(
                        "status",
                        "The most recently observed state of the Pod, reported by its node.");
        type(
                        "core.v1.PodSpec",
                        "PodSpec: the containers, volumes and scheduling constraints of a Pod.")
                .required("containers")
                .doc(
                        "containers",
                        "The containers of the Pod (at least one); they start after the init "
                                + "containers and run together.")
                .doc(
                        "initContainers",
                        "Containers run one after the other, each to completion, before the "
                                + "containers start.")
                .doc("ephemeralContainers", "Containers added to a running Pod for debugging.")
                .doc(
                        "restartPolicy",
                        "Whether containers are restarted when they exit: Always (default), "
                                + "OnFailure or Never.")
                .doc(
                        "nodeName",
                        "The node the Pod runs on; set by the scheduler (a binding) unless given.")
                .doc("nodeSelector", "Labels a node must have for the Pod to be scheduled on it.")
                .doc("affinity", "Scheduling constraints: node affinity and Pod (anti-)affinity.")
                .doc("tolerations", "The node taints the Pod tolerates.")
                .doc(
                        "serviceAccountName",
                        "The ServiceAccount the Pod runs as (default: \"default\").")
                .doc(
                        "automountServiceAccountToken",
                        "Whether the ServiceAccount's token is mounted.")
                .doc(
                        "terminationGracePeriodSeconds",
                        "Seconds the containers get to stop after the termination "
                                + "signal before they are killed (default 30).")
                .doc(
                        "activeDeadlineSeconds",
                        "Seconds the Pod may be active before the system marks it failed.")
                .doc("volumes", "Volumes the containers may mount.")
                .doc("hostNetwork", "Whether the Pod uses the node's network namespace.")
                .doc("hostname", "The Pod's hostname (default: the Pod's name).")
                .doc(
                        "subdomain",
                        "With hostname, makes the Pod's DNS name <hostname>.<subdomain>.<namespace>.svc.")
                .doc(
                        "dnsPolicy",
                        "How the Pod's DNS is configured: ClusterFirst (default), Default, "
                                + "ClusterFirstWithHostNet or None.")
                .doc(
                        "schedulerName",
                        "The scheduler that places the Pod (default: default-scheduler).")
                .doc("priorityClassName", "The priority class of the Pod.")
                .doc("securityContext", "Security settings of all the Pod's containers.")
                .doc("imagePullSecrets", "Secrets used to pull the containers' images.")
                .doc(
                        "readinessGates",
                        "Extra conditions that must be true for the Pod to be ready.")
                .doc(
                        "topologySpreadConstraints",
                        "How the Pods of a group spread over topology domains.")
                .oneOf("restartPolicy", "Always", "Never", "OnFailure")
                .oneOf("dnsPolicy", "ClusterFirst", "ClusterFirstWithHostNet", "Default", "None")
                .mergeRetainKeys("volumes", "name")
                .merge("initContainers", "name")
                .merge("containers", "name")
                .merge("ephemeralContainers", "name")
                .merge("imagePullSecrets", "name")
                .merge("hostAliases", "ip")
                .merge(
                        "topologySpreadConstraints",
                        "topologyKey",
                        "topologyKey",
                        "whenUnsatisfiable")
                .merge("schedulingGates", "name")
                .mergeRetainKeys("resourceClaims", "name");
        for (String container : List.of("core.v1.Container", "core.v1.EphemeralContainer")) {
            type(
                            container,
                            container.endsWith(".Container")
                                    ? "One container of a Pod: an image and how to run it."
                                    : "A container added to a running Pod for debugging.")
                    .required("name")
                    .doc("name", "The container's name, unique in the Pod.")
                    .doc("image", "The container image to run (e.g. nginx:1.27).")
                    .doc("command", "The entrypoint, replacing the image's; not run in a shell.")
                    .doc("args", "Arguments of the entrypoint, replacing the image's.")
                    .doc("workingDir", "The container's working directory.")
                    .doc(
                            "ports",
                            "The ports the container listens on (informational; Services may name them).")
                    .doc("env", "Environment variables of the container.")
                    .doc("envFrom", "Sources (ConfigMaps, Secrets) of environment variables.")
                    .doc(
                            "resources",
                            "The compute resources the container requests and is limited to.")
                    .doc("volumeMounts", "Volumes of the Pod mounted in the container.")
                    .doc("livenessProbe", "A check whose failure restarts the container.")
                    .doc(
                            "readinessProbe",
                            "A check whose failure takes the Pod out of its Services' endpoints.")
                    .doc("startupProbe", "A check that must succeed before the other probes run.")
                    .doc("lifecycle", "Actions run after the container starts and before it stops.")
                    .doc(
                            "imagePullPolicy",
                            "When the image is pulled: Always, IfNotPresent or Never.")
                    .doc("securityContext", "Security settings of the container.")
                    .oneOf("imagePullPolicy", "Always", "IfNotPresent", "Never")
                    .merge("ports", "containerPort", "containerPort", "protocol")
                    .merge("env", "name")
                    .merge("volumeMounts", "mountPath")
                    .merge("volumeDevices", "devicePath");
        }
        type("core.v1.ContainerPort", "One port a container listens on.")
                .required("containerPort")
                .doc("containerPort", "The port number on the Pod's IP.")
                .doc(
                        "name",
                        "The port's name, unique in the Pod; a Service's targetPort may refer to it.")
                .doc("protocol", "TCP (default), UDP or SCTP.")
                .doc("hostPort", "The port on the node forwarded to this port, if any.")
                .doc("hostIP", "The node IP the host port binds.")
                .oneOf("protocol", "SCTP", "TCP", "UDP");
        type("core.v1.EnvVar", "One environment variable.").required("name");
        type("core.v1.VolumeMount", "A volume mounted in a container.")
                .required("name", "mountPath");
        type("core.v1.VolumeDevice", null).required("name", "devicePath");
        type("core.v1.Volume", "A named volume of a Pod.").required("name");
        type("core.v1.KeyToPath", null).required("key", "path");
        type("core.v1.ConfigMapKeySelector", null).required("key");
        type("core.v1.SecretKeySelector", null).required("key");
        type("core.v1.ObjectFieldSelector", null).required("fieldPath");
        type("core.v1.ResourceFieldSelector", null).required("resource");
        type("core.v1.HTTPGetAction", null).required("port");
        type("core.v1.TCPSocketAction", null).required("port");
        type("core.v1.GRPCAction", null).required("port");
        type("core.v1.HTTPHeader", null).required("name", "value");
        type("core.v1.NodeSelector", null)
                .required("nodeSelectorTerms")
                .atomic("nodeSelectorTerms");
        type("core.v1.NodeSelectorRequirement", null).required("key", "operator");
        type("core.v1.PreferredSchedulingTerm", null).required("weight", "preference");
        type("core.v1.WeightedPodAffinityTerm", null).required("weight", "podAffinityTerm");
        type("core.v1.PodAffinityTerm", null).required("topologyKey");
        type("core.v1.TopologySpreadConstraint", null)
                .required("maxSkew", "topologyKey", "whenUnsatisfiable");
        type("core.v1.Sysctl", null).required("name", "value");
        type(
                        "core.v1.PodStatus",
                        "PodStatus: the phase, conditions, IPs and container states of a Pod.")
                .doc(
                        "phase",
                        "Where the Pod is in its life: Pending, Running, Succeeded, Failed or Unknown.")
                .doc(
                        "conditions",
                        "The Pod's conditions (PodScheduled, Initialized, ContainersReady, Ready).")
                .doc("podIP", "The IP allocated to the Pod.")
                .doc("podIPs", "The IPs allocated to the Pod, one per IP family.")
                .doc("hostIP", "The IP of the node the Pod runs on.")
                .doc("startTime", "When the node accepted the Pod.")
                .doc("containerStatuses", "The state of each container.")
                .doc("message", "Why the Pod is in its state, for people.")
                .doc("reason", "Why the Pod is in its state, in one CamelCase word.")
                .doc(
                        "qosClass",
                        "The quality of service class: Guaranteed, Burstable or BestEffort.")
                .oneOf("phase", "Failed", "Pending", "Running", "Succeeded", "Unknown")
                .oneOf("qosClass", "BestEffort", "Burstable", "Guaranteed")
                .merge("conditions", "type")
                .merge("podIPs", "ip")
                .merge("hostIPs", "ip")
                .mergeRetainKeys("resourceClaimStatuses", "name");
        type("core.v1.PodCondition", "One condition of a Pod.").required("type", "status");
        type("core.v1.ContainerStatus", "The state of one container of a Pod.")
                .required("name", "ready", "restartCount", "image", "imageID");
        type("core.v1.ContainerStateTerminated", null).required("exitCode");
        type("core.v1.PodTemplateSpec", "The Pods a controller creates: their metadata and spec.")
                .doc(
                        "metadata",
                        "Labels and annotations of the Pods; the labels must match the selector.")
                .doc("spec", "The spec of the Pods.");

        // ---------------------------------------------------------------- Deployment, ReplicaSet
        type(
                        "apps.v1.Deployment",
                        "Declarative updates of Pods: a Deployment keeps a ReplicaSet of its Pod "
                                + "template at the desired replicas and rolls changes out from old ReplicaSets to a new one.")
                .doc("spec", "The desired state of the Deployment.")
                .doc("status", "The most recently observed state of the Deployment.");
        type(
                        "apps.v1.DeploymentSpec",
                        "DeploymentSpec: the replicas, selector, Pod template and rollout strategy of a "
                                + "Deployment.")
                .required("selector", "template")
                .doc("replicas", "The number of Pods wanted (default 1).")
                .doc(
                        "selector",
                        "The label selector of the Deployment's Pods; must match the template's labels. "
                                + "Cannot be changed.")
                .doc(
                        "template",
                        "The Pods the Deployment creates; a change rolls out a new ReplicaSet.")
                .doc(
                        "strategy",
                        "How old Pods are replaced by new ones: RollingUpdate (default) or Recreate.")
                .doc(
                        "minReadySeconds",
                        "Seconds a new Pod must be ready before it counts as available.")
                .doc(
                        "revisionHistoryLimit",
                        "How many old ReplicaSets are kept for rollback (default 10).")
                .doc("paused", "Whether the rollout is paused.")
                .doc(
                        "progressDeadlineSeconds",
                        "Seconds a rollout may make no progress before it is reported as "
                                + "failed (default 600).")
                .strategy("strategy", "retainKeys");
        type(
                        "apps.v1.DeploymentStrategy",
                        "DeploymentStrategy: the kind of rollout and its limits.")
                .doc(
                        "type",
                        "RollingUpdate (default): replace Pods gradually; Recreate: stop all old Pods first.")
                .doc("rollingUpdate", "Limits of a rolling update (type RollingUpdate only).")
                .oneOf("type", "Recreate", "RollingUpdate");
        type(
                        "apps.v1.RollingUpdateDeployment",
                        "RollingUpdateDeployment: how far a rolling update may go below and "
                                + "above the desired replicas.")
                .doc(
                        "maxUnavailable",
                        "How many Pods (a number or a percentage) may be unavailable during the "
                                + "update (default 25%).")
                .doc(
                        "maxSurge",
                        "How many Pods (a number or a percentage) may exist above replicas during the "
                                + "update (default 25%).");
        type(
                        "apps.v1.DeploymentStatus",
                        "DeploymentStatus: the replica counts and conditions of a Deployment.")
                .doc(
                        "observedGeneration",
                        "The generation of the spec the controller last acted on.")
                .doc("replicas", "Pods of the Deployment (old and new).")
                .doc("updatedReplicas", "Pods of the current template.")
                .doc("readyReplicas", "Pods that are ready.")
                .doc("availableReplicas", "Pods ready for at least minReadySeconds.")
                .doc("unavailableReplicas", "Pods still needed to reach the desired replicas.")
                .doc(
                        "conditions",
                        "The Deployment's conditions (Available, Progressing, ReplicaFailure).")
                .doc(
                        "collisionCount",
                        "A counter that changes the names of new ReplicaSets after a hash collision.")
                .merge("conditions", "type");
        type("apps.v1.DeploymentCondition", null).required("type", "status");
        type("apps.v1.ReplicaSet", "Keeps a number of identical Pods running.")
                .doc("spec", "The desired state of the ReplicaSet.")
                .doc("status", "The most recently observed state of the ReplicaSet.");
        type(
                        "apps.v1.ReplicaSetSpec",
                        "ReplicaSetSpec: the replicas, selector and Pod template of a ReplicaSet.")
                .required("selector")
                .doc("replicas", "The number of Pods wanted (default 1).")
                .doc("selector", "The label selector of the ReplicaSet's Pods.")
                .doc("template", "The Pods the ReplicaSet creates.")
                .doc(
                        "minReadySeconds",
                        "Seconds a new Pod must be ready before it counts as available.");
        type("apps.v1.ReplicaSetStatus", null).required("replicas").merge("conditions", "type");
        type("apps.v1.ReplicaSetCondition", null).required("type", "status");

        // ---------------------------------------------------------------- the other kinds
        type("core.v1.Node", "A machine (or a simulated one) that runs Pods.");
        type("core.v1.NodeSpec", null).mergeSet("podCIDRs").atomic("taints");
        type("core.v1.NodeStatus", null).merge("conditions", "type").merge("addresses", "type");
        type("core.v1.NodeAddress", null).required("type", "address");
        type("core.v1.NodeCondition", null).required("type", "status");
        type("core.v1.Taint", null).required("key", "effect");
        type("core.v1.Namespace", "A scope for names; deleting it deletes everything in it.");
        type("core.v1.NamespaceStatus", null).merge("conditions", "type");
        type("core.v1.NamespaceCondition", null).required("type", "status");
        type("core.v1.ServiceAccount", "An identity for processes that run in Pods.")
                .merge("secrets", "name");
        type("core.v1.ConfigMap", "Non-confidential key/value data for Pods to consume.");
        type("core.v1.Secret", "Confidential data (passwords, tokens, keys) for Pods to consume.");
        type("core.v1.Event", "A report of something that happened to an object.")
                .required("metadata", "involvedObject");
        type("events.v1.Event", "A report of something that happened to an object.")
                .required("eventTime");
        type(
                "coordination.v1.Lease",
                "A lease held by one holder at a time (leader election, node heartbeats).");
        type("rbac.v1.Role", "Rules granting access to resources of one namespace.")
                .atomic("rules");
        type("rbac.v1.ClusterRole", "Rules granting access to resources of the cluster.")
                .atomic("rules");
        type(
                        "rbac.v1.RoleBinding",
                        "Grants the rules of a Role or ClusterRole to subjects, in one namespace.")
                .required("roleRef")
                .atomic("subjects");
        type(
                        "rbac.v1.ClusterRoleBinding",
                        "Grants the rules of a ClusterRole to subjects, cluster-wide.")
                .required("roleRef")
                .atomic("subjects");
        type(
                        "rbac.v1.PolicyRule",
                        "What a rule allows: verbs on resources or on non-resource URLs.")
                .required("verbs")
                .atomic("verbs", "apiGroups", "resources", "resourceNames", "nonResourceURLs");
        type("rbac.v1.RoleRef", null).required("apiGroup", "kind", "name");
        type("rbac.v1.Subject", null).required("kind", "name");
    }
}
