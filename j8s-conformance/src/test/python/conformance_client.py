"""The official Kubernetes Python client against a real j8s server (docs/compatibility.md).

Run by PythonClientConformanceTest as
    /usr/bin/python3 conformance_client.py KUBECONFIG NAMESPACE SCENARIO [ARGS...]
Each scenario prints one "ok ..." line per check and "PASS SCENARIO" at the end; a failed check
raises, so the script exits non-zero with the traceback on stderr.
"""
import json
import sys
import time

from kubernetes import client, config, dynamic, watch
from kubernetes.client.rest import ApiException

# The RBAC subject model is V1Subject up to client 25 and RbacV1Subject from 26 on.
SUBJECT = getattr(client, "RbacV1Subject", None) or client.V1Subject

KUBECONFIG, NS, SCENARIO = sys.argv[1], sys.argv[2], sys.argv[3]
ARGS = sys.argv[4:]

api_client = config.new_client_from_config(config_file=KUBECONFIG)
core = client.CoreV1Api(api_client)
apps = client.AppsV1Api(api_client)
discovery = client.DiscoveryV1Api(api_client)
rbac = client.RbacAuthorizationV1Api(api_client)
coordination = client.CoordinationV1Api(api_client)


def check(condition, what):
    if not condition:
        raise AssertionError(what)
    print("ok " + what, flush=True)


def await_true(predicate, what, timeout=90):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            last = predicate()
            if last is True:
                print("ok " + what, flush=True)
                return
        except ApiException as e:
            last = e
        time.sleep(0.3)
    raise AssertionError("%s: not within %ss (last: %s)" % (what, timeout, last))


def meta(name, namespaced=True, **labels):
    return client.V1ObjectMeta(name=name, namespace=NS if namespaced else None, labels=labels or None)


def status_of(call):
    try:
        call()
        return 200
    except ApiException as e:
        return e.status


def template(app, *images):
    return client.V1PodTemplateSpec(
        metadata=client.V1ObjectMeta(labels={"app": app}),
        spec=client.V1PodSpec(containers=[
            client.V1Container(name="c%d" % i, image=image, ports=[client.V1ContainerPort(container_port=80)])
            for i, image in enumerate(images)]))


def crud(kind, create, read, list_, replace, delete, obj, change=lambda o: None):
    """create, read, list, replace (with a label), delete, then 404."""
    name = obj.metadata.name
    created = create(obj)
    check(created.metadata.uid and created.metadata.resource_version, "%s create sets uid and resourceVersion" % kind)
    got = read(name)
    check(got.metadata.uid == created.metadata.uid, "%s read" % kind)
    listed = list_()
    check(name in [i.metadata.name for i in listed.items] and listed.metadata.resource_version,
          "%s list" % kind)
    # Read, change, replace; again on a 409 (a Pod's scheduler and node write it meanwhile).
    for attempt in range(6):
        got.metadata.labels = dict(got.metadata.labels or {}, conformance="updated")
        change(got)
        try:
            updated = replace(name, got)
            break
        except ApiException as e:
            if e.status != 409 or attempt == 5:
                raise
            got = read(name)
    check(updated.metadata.labels.get("conformance") == "updated"
          and int(updated.metadata.resource_version) > int(created.metadata.resource_version),
          "%s replace" % kind)
    delete(name)
    await_true(lambda: status_of(lambda: read(name)) == 404, "%s delete, then read is 404" % kind, timeout=60)


def namespaced(prefix, api):
    """The create/read/list/replace/delete methods of a namespaced kind."""
    return dict(
        create=lambda o: getattr(api, "create_namespaced_" + prefix)(NS, o),
        read=lambda n: getattr(api, "read_namespaced_" + prefix)(n, NS),
        list_=lambda: getattr(api, "list_namespaced_" + prefix)(NS),
        replace=lambda n, o: getattr(api, "replace_namespaced_" + prefix)(n, NS, o),
        delete=lambda n: getattr(api, "delete_namespaced_" + prefix)(n, NS, grace_period_seconds=0))


def cluster(prefix, api):
    return dict(
        create=lambda o: getattr(api, "create_" + prefix)(o),
        read=lambda n: getattr(api, "read_" + prefix)(n),
        list_=lambda: getattr(api, "list_" + prefix)(),
        replace=lambda n, o: getattr(api, "replace_" + prefix)(n, o),
        delete=lambda n: getattr(api, "delete_" + prefix)(n))


def scenario_crud():
    crud("Namespace", obj=client.V1Namespace(metadata=meta(NS + "-crud", namespaced=False)), **cluster("namespace", core))
    crud("ConfigMap", obj=client.V1ConfigMap(metadata=meta("cm"), data={"a": "1"}), **namespaced("config_map", core))
    crud("Secret", obj=client.V1Secret(metadata=meta("secret"), string_data={"password": "s3cret"}),
         change=lambda s: check(s.data["password"] == "czNjcmV0", "Secret stringData is stored as data"),
         **namespaced("secret", core))
    crud("Service", obj=client.V1Service(metadata=meta("svc"), spec=client.V1ServiceSpec(
        selector={"app": "none"}, ports=[client.V1ServicePort(port=80)])),
         change=lambda s: check(s.spec.cluster_ip.startswith("127.96."), "Service gets a ClusterIP"),
         **namespaced("service", core))
    crud("Endpoints", obj=client.V1Endpoints(metadata=meta("ep"), subsets=[client.V1EndpointSubset(
        addresses=[client.V1EndpointAddress(ip="127.0.0.9")], ports=[client.CoreV1EndpointPort(port=80)])]),
         **namespaced("endpoints", core))
    crud("EndpointSlice", obj=client.V1EndpointSlice(
        metadata=meta("ep-1", **{"kubernetes.io/service-name": "ep"}), address_type="IPv4",
        endpoints=[client.V1Endpoint(addresses=["127.0.0.9"])],
        ports=[client.DiscoveryV1EndpointPort(name="", port=80)]), **namespaced("endpoint_slice", discovery))
    crud("Pod", obj=client.V1Pod(metadata=meta("pod"), spec=template("crud-pod", "nginx").spec),
         **namespaced("pod", core))
    crud("Deployment", obj=client.V1Deployment(metadata=meta("deploy"), spec=client.V1DeploymentSpec(
        replicas=0, selector=client.V1LabelSelector(match_labels={"app": "crud-deploy"}),
        template=template("crud-deploy", "nginx"))), **namespaced("deployment", apps))
    crud("ReplicaSet", obj=client.V1ReplicaSet(metadata=meta("rs"), spec=client.V1ReplicaSetSpec(
        replicas=0, selector=client.V1LabelSelector(match_labels={"app": "crud-rs"}),
        template=template("crud-rs", "nginx"))), **namespaced("replica_set", apps))
    crud("ServiceAccount", obj=client.V1ServiceAccount(metadata=meta("sa")), **namespaced("service_account", core))
    rule = client.V1PolicyRule(api_groups=[""], resources=["configmaps"], verbs=["get"])
    crud("Role", obj=client.V1Role(metadata=meta("role"), rules=[rule]), **namespaced("role", rbac))
    crud("RoleBinding", obj=client.V1RoleBinding(metadata=meta("rb"), role_ref=client.V1RoleRef(
        api_group="rbac.authorization.k8s.io", kind="ClusterRole", name="view"),
        subjects=[SUBJECT(kind="ServiceAccount", name="default", namespace=NS)]),
         **namespaced("role_binding", rbac))
    crud("ClusterRole", obj=client.V1ClusterRole(metadata=meta(NS + "-role", namespaced=False), rules=[rule]),
         **cluster("cluster_role", rbac))
    crud("ClusterRoleBinding", obj=client.V1ClusterRoleBinding(
        metadata=meta(NS + "-binding", namespaced=False), role_ref=client.V1RoleRef(
            api_group="rbac.authorization.k8s.io", kind="ClusterRole", name="view"),
        subjects=[SUBJECT(kind="User", name="python-user", api_group="rbac.authorization.k8s.io")]),
         **cluster("cluster_role_binding", rbac))
    crud("Lease", obj=client.V1Lease(metadata=meta("lease"), spec=client.V1LeaseSpec(
        holder_identity="python", lease_duration_seconds=40)), **namespaced("lease", coordination))
    crud("Event", obj=client.CoreV1Event(metadata=meta("event"), reason="Tested", message="by python", type="Normal",
                                         involved_object=client.V1ObjectReference(kind="ConfigMap", namespace=NS,
                                                                                  name="cm")),
         **namespaced("event", core))
    crud("Node", obj=client.V1Node(metadata=meta(NS + "-node", namespaced=False)), **cluster("node", core))


def scenario_watch():
    core.create_namespaced_config_map(NS, client.V1ConfigMap(metadata=meta("before")))
    listed = core.list_namespaced_config_map(NS)
    rv = listed.metadata.resource_version
    check("before" in [c.metadata.name for c in listed.items], "list")
    core.create_namespaced_config_map(NS, client.V1ConfigMap(metadata=meta("after")))
    core.patch_namespaced_config_map("after", NS, {"data": {"k": "v"}})
    core.delete_namespaced_config_map("after", NS)
    seen = []
    w = watch.Watch()
    for event in w.stream(core.list_namespaced_config_map, NS, resource_version=rv, timeout_seconds=10):
        seen.append("%s %s" % (event["type"], event["object"].metadata.name))
        if len(seen) == 3:
            w.stop()
    check(seen == ["ADDED after", "MODIFIED after", "DELETED after"],
          "watch from the list's resourceVersion sends only the later changes: %s" % seen)


def scenario_conflict():
    cm = core.create_namespaced_config_map(NS, client.V1ConfigMap(metadata=meta("cas"), data={"a": "1"}))
    cm.data["a"] = "2"
    core.replace_namespaced_config_map("cas", NS, cm)
    cm.data["a"] = "3"
    try:
        core.replace_namespaced_config_map("cas", NS, cm)
        raise AssertionError("a replace with a stale resourceVersion succeeded")
    except ApiException as e:
        check(e.status == 409, "stale replace is 409")
        check("the object has been modified; please apply your changes to the latest version and try again"
              in e.body, "409 body says why: " + e.body)
    check(core.read_namespaced_config_map("cas", NS).data["a"] == "2", "the object kept the winner's change")


def scenario_patches():
    apps.create_namespaced_deployment(NS, client.V1Deployment(metadata=meta("patched"), spec=client.V1DeploymentSpec(
        replicas=0, selector=client.V1LabelSelector(match_labels={"app": "patched"}),
        template=template("patched", "nginx:1.14.1", "busybox:1"))))
    d = apps.patch_namespaced_deployment("patched", NS, [
        {"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": "nginx:1.15"}])
    check([c.image for c in d.spec.template.spec.containers] == ["nginx:1.15", "busybox:1"], "json patch")
    d = apps.patch_namespaced_deployment("patched", NS, {"spec": {"template": {"spec": {"containers": [
        {"name": "c1", "image": "busybox:2"}]}}}})
    check(["%s=%s" % (c.name, c.image) for c in d.spec.template.spec.containers] == ["c0=nginx:1.15", "c1=busybox:2"],
          "strategic merge patch merges containers by name")
    dyn = dynamic.DynamicClient(api_client)
    deployments = dyn.resources.get(api_version="apps/v1", kind="Deployment")
    d = deployments.patch(name="patched", namespace=NS, body={"metadata": {"labels": {"patched": "merge"}}},
                          content_type="application/merge-patch+json")
    check(d.metadata.labels["patched"] == "merge", "merge patch (dynamic client)")


def scenario_apply():
    # server-side apply (docs/server-side-apply.md): it creates the object, names its manager, and
    # the same apply again writes nothing (same resourceVersion)
    dyn = dynamic.DynamicClient(api_client)
    configmaps = dyn.resources.get(api_version="v1", kind="ConfigMap")
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "applied", "namespace": NS},
            "data": {"a": "1"}}
    first = configmaps.server_side_apply(body=json.dumps(body), name="applied", namespace=NS,
                                         field_manager="conformance-python").to_dict()
    check(first["data"] == {"a": "1"}, "server-side apply created the ConfigMap")
    managers = [(m["manager"], m["operation"]) for m in first["metadata"]["managedFields"]]
    check(("conformance-python", "Apply") in managers, "its field manager applied it")
    again = configmaps.server_side_apply(body=json.dumps(body), name="applied", namespace=NS,
                                         field_manager="conformance-python").to_dict()
    check(again["metadata"]["resourceVersion"] == first["metadata"]["resourceVersion"],
          "the same apply again wrote nothing")
    check(core.read_namespaced_config_map("applied", NS).data == {"a": "1"}, "the applied data is stored")


def available(replicas):
    d = apps.read_namespaced_deployment("web", NS)
    s = d.status
    if s is None:
        return "no status"
    return (s.observed_generation == d.metadata.generation and s.replicas == replicas
            and s.updated_replicas == replicas and s.available_replicas == replicas
            and any(c.type == "Available" and c.status == "True" for c in s.conditions or []))


def endpoints_follow(count, pod_prefix):
    pods = core.list_namespaced_pod(NS, label_selector="app=web").items
    ips = {p.status.pod_ip for p in pods
           if p.metadata.deletion_timestamp is None and p.status.phase == "Running" and p.status.pod_ip}
    if len(ips) != count or not all(ip.startswith(pod_prefix) for ip in ips):
        return "pods: %s" % ips
    ep = core.read_namespaced_endpoints("web", NS)
    ep_ips = {a.ip for s in ep.subsets or [] for a in s.addresses or []}
    ep_ports = {(p.name, p.port) for s in ep.subsets or [] for p in s.ports or []}
    slices = discovery.list_namespaced_endpoint_slice(NS, label_selector="kubernetes.io/service-name=web").items
    slice_ips = {a for sl in slices for e in sl.endpoints or [] if e.conditions and e.conditions.ready
                 for a in e.addresses}
    slice_ports = {(p.name, p.port) for sl in slices for p in sl.ports or []}
    if ep_ips == ips and slice_ips == ips and ep_ports == {("http", 80)} and slice_ports == {("http", 80)}:
        return True
    return "pods %s endpoints %s %s slices %s %s" % (ips, ep_ips, ep_ports, slice_ips, slice_ports)


def scenario_deployment(pod_prefix):
    core.create_namespaced_service(NS, client.V1Service(metadata=meta("web"), spec=client.V1ServiceSpec(
        selector={"app": "web"}, ports=[client.V1ServicePort(name="http", port=8080, target_port=80)])))
    apps.create_namespaced_deployment(NS, client.V1Deployment(metadata=meta("web"), spec=client.V1DeploymentSpec(
        replicas=2, selector=client.V1LabelSelector(match_labels={"app": "web"}),
        template=template("web", "nginx:1.14.1"))))
    for replicas in (2, 3, 1):
        if replicas != 2:
            apps.patch_namespaced_deployment_scale("web", NS, {"spec": {"replicas": replicas}})
        await_true(lambda: available(replicas), "Deployment Available with %d replicas" % replicas)
        await_true(lambda: endpoints_follow(replicas, pod_prefix),
                   "Endpoints and EndpointSlices list the %d Ready Pods" % replicas, timeout=60)


def scenario_gone(old_rv):
    """A watch from a compacted revision raises the 410 (with a timeout the client does not retry)."""
    w = watch.Watch()
    try:
        for _ in w.stream(core.list_namespaced_config_map, NS, resource_version=old_rv, timeout_seconds=10):
            raise AssertionError("an event from a compacted revision")
        raise AssertionError("the watch ended without an error")
    except ApiException as e:
        check(e.status == 410, "watch from a compacted revision is 410 (%s)" % e.reason)
        check("Expired: too old resource version: " + old_rv in e.reason, "410 says why: %s" % e.reason)
    # Recover as the client's documentation says: list again, watch from the list's resourceVersion.
    listed = core.list_namespaced_config_map(NS)
    core.create_namespaced_config_map(NS, client.V1ConfigMap(metadata=meta("after-410")))
    w = watch.Watch()
    for event in w.stream(core.list_namespaced_config_map, NS, resource_version=listed.metadata.resource_version,
                          timeout_seconds=10):
        check(event["type"] == "ADDED" and event["object"].metadata.name == "after-410",
              "after a relist the watch resumes: %s %s" % (event["type"], event["object"].metadata.name))
        w.stop()


def scenario_exec():
    """kubernetes.stream: exec a command in a Pod (WebSocket, v4.channel.k8s.io): output, exit code, stdin."""
    from kubernetes.stream import stream
    core.create_namespaced_pod(NS, client.V1Pod(metadata=meta("exec-target"), spec=client.V1PodSpec(
        containers=[client.V1Container(name="main", image="busybox", command=["sleep", "3600"])])))
    await_true(lambda: core.read_namespaced_pod("exec-target", NS).status.phase == "Running", "exec target runs")
    out = stream(core.connect_get_namespaced_pod_exec, "exec-target", NS,
                 command=["sh", "-c", "echo from-python"], stderr=True, stdin=False, stdout=True, tty=False)
    check(out == "from-python\n", "exec returns the output: %r" % out)
    resp = stream(core.connect_get_namespaced_pod_exec, "exec-target", NS,
                  command=["sh", "-c", "exit 6"], stderr=True, stdin=False, stdout=True, tty=False,
                  _preload_content=False)
    resp.run_forever(timeout=30)
    check(resp.returncode == 6, "exec reports the exit code: %s" % resp.returncode)
    resp = stream(core.connect_get_namespaced_pod_exec, "exec-target", NS,
                  command=["head", "-n", "1"], stderr=True, stdin=True, stdout=True, tty=False,
                  _preload_content=False)
    resp.write_stdin("typed line\n")  # a str goes as a text message, bytes as a binary one
    got = ""
    deadline = time.time() + 30
    while resp.is_open() and time.time() < deadline and "typed line" not in got:
        resp.update(timeout=1)
        got += resp.read_stdout() if resp.peek_stdout() else ""
    resp.close()
    check(got == "typed line\n", "stdin reaches the command: %r" % got)


SCENARIOS = {
    "exec": scenario_exec,
    "crud": scenario_crud,
    "watch": scenario_watch,
    "conflict": scenario_conflict,
    "patches": scenario_patches,
    "apply": scenario_apply,
    "deployment": scenario_deployment,
    "gone": scenario_gone,
}

SCENARIOS[SCENARIO](*ARGS)
print("PASS " + SCENARIO, flush=True)
