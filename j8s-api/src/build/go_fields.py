#!/usr/bin/env python3
"""Writes j8s-api's table of Go field encodings (go-fields.tsv) from Kubernetes' types.go files.

Usage: go_fields.py KUBERNETES_API_CHECKOUT APIMACHINERY_CHECKOUT [API_COMMIT APIMACHINERY_COMMIT] \
           > j8s-api/src/main/resources/io/j8s/api/json/go-fields.tsv

For each Go struct reachable from the kinds j8s serves it lists every JSON field with the shape of
its Go type (value scalar, pointer, struct, slice, map, or a type with its own JSON encoding) and its
omitempty/omitzero tags, which is all GoEncoding needs to encode an object as Go would.
"""
import re
import sys

PACKAGES = {
    "core": "core/v1/types.go",
    "apps": "apps/v1/types.go",
    "discovery": "discovery/v1/types.go",
    "coordination": "coordination/v1/types.go",
    "events": "events/v1/types.go",
    "rbac": "rbac/v1/types.go",
}
META = "pkg/apis/meta/v1/types.go"
ROOTS = [
    ("v1", "Namespace", "core"), ("v1", "Pod", "core"), ("v1", "Service", "core"),
    ("v1", "Endpoints", "core"), ("v1", "Event", "core"), ("v1", "Node", "core"),
    ("v1", "ConfigMap", "core"), ("v1", "ServiceAccount", "core"), ("v1", "Secret", "core"),
    ("apps/v1", "Deployment", "apps"), ("apps/v1", "ReplicaSet", "apps"),
    ("discovery.k8s.io/v1", "EndpointSlice", "discovery"), ("coordination.k8s.io/v1", "Lease", "coordination"),
    ("events.k8s.io/v1", "Event", "events"),
    ("rbac.authorization.k8s.io/v1", "Role", "rbac"), ("rbac.authorization.k8s.io/v1", "ClusterRole", "rbac"),
    ("rbac.authorization.k8s.io/v1", "RoleBinding", "rbac"),
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "rbac"),
]
# Types with their own MarshalJSON (or none of the struct's fields in JSON): never omitted by
# omitempty, their value is left as it is.
OPAQUE = {"meta.Time", "meta.MicroTime", "meta.FieldsV1", "meta.Duration", "resource.Quantity",
          "intstr.IntOrString", "runtime.RawExtension"}
EXTERNAL_SCALARS = {"types.UID", "types.NodeName"}
IMPORTS = {"v1": "core", "corev1": "core", "metav1": "meta", "resource": "resource", "types": "types",
           "intstr": "intstr", "runtime": "runtime"}
BUILTIN = {"string", "bool", "int", "int32", "int64", "uint", "uint32", "uint64", "float32", "float64", "byte"}

FIELD = re.compile(r'^\t(?:(\w+)\s+)?([\w.\[\]*]+(?:\[[\w.]+\][\w.\[\]*]+)?)\s+`([^`]*)`')


def parse(pkg, text, structs, named):
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = re.match(r'^type (\w+) struct \{', lines[i])
        if m:
            name = pkg + "." + m.group(1)
            fields = []
            i += 1
            while not lines[i].startswith("}"):
                f = FIELD.match(lines[i])
                if f:
                    fields.append((f.group(1), f.group(2), f.group(3)))
                i += 1
            structs[name] = fields
        else:
            m = re.match(r'^type (\w+) (\S+)\s*$', lines[i])
            if m and m.group(2) != "struct":
                named[pkg + "." + m.group(1)] = m.group(2)
        i += 1


def qualify(pkg, t):
    if "." in t:
        alias, name = t.split(".", 1)
        return IMPORTS.get(alias, alias) + "." + name
    if t in BUILTIN:
        return t
    return pkg + "." + t


def shape(pkg, t, structs, named):
    """(shape, element) of a Go type expression in package pkg."""
    if t.startswith("*"):
        inner, elem = shape(pkg, t[1:], structs, named)
        if inner == "struct":
            return "ptrstruct", elem
        if inner == "opaque":
            return "ptropaque", ""
        return "ptr", ""
    if t == "[]byte":
        return "scalar", ""
    if t.startswith("[]"):
        inner, elem = shape(pkg, t[2:], structs, named)
        return "slice", element(inner, elem)
    if t.startswith("map["):
        value = t[t.index("]") + 1:]
        inner, elem = shape(pkg, value, structs, named)
        return "map", element(inner, elem)
    q = qualify(pkg, t)
    if q in BUILTIN or q in EXTERNAL_SCALARS:
        return "scalar", ""
    if q in OPAQUE:
        return "opaque", ""
    if q in structs:
        return "struct", q
    if q in named:
        qpkg = q.split(".")[0]
        return shape(qpkg, named[q], structs, named)
    raise SystemExit("unknown type " + q)


def element(inner, elem):
    return inner + ":" + elem if elem else inner


def main():
    api, machinery = sys.argv[1], sys.argv[2]
    structs, named = {}, {}
    for pkg, path in PACKAGES.items():
        parse(pkg, open(api + "/" + path).read(), structs, named)
    parse("meta", open(machinery + "/" + META).read(), structs, named)
    rows = []
    seen = set()
    todo = [pkg + "." + kind for _, kind, pkg in ROOTS]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        pkg = name.split(".")[0]
        for field, t, tag in structs[name]:
            json = re.search(r'json:"([^"]*)"', tag)
            if not json or json.group(1) == "-":
                continue
            parts = json.group(1).split(",")
            s, elem = shape(pkg, t, structs, named)
            target = elem if s in ("struct", "ptrstruct") else elem.split(":")[1] if ":" in elem else ""
            if target and target not in seen:
                todo.append(target)
            if "inline" in parts or (not field and not parts[0]):
                rows.append((name, "", "inline", target, ""))
                continue
            flags = ",".join(p for p in parts[1:] if p in ("omitempty", "omitzero"))
            if not parts[0] and not field:
                raise SystemExit("embedded field without a JSON name in " + name + ": " + t)
            rows.append((name, parts[0] or field, s, elem, flags))
    print("# Generated by j8s-api/src/build/go_fields.py from kubernetes/api and kubernetes/apimachinery")
    print("# (types.go of core, apps, discovery, coordination, events, rbac and meta v1). Do not edit.")
    if len(sys.argv) > 4:
        print("# kubernetes/api " + sys.argv[3] + ", kubernetes/apimachinery " + sys.argv[4])
    print("# kind\tapiVersion/Kind\tGo type")
    for version, kind, pkg in ROOTS:
        print("\t".join(("kind", version + "/" + kind, pkg + "." + kind)))
    print("# Go type\tjson name\tshape\telement\ttags")
    for row in sorted(rows, key=lambda r: r[0]):
        print("\t".join(row))


main()
