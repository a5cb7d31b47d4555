package io.j8s.apiserver.registry;

import io.j8s.api.ResourceType;
import io.j8s.api.json.GoEncoding;
import io.j8s.api.json.Json;
import io.j8s.api.json.StrictDecoding;
import io.j8s.api.validation.FieldError;
import io.j8s.apiserver.apply.FieldManager;
import io.j8s.apiserver.cache.ObjectCodec;
import io.j8s.apiserver.errors.ApiException;
import io.j8s.store.AlreadyExistsException;
import io.j8s.store.ConflictException;
import io.j8s.store.KeyValue;
import io.j8s.store.NotFoundException;
import io.j8s.store.Store;
import io.j8s.store.TxnOp;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The generic storage logic behind every resource, as Kubernetes' generic registry ({@code
 * registry/generic/registry.Store}): server-set metadata, status subresources, generation,
 * optimistic concurrency, graceful deletion and finalizers. It never branches on a kind: what is
 * kind-specific comes from the hooks of the kind's {@link io.j8s.api.KindStrategy} (prepare for
 * create and update, defaults, validation, create on update, grace period, deletion marks, the
 * kind's own finalization), what needs server state (allocating a Service's ClusterIP) from {@link
 * Admission}. docs/architecture.md, "The API server", lists the hooks per kind.
 *
 * <p>Reads for writes go to the store (never the cache), so every write is a compare-and-swap
 * against the latest revision. Thread safe; calls block on the store.
 */
public final class ObjectRegistry {
    private static final Logger log = LoggerFactory.getLogger(ObjectRegistry.class);
    private static final int MAX_ATTEMPTS = 8;
    private static final String NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_INSTANT;

    /**
     * The subresource name for changes the server itself makes (binding a Pod, finalizing a
     * Namespace): the mutation's result is taken as is, without the kind's update validation.
     */
    public static final String SERVER = "<server>";

    private final Store store;
    private final Admission admission;
    private final NamespaceLookup namespaces;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /** Whether a namespace exists and whether it is being deleted (read from the watch cache). */
    public interface NamespaceLookup {
        /** Empty when the namespace does not exist, else whether it is terminating. */
        Optional<Boolean> terminating(String namespace);
    }

    /** An object as read from the store, with {@code metadata.resourceVersion} set. */
    public record Stored(ObjectNode object, long modRevision, long createRevision) {}

    /** The outcome of a deletion. */
    public record Deleted(ObjectNode object, boolean finished) {}

    public ObjectRegistry(
            Store store, Admission admission, NamespaceLookup namespaces, Clock clock) {
        this.store = store;
        this.admission = admission;
        this.namespaces = namespaces;
        this.clock = clock;
    }

    // ---- reads ----

    /** The latest state from the store, or empty. */
    public Optional<Stored> read(ResourceType type, String namespace, String name) {
        return store.get(type.key(namespace, name)).map(kv -> stored(type, kv));
    }

    private static Stored stored(ResourceType type, KeyValue kv) {
        ObjectNode tree = ObjectCodec.forServing(type, Json.parseObject(kv.value()));
        ObjectCodec.metadata(tree).put("resourceVersion", Long.toString(kv.modRevision()));
        return new Stored(tree, kv.modRevision(), kv.createRevision());
    }

    // ---- create ----

    /** Creates {@code body} in {@code namespace}; returns the stored object. */
    public ObjectNode create(
            ResourceType type, String namespace, ObjectNode body, WriteOptions options) {
        ObjectNode object = body.deepCopy();
        checkTypeMeta(type, object);
        ObjectNode metadata = ObjectCodec.metadata(object);
        String bodyNamespace = text(metadata, "namespace");
        if (type.namespaced()) {
            if (!bodyNamespace.isEmpty() && namespace != null && !bodyNamespace.equals(namespace)) {
                throw ApiException.badRequest(
                        "the namespace of the provided object does not match the namespace"
                                + " sent on the request");
            }
            String ns = namespace != null ? namespace : bodyNamespace;
            if (ns.isEmpty()) {
                throw ApiException.badRequest(
                        "the namespace of the object is missing: a namespaced "
                                + type.kind()
                                + " needs one");
            }
            metadata.put("namespace", ns);
            requireActiveNamespace(ns);
        } else {
            metadata.remove("namespace");
        }
        checkUnknownFields(type, object, options);
        boolean generated =
                text(metadata, "name").isEmpty() && !text(metadata, "generateName").isEmpty();
        for (int attempt = 1; ; attempt++) {
            if (generated) {
                metadata.put("name", text(metadata, "generateName") + randomSuffix());
            }
            prepareForCreate(type, object);
            goRoundTrip(type, object);
            type.strategy().applyDefaults(object);
            goRoundTrip(type, object);
            if (!options.apply()) {
                FieldManager.trackCreate(type, object, options.manager(), clock.instant());
            }
            List<TxnOp> extra = admission.admitCreate(type, object);
            boolean committed = false;
            boolean conflict = false;
            try {
                validate(type, object, null);
                String name = text(metadata, "name");
                String key = type.key(metadata.path("namespace").asString(null), name);
                if (options.dryRun()) {
                    ObjectCodec.metadata(object).put("resourceVersion", "");
                    return object;
                }
                byte[] value = ObjectCodec.encodeForStore(object);
                try {
                    long revision;
                    if (extra.isEmpty()) {
                        revision = store.create(key, value);
                    } else {
                        List<TxnOp> ops = new ArrayList<>(extra.size() + 1);
                        ops.add(new TxnOp.Create(key, value));
                        ops.addAll(extra);
                        revision = store.txn(ops);
                    }
                    committed = true;
                    metadata.put("resourceVersion", Long.toString(revision));
                    log.atDebug()
                            .addKeyValue("object", describe(type, object))
                            .addKeyValue("revision", revision)
                            .log("created");
                    return object;
                } catch (AlreadyExistsException e) {
                    if (store.get(key).isPresent()) {
                        if (generated && attempt < MAX_ATTEMPTS) {
                            continue;
                        }
                        throw ApiException.alreadyExists(type, name);
                    }
                    conflict = true;
                    if (attempt >= MAX_ATTEMPTS) {
                        throw ApiException.internal(
                                "could not allocate for "
                                        + describe(type, object)
                                        + " after "
                                        + attempt
                                        + " attempts");
                    }
                }
            } finally {
                if (!committed && !extra.isEmpty()) {
                    admission.writeFailed(type, extra, conflict);
                }
            }
        }
    }

    private void prepareForCreate(ResourceType type, ObjectNode object) {
        ObjectNode metadata = ObjectCodec.metadata(object);
        metadata.put("uid", UUID.randomUUID().toString());
        metadata.put("creationTimestamp", timestamp(clock.instant()));
        metadata.put("generation", 1);
        metadata.remove("resourceVersion");
        metadata.remove("deletionTimestamp");
        metadata.remove("deletionGracePeriodSeconds");
        metadata.remove("selfLink");
        object.put("apiVersion", type.apiVersion());
        object.put("kind", type.kind());
        type.strategy().prepareForCreate(object);
    }

    // ---- update ----

    /** Replaces an object (PUT). {@code subresource} is null or {@code status}. */
    public ObjectNode update(
            ResourceType type,
            String namespace,
            String name,
            ObjectNode body,
            String subresource,
            WriteOptions options) {
        ObjectNode object = body.deepCopy();
        checkTypeMeta(type, object);
        ObjectNode metadata = ObjectCodec.metadata(object);
        String bodyName = text(metadata, "name");
        if (!bodyName.isEmpty() && !bodyName.equals(name)) {
            throw ApiException.badRequest(
                    "the name of the object ("
                            + bodyName
                            + ") does not match the name on the URL ("
                            + name
                            + ")");
        }
        String bodyNamespace = text(metadata, "namespace");
        if (type.namespaced() && !bodyNamespace.isEmpty() && !bodyNamespace.equals(namespace)) {
            throw ApiException.badRequest(
                    "the namespace of the provided object does not match the namespace sent on"
                            + " the request");
        }
        checkUnknownFields(type, object, options);
        String precondition = text(metadata, "resourceVersion");
        if (type.strategy().allowCreateOnUpdate()
                && precondition.isEmpty()
                && read(type, namespace, name).isEmpty()) {
            metadata.put("name", name);
            return create(type, namespace, object, options);
        }
        return guaranteedUpdate(
                type,
                namespace,
                name,
                subresource,
                options,
                precondition.isEmpty() ? null : precondition,
                current -> object.deepCopy());
    }

    /** Applies a patch (already turned into a function of the current object). */
    public ObjectNode patch(
            ResourceType type,
            String namespace,
            String name,
            String subresource,
            WriteOptions options,
            UnaryOperator<ObjectNode> patch) {
        return guaranteedUpdate(
                type,
                namespace,
                name,
                subresource,
                options,
                null,
                current -> {
                    ObjectNode patched = patch.apply(current.deepCopy());
                    String typeError = StrictDecoding.typeError(type, patched);
                    if (typeError != null) {
                        // Kubernetes' patch handler decodes the patched JSON and reports what does
                        // not
                        // decode (a number beyond its field's range) as an invalid "patch".
                        throw ApiException.invalid(
                                "",
                                "",
                                "",
                                List.of(
                                        FieldError.invalid(
                                                "patch", Json.write(patched), typeError)));
                    }
                    checkUnknownFields(type, patched, options);
                    String rv = text(ObjectCodec.metadata(patched), "resourceVersion");
                    if (!rv.isEmpty()
                            && !rv.equals(text(ObjectCodec.metadata(current), "resourceVersion"))) {
                        throw ApiException.conflict(type, name);
                    }
                    return patched;
                });
    }

    /**
     * Reads the object, lets {@code mutation} produce the new state, and writes it with a
     * compare-and-swap, retrying on conflicts (unless {@code precondition} pins a resourceVersion).
     */
    public ObjectNode guaranteedUpdate(
            ResourceType type,
            String namespace,
            String name,
            String subresource,
            WriteOptions options,
            String precondition,
            UnaryOperator<ObjectNode> mutation) {
        for (int attempt = 1; ; attempt++) {
            Stored current =
                    read(type, namespace, name)
                            .orElseThrow(() -> ApiException.notFound(type, name));
            String currentRv = Long.toString(current.modRevision());
            if (precondition != null && !precondition.equals(currentRv)) {
                throw ApiException.conflict(type, name);
            }
            ObjectNode old = current.object();
            ObjectNode desired = mutation.apply(old.deepCopy());
            goRoundTrip(type, desired);
            // Defaults first, as Kubernetes defaults on decoding: the generation compares specs
            // that both have them.
            type.strategy().applyDefaults(desired);
            ObjectNode object = prepareForUpdate(type, desired, old, subresource);
            List<TxnOp> extra = admission.admitUpdate(type, object, old);
            boolean committed = false;
            boolean conflict = false;
            try {
                type.strategy().applyDefaults(object);
                goRoundTrip(type, object);
                if (!SERVER.equals(subresource) && !options.apply()) {
                    FieldManager.trackUpdate(
                            type, old, object, options.manager(), subresource, clock.instant());
                }
                if (!SERVER.equals(subresource)) {
                    validate(type, object, old);
                }
                ObjectCodec.metadata(object).put("resourceVersion", currentRv);
                if (GoEncoding.semanticEqual(object, old) && sameManagedFields(object, old)) {
                    // Nothing changed (nil and empty are equal, as for Kubernetes): no new
                    // revision.
                    return old;
                }
                if (options.dryRun()) {
                    return object;
                }
                ObjectNode metadata = ObjectCodec.metadata(object);
                boolean finalized =
                        metadata.has("deletionTimestamp")
                                && isEmpty(metadata.get("finalizers"))
                                && metadata.path("deletionGracePeriodSeconds").asLong(0) == 0
                                && !type.strategy().finalizationPending(object);
                try {
                    if (finalized) {
                        ObjectNode result = finishDeletion(type, object, current.modRevision());
                        committed = true;
                        return result;
                    }
                    byte[] value = ObjectCodec.encodeForStore(object);
                    long revision;
                    if (extra.isEmpty()) {
                        revision =
                                store.update(
                                        type.key(namespace, name), value, current.modRevision());
                    } else {
                        List<TxnOp> ops = new ArrayList<>(extra.size() + 1);
                        ops.add(
                                new TxnOp.Update(
                                        type.key(namespace, name), value, current.modRevision()));
                        ops.addAll(extra);
                        revision = store.txn(ops);
                    }
                    committed = true;
                    metadata.put("resourceVersion", Long.toString(revision));
                    return object;
                } catch (ConflictException | NotFoundException | AlreadyExistsException e) {
                    conflict = e instanceof AlreadyExistsException;
                    if (precondition != null || attempt >= MAX_ATTEMPTS) {
                        throw ApiException.conflict(type, name);
                    }
                }
            } finally {
                if (!committed && !extra.isEmpty()) {
                    admission.writeFailed(type, extra, conflict);
                }
            }
        }
    }

    private ObjectNode prepareForUpdate(
            ResourceType type, ObjectNode desired, ObjectNode old, String subresource) {
        ObjectNode object;
        if (SERVER.equals(subresource)) {
            object = desired;
        } else if ("status".equals(subresource)) {
            object = old.deepCopy();
            // A server-side apply of the status computed its managed fields already.
            JsonNode managedFields = ObjectCodec.metadata(desired).get("managedFields");
            if (managedFields != null) {
                ObjectCodec.metadata(object).set("managedFields", managedFields.deepCopy());
            }
            JsonNode status = desired.get("status");
            if (status == null || status.isNull()) {
                object.remove("status");
            } else {
                object.set("status", status.deepCopy());
            }
        } else {
            object = desired;
            if (type.hasSubresource("status")) {
                JsonNode oldStatus = old.get("status");
                if (oldStatus == null) {
                    object.remove("status");
                } else {
                    object.set("status", oldStatus.deepCopy());
                }
            }
        }
        object.put("apiVersion", type.apiVersion());
        object.put("kind", type.kind());
        ObjectNode metadata = ObjectCodec.metadata(object);
        ObjectNode oldMetadata = ObjectCodec.metadata(old);
        for (String field :
                List.of(
                        "name",
                        "namespace",
                        "uid",
                        "creationTimestamp",
                        "deletionTimestamp",
                        "deletionGracePeriodSeconds",
                        "generation")) {
            JsonNode value = oldMetadata.get(field);
            if (value == null) {
                metadata.remove(field);
            } else {
                metadata.set(field, value.deepCopy());
            }
        }
        metadata.remove("selfLink");
        if (!SERVER.equals(subresource)) {
            type.strategy().prepareForUpdate(object, old);
        }
        if (!"status".equals(subresource) && specChanged(object, old)) {
            metadata.put("generation", oldMetadata.path("generation").asLong(0) + 1);
        }
        if (metadata.has("deletionTimestamp") && oldMetadata.has("deletionTimestamp")) {
            // Finalizers may be removed from an object being deleted, but not added.
            ArrayNode oldFinalizers = arrayOrEmpty(oldMetadata.get("finalizers"));
            for (JsonNode f : arrayOrEmpty(metadata.get("finalizers"))) {
                if (!contains(oldFinalizers, f.asString())) {
                    throw ApiException.forbidden(
                            type,
                            text(metadata, "name"),
                            type.kind()
                                    + " \""
                                    + text(metadata, "name")
                                    + "\" is invalid: metadata.finalizers: Forbidden: no new"
                                    + " finalizers can be added if the object is being deleted, found new finalizers [\""
                                    + f.asString()
                                    + "\"]");
                }
            }
        }
        return object;
    }

    /**
     * Whether the managed fields are the same: compared exactly, since a field set's leaves are
     * empty objects ({@code "f:replicas":{}}) that nil-equals-empty would take for absent, so a
     * write that only changes who owns what (an apply that stops applying a field another manager
     * keeps) would be lost (docs/server-side-apply.md); but without the entries' times, so that an
     * update the object does not show (an empty value for an absent one) never becomes a write only
     * because its manager's timestamp moved.
     */
    private static boolean sameManagedFields(ObjectNode object, ObjectNode old) {
        return java.util.Objects.equals(
                withoutTimes(ObjectCodec.metadata(object).get("managedFields")),
                withoutTimes(ObjectCodec.metadata(old).get("managedFields")));
    }

    private static JsonNode withoutTimes(JsonNode managedFields) {
        if (managedFields == null || !managedFields.isArray()) {
            return managedFields;
        }
        ArrayNode copy = (ArrayNode) managedFields.deepCopy();
        for (JsonNode entry : copy) {
            if (entry instanceof ObjectNode e) {
                e.remove("time");
            }
        }
        return copy;
    }

    private static boolean specChanged(ObjectNode object, ObjectNode old) {
        ObjectNode a = object.deepCopy();
        ObjectNode b = old.deepCopy();
        a.remove("metadata");
        b.remove("metadata");
        a.remove("status");
        b.remove("status");
        return !GoEncoding.semanticEqual(a, b);
    }

    /**
     * The object as Kubernetes would hold it after decoding it into its Go type and encoding it
     * again: empty {@code omitempty} fields and nulls dropped ({@code GoEncoding}). Done on what a
     * client sent (before defaults, which then see what Go's defaulting sees) and after defaults.
     */
    private static void goRoundTrip(ResourceType type, ObjectNode object) {
        GoEncoding.normalize(type.apiVersion(), type.kind(), object);
    }

    // ---- delete ----

    /** Deletes an object, gracefully or through finalizers where they apply. */
    public Deleted delete(ResourceType type, String namespace, String name, DeleteOptions options) {
        for (int attempt = 1; ; attempt++) {
            Stored current =
                    read(type, namespace, name)
                            .orElseThrow(() -> ApiException.notFound(type, name));
            ObjectNode object = current.object();
            ObjectNode metadata = ObjectCodec.metadata(object);
            checkDeletePreconditions(type, name, options, metadata, current.modRevision());
            ObjectNode updated = object.deepCopy();
            ObjectNode updatedMeta = ObjectCodec.metadata(updated);
            boolean changed = false;

            String policy = options.propagationPolicy();
            if ("Foreground".equals(policy)) {
                changed |= addFinalizer(updatedMeta, "foregroundDeletion");
                changed |= removeFinalizer(updatedMeta, "orphan");
            } else if ("Orphan".equals(policy)) {
                changed |= addFinalizer(updatedMeta, "orphan");
                changed |= removeFinalizer(updatedMeta, "foregroundDeletion");
            } else if ("Background".equals(policy)) {
                changed |= removeFinalizer(updatedMeta, "orphan");
                changed |= removeFinalizer(updatedMeta, "foregroundDeletion");
            }

            long grace =
                    type.strategy()
                            .deletionGracePeriodSeconds(object, options.gracePeriodSeconds());
            boolean alreadyDeleting = metadata.has("deletionTimestamp");
            Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
            if (grace > 0) {
                if (!alreadyDeleting
                        || updatedMeta.path("deletionGracePeriodSeconds").asLong(Long.MAX_VALUE)
                                > grace) {
                    updatedMeta.put("deletionTimestamp", timestamp(now.plusSeconds(grace)));
                    updatedMeta.put("deletionGracePeriodSeconds", grace);
                    changed = true;
                }
            } else if (!alreadyDeleting
                    || updatedMeta.path("deletionGracePeriodSeconds").asLong(0) != 0) {
                updatedMeta.put("deletionTimestamp", timestamp(now));
                updatedMeta.put("deletionGracePeriodSeconds", 0);
                changed = true;
            }
            changed |= type.strategy().prepareForDelete(updated);
            boolean waitForFinalizers =
                    !isEmpty(updatedMeta.get("finalizers"))
                            || type.strategy().finalizationPending(updated);
            if (!waitForFinalizers && grace == 0) {
                if (options.dryRun()) {
                    return new Deleted(object, true);
                }
                try {
                    return new Deleted(finishDeletion(type, object, current.modRevision()), true);
                } catch (ConflictException | NotFoundException e) {
                    if (attempt >= MAX_ATTEMPTS) {
                        throw ApiException.conflict(type, name);
                    }
                    continue;
                }
            }
            if (!changed || options.dryRun()) {
                return new Deleted(options.dryRun() ? updated : object, false);
            }
            if (!alreadyDeleting) {
                updatedMeta.put("generation", updatedMeta.path("generation").asLong(0) + 1);
            }
            try {
                long revision =
                        store.update(
                                type.key(namespace, name),
                                ObjectCodec.encodeForStore(updated),
                                current.modRevision());
                updatedMeta.put("resourceVersion", Long.toString(revision));
                log.atDebug()
                        .addKeyValue("object", describe(type, updated))
                        .addKeyValue("gracePeriodSeconds", grace)
                        .log("marked for deletion");
                return new Deleted(updated, false);
            } catch (ConflictException | NotFoundException e) {
                if (attempt >= MAX_ATTEMPTS) {
                    throw ApiException.conflict(type, name);
                }
            }
        }
    }

    private ObjectNode finishDeletion(ResourceType type, ObjectNode object, long modRevision) {
        ObjectNode metadata = ObjectCodec.metadata(object);
        String key = type.key(metadata.path("namespace").asString(null), text(metadata, "name"));
        List<TxnOp> extra = admission.admitDelete(type, object);
        long revision;
        if (extra.isEmpty()) {
            revision = store.delete(key, modRevision);
        } else {
            List<TxnOp> ops = new ArrayList<>(extra.size() + 1);
            ops.add(new TxnOp.Delete(key, modRevision));
            ops.addAll(extra);
            revision = store.txn(ops);
        }
        metadata.put("resourceVersion", Long.toString(revision));
        log.atDebug()
                .addKeyValue("object", describe(type, object))
                .addKeyValue("revision", revision)
                .log("deleted");
        return object;
    }

    private static void checkDeletePreconditions(
            ResourceType type,
            String name,
            DeleteOptions options,
            ObjectNode metadata,
            long modRevision) {
        if (options.uid() != null && !options.uid().equals(text(metadata, "uid"))) {
            throw ApiException.conflict(
                    type,
                    name,
                    "Precondition failed: UID in precondition: "
                            + options.uid()
                            + ", UID in object meta: "
                            + text(metadata, "uid"));
        }
        if (options.resourceVersion() != null
                && !options.resourceVersion().equals(Long.toString(modRevision))) {
            throw ApiException.conflict(
                    type,
                    name,
                    "Precondition failed: ResourceVersion in precondition: "
                            + options.resourceVersion()
                            + ", ResourceVersion in object meta: "
                            + modRevision);
        }
    }

    // ---- helpers ----

    private void validate(ResourceType type, ObjectNode object, ObjectNode old) {
        List<FieldError> errors = type.strategy().validate(object, old);
        if (!errors.isEmpty()) {
            String name = text(ObjectCodec.metadata(object), "name");
            throw ApiException.invalid(
                    type,
                    name.isEmpty() ? text(ObjectCodec.metadata(object), "generateName") : name,
                    errors);
        }
    }

    /**
     * Strict decoding: a value of the wrong type is always a 400; unknown fields are a 400 with
     * {@code fieldValidation=Strict} and a warning with {@code Warn} (the default).
     */
    private void checkUnknownFields(ResourceType type, ObjectNode object, WriteOptions options) {
        StrictDecoding.Result result = StrictDecoding.check(type, object);
        if (result.typeError() != null) {
            throw ApiException.badRequest(StrictDecoding.cannotBeHandled(type, result.typeError()));
        }
        if (options.fieldValidation() == WriteOptions.FieldValidation.IGNORE || result.strictOk()) {
            return;
        }
        if (options.fieldValidation() == WriteOptions.FieldValidation.STRICT) {
            throw ApiException.badRequest(
                    StrictDecoding.cannotBeHandled(type, result.strictError()));
        }
        options.warnings().addAll(result.warnings());
    }

    private void checkTypeMeta(ResourceType type, ObjectNode object) {
        String apiVersion = object.path("apiVersion").asString("");
        String kind = object.path("kind").asString("");
        if (!apiVersion.isEmpty() && !apiVersion.equals(type.apiVersion())) {
            throw ApiException.badRequest(
                    "the API version in the data ("
                            + apiVersion
                            + ") does not match the expected API version ("
                            + type.apiVersion()
                            + ")");
        }
        if (!kind.isEmpty() && !kind.equals(type.kind())) {
            throw ApiException.badRequest(
                    "the kind in the data ("
                            + kind
                            + ") does not match the expected kind ("
                            + type.kind()
                            + ")");
        }
    }

    private void requireActiveNamespace(String namespace) {
        Optional<Boolean> terminating = namespaces.terminating(namespace);
        if (terminating.isEmpty()) {
            throw ApiException.namespaceNotFound(namespace);
        }
        if (terminating.get()) {
            throw ApiException.forbidden(
                    "unable to create new content in namespace "
                            + namespace
                            + " because it is being terminated");
        }
    }

    private String randomSuffix() {
        char[] chars = new char[5];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = NAME_CHARS.charAt(random.nextInt(NAME_CHARS.length()));
        }
        return new String(chars);
    }

    /** RFC 3339 with second precision, as Kubernetes' metav1.Time. */
    public static String timestamp(Instant instant) {
        return RFC3339.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? "" : value.asString("");
    }

    private static boolean isEmpty(JsonNode node) {
        return node == null || node.isNull() || node.isEmpty();
    }

    private static ArrayNode arrayOrEmpty(JsonNode node) {
        return node instanceof ArrayNode a ? a : Json.array();
    }

    private static boolean contains(ArrayNode array, String value) {
        for (JsonNode n : array) {
            if (Objects.equals(n.asString(), value)) {
                return true;
            }
        }
        return false;
    }

    private static boolean addFinalizer(ObjectNode metadata, String finalizer) {
        ArrayNode finalizers =
                metadata.get("finalizers") instanceof ArrayNode a
                        ? a
                        : metadata.putArray("finalizers");
        if (contains(finalizers, finalizer)) {
            return false;
        }
        finalizers.add(finalizer);
        return true;
    }

    private static boolean removeFinalizer(ObjectNode metadata, String finalizer) {
        if (!(metadata.get("finalizers") instanceof ArrayNode finalizers)) {
            return false;
        }
        for (int i = 0; i < finalizers.size(); i++) {
            if (finalizer.equals(finalizers.get(i).asString())) {
                finalizers.remove(i);
                if (finalizers.isEmpty()) {
                    metadata.remove("finalizers");
                }
                return true;
            }
        }
        return false;
    }

    static String describe(ResourceType type, ObjectNode object) {
        ObjectNode metadata = ObjectCodec.metadata(object);
        String ns = text(metadata, "namespace");
        return type.groupResource() + " " + (ns.isEmpty() ? "" : ns + "/") + text(metadata, "name");
    }
}
