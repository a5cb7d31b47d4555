package io.j8s.apiserver.auth.join;

import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import io.j8s.apiserver.cache.CachedObject;
import io.j8s.apiserver.cache.WatchCache;
import io.j8s.apiserver.errors.ApiException;
import io.j8s.apiserver.registry.ObjectRegistry;
import io.j8s.apiserver.registry.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Keeps a node name to the agent that joined under it first (k3s' node passwords). An agent makes a
 * random password at its first join and keeps it; the first join of a name stores a salted hash of
 * it in the Secret {@code kube-system/<node>.node-password.j8s}; a later join of that name must
 * present the same password. So a join-token holder cannot obtain the credential of a node that has
 * joined, nor of a Node registered otherwise (in-process nodes, nodes an administrator made), which
 * has no password and is refused outright.
 *
 * <p>Once the Node exists, {@link #adoptByNodes()} (run periodically) makes the Node the Secret's
 * owner, so deleting the Node lets the garbage collector delete the password, and a new agent may
 * join under the name again; deleting the Secret does the same.
 *
 * <p>The password is 32 random bytes, not a guessable human password, so a salted SHA-256 keeps it
 * out of the store as well as a slow hash would, and joining thousands of simulated nodes stays
 * fast. Thread safe.
 */
public final class NodePasswords {
    private static final Logger log = LoggerFactory.getLogger(NodePasswords.class);
    public static final String NAMESPACE = "kube-system";
    public static final String SECRET_SUFFIX = ".node-password.j8s";
    static final String HASH_KEY = "hash";
    private static final String SCHEME = "sha256";
    private static final int MAX_PASSWORD_LENGTH = 1024;
    private static final int MAX_NAME_LENGTH = 253;

    private final ObjectRegistry registry;
    private final WatchCache cache;
    private final ResourceType secrets;
    private final ResourceType nodes;
    private final SecureRandom random = new SecureRandom();

    public NodePasswords(
            ObjectRegistry registry, WatchCache cache, ResourceType secrets, ResourceType nodes) {
        this.registry = registry;
        this.cache = cache;
        this.secrets = secrets;
        this.nodes = nodes;
    }

    /** The Secret holding {@code node}'s password hash. */
    public static String secretName(String node) {
        return node + SECRET_SUFFIX;
    }

    /**
     * Lets {@code password} join as {@code node}: records it at the name's first join, checks it
     * later.
     *
     * @throws ApiException 400 when the password is missing, 403 when the name belongs to another
     *     agent or to a Node registered without a password
     */
    public void verifyOrRecord(String node, String password) {
        if (password.isEmpty()) {
            throw ApiException.badRequest(
                    "nodePassword is required: the agent sends the password it keeps for the"
                            + " node in its data directory");
        }
        if (password.length() > MAX_PASSWORD_LENGTH) {
            throw ApiException.badRequest(
                    "nodePassword must be at most " + MAX_PASSWORD_LENGTH + " characters");
        }
        String name = secretName(node);
        if (name.length() > MAX_NAME_LENGTH) {
            throw ApiException.badRequest(
                    "nodeName must be at most "
                            + (MAX_NAME_LENGTH - SECRET_SUFFIX.length())
                            + " characters long to join, so that its node password Secret "
                            + name
                            + " has a valid name");
        }
        Optional<ObjectNode> stored =
                registry.read(secrets, NAMESPACE, name).map(ObjectRegistry.Stored::object);
        if (stored.isEmpty()) {
            Optional<ObjectNode> registered =
                    registry.read(nodes, null, node).map(ObjectRegistry.Stored::object);
            if (registered.isPresent()) {
                throw ApiException.forbidden(
                        "node \""
                                + node
                                + "\" is already registered and has no node password"
                                + " (kube-system/"
                                + name
                                + "): it is not a node that joined with an agent. Use another"
                                + " node name, or delete the Node (kubectl delete node "
                                + node
                                + ") to let an agent join"
                                + " under this name");
            }
            try {
                registry.create(
                        secrets, NAMESPACE, secret(node, password), WriteOptions.internal());
                log.atInfo()
                        .addKeyValue("node", node)
                        .log("recorded the node password of a node joining first");
                return;
            } catch (ApiException e) {
                if (e.code() != 409) {
                    throw e;
                }
                // Another join of the same name won the race: check against its password.
                stored = registry.read(secrets, NAMESPACE, name).map(ObjectRegistry.Stored::object);
                if (stored.isEmpty()) {
                    throw ApiException.conflict(
                            secrets, name, "the node password changed during the join; try again");
                }
            }
        }
        if (!matches(stored.get(), password)) {
            log.atWarn().addKeyValue("node", node).log("refused a join: wrong node password");
            throw ApiException.forbidden(
                    "node password rejected: node \""
                            + node
                            + "\" has joined before with"
                            + " another password (a duplicate node name, or this agent's data directory is new). Use another"
                            + " node name or, to replace the node, delete its Node (kubectl delete node "
                            + node
                            + ") or the Secret "
                            + NAMESPACE
                            + "/"
                            + name);
        }
        registry.read(nodes, null, node).ifPresent(n -> adopt(name, n.object()));
    }

    /**
     * Makes each Node the owner of its password Secret (once it exists), so the garbage collector
     * deletes the password with the Node. Writes nothing when every owner is set.
     */
    public void adoptByNodes() {
        for (CachedObject secret :
                cache.list(secrets, NAMESPACE, o -> o.name().endsWith(SECRET_SUFFIX)).items()) {
            if (!secret.tree().path("metadata").path("ownerReferences").isEmpty()) {
                continue;
            }
            String node =
                    secret.name().substring(0, secret.name().length() - SECRET_SUFFIX.length());
            cache.get(nodes, null, node).ifPresent(n -> adopt(secret.name(), n.tree()));
        }
    }

    private void adopt(String secretName, JsonNode node) {
        String uid = Json.text(node, "metadata.uid");
        try {
            registry.guaranteedUpdate(
                    secrets,
                    NAMESPACE,
                    secretName,
                    null,
                    WriteOptions.internal(),
                    null,
                    secret -> {
                        ObjectNode metadata = (ObjectNode) secret.get("metadata");
                        if (!metadata.path("ownerReferences").isEmpty()) {
                            return secret;
                        }
                        ArrayNode owners = metadata.putArray("ownerReferences");
                        ObjectNode owner = owners.addObject();
                        owner.put("apiVersion", "v1");
                        owner.put("kind", "Node");
                        owner.put("name", Json.name(node));
                        owner.put("uid", uid);
                        return secret;
                    });
        } catch (ApiException e) {
            if (e.code() != 404) {
                log.atWarn()
                        .addKeyValue("secret", NAMESPACE + "/" + secretName)
                        .addKeyValue("error", e.getMessage())
                        .log("cannot make the Node the owner of its node password");
            }
        }
    }

    private ObjectNode secret(String node, String password) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        String hash =
                SCHEME
                        + "$"
                        + Base64.getEncoder().encodeToString(salt)
                        + "$"
                        + Base64.getEncoder().encodeToString(digest(salt, password));
        ObjectNode secret = Json.object();
        secret.put("apiVersion", "v1");
        secret.put("kind", "Secret");
        ObjectNode metadata = secret.putObject("metadata");
        metadata.put("name", secretName(node));
        metadata.put("namespace", NAMESPACE);
        secret.put("immutable", true);
        secret.put("type", "Opaque");
        secret.putObject("data")
                .put(
                        HASH_KEY,
                        Base64.getEncoder().encodeToString(hash.getBytes(StandardCharsets.UTF_8)));
        return secret;
    }

    /**
     * Whether {@code secret} holds the hash of {@code password}; false when it holds no readable
     * hash.
     */
    static boolean matches(JsonNode secret, String password) {
        try {
            String hash =
                    new String(
                            Base64.getDecoder().decode(Json.text(secret, "data." + HASH_KEY)),
                            StandardCharsets.UTF_8);
            String[] parts = hash.split("\\$");
            if (parts.length != 3 || !parts[0].equals(SCHEME)) {
                return false;
            }
            return MessageDigest.isEqual(
                    Base64.getDecoder().decode(parts[2]),
                    digest(Base64.getDecoder().decode(parts[1]), password));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] digest(byte[] salt, String password) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(salt);
            return sha256.digest(password.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
