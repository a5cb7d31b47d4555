package io.j8s.apiserver.apply;

import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import io.j8s.apiserver.errors.ApiException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Server-side apply and the tracking of field ownership ({@code metadata.managedFields}) for every
 * write, as Kubernetes' fieldmanager (its chain: the last-applied annotation updater and manager,
 * skipping updates of untracked objects, capping update managers, the manager identity, the
 * timestamps, stripping server-owned metadata) over structured-merge-diff's {@code Updater}. The
 * registry calls it on create and update; the PATCH handler calls {@link #apply}. Stateless. See
 * docs/server-side-apply.md.
 */
public final class FieldManager {
    private static final Logger log = LoggerFactory.getLogger(FieldManager.class);

    /** Kubernetes' cap on Update entries; older ones merge into {@link #ANCIENT}. */
    static final int MAX_UPDATE_MANAGERS = 10;

    static final String ANCIENT = "ancient-changes";

    /** The manager of kubectl's server-side apply, which upgrades client-side apply. */
    static final String KUBECTL = "kubectl";

    public static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    /** The annotations' total size limit of Kubernetes (256 KiB). */
    private static final int ANNOTATIONS_LIMIT = 256 * 1024;

    /** The longest field manager name. */
    public static final int MAX_MANAGER_LENGTH = 128;

    /** Metadata the server owns: never in a manager's set ({@code stripmeta}). */
    private static final FieldSet STRIPPED = new FieldSet();

    static {
        for (String top : List.of("apiVersion", "kind", "metadata")) {
            STRIPPED.insert(List.of(PathElement.field(top)));
        }
        for (String m :
                List.of(
                        "name",
                        "namespace",
                        "creationTimestamp",
                        "selfLink",
                        "uid",
                        "clusterName",
                        "generation",
                        "managedFields",
                        "resourceVersion")) {
            STRIPPED.insert(List.of(PathElement.field("metadata"), PathElement.field(m)));
        }
    }

    private FieldManager() {}

    /**
     * The manager of a request: {@code fieldManager}, else the User-Agent up to its first {@code
     * /}, printable characters only and at most 128 bytes (Kubernetes' {@code
     * prefixFromUserAgent}).
     */
    public static String managerFromUserAgent(String userAgent) {
        if (userAgent == null) {
            return "";
        }
        int slash = userAgent.indexOf('/');
        String prefix = slash < 0 ? userAgent : userAgent.substring(0, slash);
        StringBuilder out = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < prefix.length(); ) {
            int cp = prefix.codePointAt(i);
            i += Character.charCount(cp);
            if (!isPrintable(cp)) {
                continue;
            }
            int len =
                    new String(Character.toChars(cp))
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8)
                            .length;
            if (bytes + len > MAX_MANAGER_LENGTH) {
                break;
            }
            bytes += len;
            out.appendCodePoint(cp);
        }
        return out.toString();
    }

    /**
     * The problem with a {@code fieldManager} value, or null (Kubernetes' ValidateFieldManager).
     */
    public static String invalidManager(String manager) {
        if (manager.length() > MAX_MANAGER_LENGTH) {
            return "must have at most " + MAX_MANAGER_LENGTH + " characters";
        }
        for (int i = 0; i < manager.length(); ) {
            int cp = manager.codePointAt(i);
            i += Character.charCount(cp);
            if (!isPrintable(cp)) {
                return "must only contain printable characters";
            }
        }
        return null;
    }

    private static boolean isPrintable(int cp) {
        if (cp == ' ') {
            return true;
        }
        int type = Character.getType(cp);
        return !(Character.isWhitespace(cp)
                || type == Character.CONTROL
                || type == Character.FORMAT
                || type == Character.UNASSIGNED
                || type == Character.PRIVATE_USE
                || type == Character.SURROGATE
                || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.SPACE_SEPARATOR);
    }

    static String time(Instant now) {
        return DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS));
    }

    // ---------------------------------------------------------------- updates

    /**
     * Records a create (POST, or PUT that creates) by {@code manager} in {@code object}'s
     * managedFields, as an {@code Update}; managed fields the client sent are kept (the reset
     * {@code [{}]} drops them).
     */
    public static void trackCreate(
            ResourceType type, ObjectNode object, String manager, Instant now) {
        track(type, null, object, manager, null, now);
    }

    /**
     * Records an update (PUT, or a JSON, merge or strategic patch) by {@code manager} of {@code
     * old} into {@code object}: the fields it changed become its own (an {@code Update} entry) and
     * no longer any other manager's. {@code subresource} is null or {@code status}.
     */
    public static void trackUpdate(
            ResourceType type,
            ObjectNode old,
            ObjectNode object,
            String manager,
            String subresource,
            Instant now) {
        track(type, old, object, manager, subresource, now);
    }

    private static void track(
            ResourceType type,
            ObjectNode old,
            ObjectNode object,
            String manager,
            String subresource,
            Instant now) {
        ObjectNode metadata = metadata(object);
        JsonNode sent = metadata.get("managedFields");
        JsonNode liveFields = old == null ? null : metadata(old).get("managedFields");
        Map<ManagedFields.Manager, ManagedFields.Entry> managers;
        try {
            if (subresource != null) {
                // A subresource write never sets managed fields: the live ones count.
                managers = ManagedFields.decode(liveFields);
            } else if (ManagedFields.isReset(sent)) {
                managers = new LinkedHashMap<>();
            } else {
                managers = ManagedFields.decode(sent);
                if (managers.isEmpty()) {
                    managers = ManagedFields.decode(liveFields);
                }
            }
        } catch (IllegalArgumentException e) {
            // As Kubernetes' UpdateNoErrors: managed fields that do not decode are dropped.
            log.atInfo()
                    .addKeyValue("object", describe(type, object))
                    .addKeyValue("error", e.getMessage())
                    .log("dropping managedFields that do not decode");
            metadata.remove("managedFields");
            return;
        }
        if (old != null && managers.isEmpty()) {
            // An object without managed fields stays untracked until an apply (Kubernetes'
            // skipNonAppliedManager).
            metadata.remove("managedFields");
            return;
        }
        ApplyType t = ApplyType.of(type);
        ObjectNode before = old == null ? Json.object() : withoutManagedFields(old);
        ObjectNode after = withoutManagedFields(object);
        Typed.Comparison c = filter(type, subresource, Typed.compare(before, after, t));
        String apiVersion = type.apiVersion();
        ManagedFields.Manager self =
                new ManagedFields.Manager(
                        manager,
                        ManagedFields.UPDATE,
                        apiVersion,
                        subresource == null ? "" : subresource);
        // Other managers lose what this update changed or removed.
        FieldSet taken = c.modified().union(c.added()).union(c.removed());
        Map<ManagedFields.Manager, ManagedFields.Entry> out = new LinkedHashMap<>();
        for (Map.Entry<ManagedFields.Manager, ManagedFields.Entry> e : managers.entrySet()) {
            FieldSet rest = e.getValue().fields().difference(taken);
            if (!rest.isEmpty()) {
                out.put(e.getKey(), new ManagedFields.Entry(rest, e.getValue().time()));
            }
        }
        FieldSet mine = dropStructMembers(c.modified().union(c.added()), t, after);
        if (!mine.isEmpty()) {
            ManagedFields.Entry previous = out.get(self);
            FieldSet fields = previous == null ? mine : previous.fields().union(mine);
            out.put(self, new ManagedFields.Entry(fields, time(now)));
        }
        cap(out);
        store(object, out);
    }

    // ---------------------------------------------------------------- apply

    /**
     * Applies {@code config} (a server-side apply PATCH body) by {@code manager} to {@code live}:
     * the merged object, with its managed fields.
     *
     * @param live the current object; null when apply creates it
     * @throws ApiException 409 on conflicts without {@code force}, 400 on a bad configuration
     */
    public static ObjectNode apply(
            ResourceType type,
            ObjectNode live,
            ObjectNode config,
            String manager,
            boolean force,
            String subresource,
            Instant now) {
        checkConfig(type, config);
        ApplyType t = ApplyType.of(type);
        Map<ManagedFields.Manager, ManagedFields.Entry> managers;
        try {
            managers =
                    live == null
                            ? new LinkedHashMap<>()
                            : ManagedFields.decode(metadata(live).get("managedFields"));
        } catch (IllegalArgumentException e) {
            managers = new LinkedHashMap<>();
        }
        ObjectNode liveClean = live == null ? Json.object() : withoutManagedFields(live);
        ObjectNode result;
        try {
            result =
                    applyOnce(
                            type, t, liveClean, config, managers, manager, force, subresource, now);
        } catch (Conflicts conflicts) {
            FieldSet allowed = KUBECTL.equals(manager) ? allowedByLastApplied(t, liveClean) : null;
            if (allowed == null || !conflicts.all().difference(allowed).isEmpty()) {
                throw conflicts.toApiException();
            }
            // kubectl's first server-side apply over its own client-side apply: the fields the
            // last-applied annotation still holds are taken over (Kubernetes' lastAppliedManager).
            result =
                    applyOnce(
                            type, t, liveClean, config, managers, manager, true, subresource, now);
        }
        if (KUBECTL.equals(manager) && live != null && lastApplied(liveClean) != null) {
            updateLastApplied(result, config);
        }
        return result;
    }

    private static ObjectNode applyOnce(
            ResourceType type,
            ApplyType t,
            ObjectNode live,
            ObjectNode config,
            Map<ManagedFields.Manager, ManagedFields.Entry> current,
            String manager,
            boolean force,
            String subresource,
            Instant now) {
        Map<ManagedFields.Manager, ManagedFields.Entry> managers = new LinkedHashMap<>(current);
        FieldSet configSet = filter(type, subresource, Typed.toFieldSet(config, t));
        ObjectNode merged = (ObjectNode) Typed.merge(live, config, t);
        ManagedFields.Manager self =
                new ManagedFields.Manager(
                        manager,
                        ManagedFields.APPLY,
                        type.apiVersion(),
                        subresource == null ? "" : subresource);
        ManagedFields.Entry last = managers.get(self);
        managers.put(self, new ManagedFields.Entry(configSet, last == null ? null : last.time()));
        if (last != null && !last.fields().isEmpty()) {
            FieldSet owned = new FieldSet();
            for (ManagedFields.Entry e : managers.values()) {
                owned = owned.union(e.fields());
            }
            Typed.prune(merged, t, last.fields(), owned);
        }
        Typed.Comparison c = filter(type, subresource, Typed.compare(live, merged, t));
        FieldSet changed = c.modified().union(c.added());
        Map<ManagedFields.Manager, FieldSet> conflicts = new LinkedHashMap<>();
        for (Map.Entry<ManagedFields.Manager, ManagedFields.Entry> e : managers.entrySet()) {
            if (e.getKey().equals(self)) {
                continue;
            }
            FieldSet conflict = e.getValue().fields().intersection(changed);
            if (!conflict.isEmpty()) {
                conflicts.put(e.getKey(), conflict);
            }
        }
        if (!force && !conflicts.isEmpty()) {
            throw new Conflicts(conflicts);
        }
        Map<ManagedFields.Manager, ManagedFields.Entry> out = new LinkedHashMap<>();
        for (Map.Entry<ManagedFields.Manager, ManagedFields.Entry> e : managers.entrySet()) {
            FieldSet fields = e.getValue().fields();
            if (!e.getKey().equals(self)) {
                fields = fields.difference(changed).difference(c.removed());
            }
            if (!fields.isEmpty()) {
                out.put(e.getKey(), new ManagedFields.Entry(fields, e.getValue().time()));
            }
        }
        boolean objectChanged = !Json.semanticEquals(live, merged);
        if (out.containsKey(self) && (objectChanged || last == null || last.time() == null)) {
            out.put(self, new ManagedFields.Entry(out.get(self).fields(), time(now)));
        }
        cap(out);
        store(merged, out);
        return merged;
    }

    /** The configuration's own checks, as Kubernetes' fieldmanager makes them (400). */
    private static void checkConfig(ResourceType type, ObjectNode config) {
        String apiVersion = config.path("apiVersion").asString("");
        if (!apiVersion.equals(type.apiVersion())) {
            throw ApiException.badRequest(
                    "Incorrect version specified in apply patch. Specified patch version: "
                            + apiVersion
                            + ", expected: "
                            + type.apiVersion());
        }
        String kind = config.path("kind").asString("");
        if (!kind.equals(type.kind())) {
            throw ApiException.badRequest(
                    "Incorrect kind specified in apply patch. Specified patch kind: "
                            + kind
                            + ", expected: "
                            + type.kind());
        }
        JsonNode mf = config.path("metadata").get("managedFields");
        if (mf != null && !mf.isNull()) {
            throw ApiException.badRequest("metadata.managedFields must be nil");
        }
    }

    /** The conflicts of an apply without force. */
    static final class Conflicts extends RuntimeException {
        private final Map<ManagedFields.Manager, FieldSet> byManager;

        Conflicts(Map<ManagedFields.Manager, FieldSet> byManager) {
            super(null, null, false, false);
            this.byManager = byManager;
        }

        FieldSet all() {
            FieldSet out = new FieldSet();
            for (FieldSet s : byManager.values()) {
                out = out.union(s);
            }
            return out;
        }

        /**
         * Kubernetes' {@code NewConflictError}: 409, reason Conflict, one cause per field ({@code
         * FieldManagerConflict}), the message of {@code getConflictMessage}.
         */
        ApiException toApiException() {
            List<ManagedFields.Manager> managers = new ArrayList<>(byManager.keySet());
            managers.sort(Comparator.comparing(FieldManager::printManager));
            List<ApiException.Cause> causes = new ArrayList<>();
            List<String> lines = new ArrayList<>();
            int count = 0;
            String single = null;
            for (ManagedFields.Manager m : managers) {
                lines.add("conflicts with " + printManager(m) + ":");
                for (List<PathElement> path : byManager.get(m).paths()) {
                    String field = FieldSet.display(path);
                    causes.add(
                            new ApiException.Cause(
                                    "FieldManagerConflict",
                                    "conflict with " + printManager(m),
                                    field));
                    lines.add("- " + field);
                    single = "conflict with " + printManager(m) + ": " + field;
                    count++;
                }
            }
            String message =
                    count == 1
                            ? "Apply failed with 1 conflict: " + single
                            : "Apply failed with "
                                    + count
                                    + " conflicts: "
                                    + String.join("\n", lines);
            return ApiException.applyConflict(message, causes);
        }
    }

    /**
     * Kubernetes' {@code printManager}: {@code "name"}, with subresource and version of updates.
     */
    static String printManager(ManagedFields.Manager m) {
        String out = Json.write(Json.nodes().stringNode(m.manager()));
        if (!m.subresource().isEmpty()) {
            out += " with subresource " + Json.write(Json.nodes().stringNode(m.subresource()));
        }
        if (!m.applied()) {
            out += " using " + m.apiVersion();
        }
        return out;
    }

    // ---------------------------------------------------------------- client-side apply

    private static String lastApplied(ObjectNode object) {
        JsonNode v = metadata(object).path("annotations").get(LAST_APPLIED);
        return v == null || !v.isString() || v.asString().isEmpty() ? null : v.asString();
    }

    /**
     * The fields of the last-applied annotation whose live values are still the applied ones:
     * kubectl's server-side apply may take them over without force (Kubernetes' {@code
     * lastAppliedManager}). Null when there is no annotation.
     */
    private static FieldSet allowedByLastApplied(ApplyType t, ObjectNode live) {
        String text = lastApplied(live);
        if (text == null) {
            return null;
        }
        JsonNode lastApplied;
        try {
            lastApplied = Json.parse(text);
        } catch (RuntimeException e) {
            return null;
        }
        if (!lastApplied.isObject()) {
            return null;
        }
        try {
            FieldSet set = Typed.toFieldSet(lastApplied, t);
            Typed.Comparison c = Typed.compare(lastApplied, live, t);
            return set.difference(c.modified());
        } catch (ApiException e) {
            return null;
        }
    }

    /**
     * kubectl's server-side apply keeps an existing last-applied annotation in step with what it
     * applied (Kubernetes' {@code lastAppliedUpdater}), so a later client-side apply still works.
     */
    private static void updateLastApplied(ObjectNode result, ObjectNode config) {
        ObjectNode applied = config.deepCopy();
        JsonNode annotations = applied.path("metadata").get("annotations");
        if (annotations instanceof ObjectNode a) {
            a.remove(LAST_APPLIED);
            if (a.isEmpty()) {
                ((ObjectNode) applied.get("metadata")).remove("annotations");
            }
        }
        String value = Json.write(applied);
        ObjectNode metadata = metadata(result);
        ObjectNode target =
                metadata.get("annotations") instanceof ObjectNode a
                        ? a
                        : metadata.putObject("annotations");
        int size = 0;
        for (Map.Entry<String, JsonNode> e : target.properties()) {
            if (!e.getKey().equals(LAST_APPLIED)) {
                size += e.getKey().length() + e.getValue().asString("").length();
            }
        }
        if (size + LAST_APPLIED.length() + value.length() > ANNOTATIONS_LIMIT) {
            throw ApiException.badRequest(
                    "failed to build last-applied annotation: the annotation would exceed the"
                            + " total annotations size limit of "
                            + ANNOTATIONS_LIMIT
                            + " bytes");
        }
        target.put(LAST_APPLIED, value);
    }

    // ---------------------------------------------------------------- helpers

    /**
     * What a write of {@code subresource} may own: never the server's metadata; on the main
     * resource of a kind with a status subresource not {@code status}; on {@code status} only
     * {@code status} (Kubernetes' reset fields).
     */
    private static FieldSet filter(ResourceType type, String subresource, FieldSet set) {
        FieldSet out = set.difference(STRIPPED);
        PathElement status = PathElement.field("status");
        if ("status".equals(subresource)) {
            FieldSet only = new FieldSet();
            FieldSet s = out.child(status);
            if (s != null) {
                only = only.union(prefixed(status, s));
            }
            return only;
        }
        if (type.hasSubresource("status") && out.child(status) != null) {
            FieldSet drop = prefixed(status, out.child(status));
            drop.insert(List.of(status));
            out = out.difference(drop);
        }
        return out;
    }

    private static FieldSet prefixed(PathElement pe, FieldSet s) {
        FieldSet out = new FieldSet();
        for (List<PathElement> p : s.paths()) {
            List<PathElement> full = new ArrayList<>();
            full.add(pe);
            full.addAll(p);
            out.insert(full);
        }
        return out;
    }

    private static Typed.Comparison filter(
            ResourceType type, String subresource, Typed.Comparison c) {
        return new Typed.Comparison(
                filter(type, subresource, c.added()),
                filter(type, subresource, c.modified()),
                filter(type, subresource, c.removed()));
    }

    /**
     * An update's set without the struct fields that merely contain owned fields ({@code f:spec}
     * itself): Kubernetes compares with a Go object whose non-pointer structs always exist, so they
     * are never "added" (docs/server-side-apply.md says where this differs).
     */
    private static FieldSet dropStructMembers(FieldSet set, ApplyType t, JsonNode value) {
        FieldSet out = new FieldSet();
        for (List<PathElement> p : set.paths()) {
            FieldSet node = set.at(p);
            if (node.hasChildren() && isStructField(t, value, p)) {
                continue;
            }
            out.insert(p);
        }
        return out;
    }

    private static boolean isStructField(ApplyType root, JsonNode value, List<PathElement> path) {
        ApplyType t = Typed.resolve(root, value);
        for (PathElement pe : path) {
            if (t instanceof ApplyType.MapType m && pe.kind() == PathElement.Kind.FIELD) {
                t = m.field(pe.text());
            } else if (t instanceof ApplyType.ListType l) {
                t = l.items();
            } else {
                return false;
            }
        }
        return !path.isEmpty()
                && path.get(path.size() - 1).kind() == PathElement.Kind.FIELD
                && t instanceof ApplyType.MapType m
                && m.struct();
    }

    /** Kubernetes' capManagersManager: at most 10 Update entries, the oldest merged. */
    private static void cap(Map<ManagedFields.Manager, ManagedFields.Entry> managers) {
        List<ManagedFields.Manager> updaters = new ArrayList<>();
        for (ManagedFields.Manager m : managers.keySet()) {
            if (!m.applied()) {
                updaters.add(m);
            }
        }
        if (updaters.size() <= MAX_UPDATE_MANAGERS) {
            return;
        }
        updaters.sort(
                Comparator.comparing(
                                (ManagedFields.Manager m) -> {
                                    String time = managers.get(m).time();
                                    return time == null ? "" : time;
                                })
                        .thenComparing(ManagedFields.Manager::manager));
        Map<String, ManagedFields.Manager> firstByVersion = new LinkedHashMap<>();
        int length = updaters.size();
        for (int i = 0; i < updaters.size() && length > MAX_UPDATE_MANAGERS; i++) {
            ManagedFields.Manager m = updaters.get(i);
            ManagedFields.Entry e = managers.get(m);
            ManagedFields.Manager bucket =
                    new ManagedFields.Manager(ANCIENT, ManagedFields.UPDATE, m.apiVersion(), "");
            ManagedFields.Manager first = firstByVersion.get(m.apiVersion());
            if (first == null) {
                firstByVersion.put(m.apiVersion(), m);
                continue;
            }
            if (!managers.containsKey(bucket)) {
                ManagedFields.Entry firstEntry = managers.remove(first);
                managers.put(bucket, firstEntry);
            }
            managers.put(
                    bucket,
                    new ManagedFields.Entry(
                            e.fields().union(managers.get(bucket).fields()), e.time()));
            managers.remove(m);
            length--;
        }
    }

    private static void store(
            ObjectNode object, Map<ManagedFields.Manager, ManagedFields.Entry> managers) {
        ArrayNode encoded = ManagedFields.encode(managers);
        ObjectNode metadata = metadata(object);
        if (encoded == null) {
            metadata.remove("managedFields");
        } else {
            metadata.set("managedFields", encoded);
        }
    }

    private static ObjectNode withoutManagedFields(ObjectNode object) {
        ObjectNode copy = object.deepCopy();
        if (copy.get("metadata") instanceof ObjectNode m) {
            m.remove("managedFields");
        }
        return copy;
    }

    private static ObjectNode metadata(ObjectNode object) {
        return object.get("metadata") instanceof ObjectNode m ? m : object.putObject("metadata");
    }

    private static String describe(ResourceType type, ObjectNode object) {
        JsonNode m = object.path("metadata");
        String ns = m.path("namespace").asString("");
        return type.groupResource()
                + " "
                + (ns.isEmpty() ? "" : ns + "/")
                + m.path("name").asString("");
    }
}
