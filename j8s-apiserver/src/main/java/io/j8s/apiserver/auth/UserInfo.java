package io.j8s.apiserver.auth;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Who made a request, as Kubernetes' {@code user.Info}: the name, uid and groups authorization
 * decides on. Immutable.
 *
 * @param uid the user's uid when the authenticator knows one (service accounts, token file), or ""
 * @param extra what else the authenticator says (Kubernetes' {@code user.Info.GetExtra}: for a
 *     service account token, its credential id and the Pod or Node it is bound to); empty if none
 */
public record UserInfo(
        String name, List<String> groups, String uid, Map<String, List<String>> extra) {
    /** Every authenticated user is in this group. */
    public static final String AUTHENTICATED = "system:authenticated";

    /** The group of the anonymous user. */
    public static final String UNAUTHENTICATED = "system:unauthenticated";

    /** Members are cluster admins (bound to {@code cluster-admin}). */
    public static final String MASTERS = "system:masters";

    public static final UserInfo ANONYMOUS =
            new UserInfo("system:anonymous", List.of(UNAUTHENTICATED));

    public UserInfo {
        Objects.requireNonNull(name, "name");
        groups = List.copyOf(groups);
        uid = uid == null ? "" : uid;
        Map<String, List<String>> copy = new TreeMap<>();
        if (extra != null) {
            extra.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        }
        extra = Collections.unmodifiableMap(copy);
    }

    public UserInfo(String name, List<String> groups, String uid) {
        this(name, groups, uid, Map.of());
    }

    public UserInfo(String name, List<String> groups) {
        this(name, groups, "");
    }

    /**
     * An authenticated user: {@code groups} plus {@value #AUTHENTICATED}, as Kubernetes adds it.
     */
    public static UserInfo authenticated(String name, List<String> groups, String uid) {
        return authenticated(name, groups, uid, Map.of());
    }

    /** The same with {@code extra}. */
    public static UserInfo authenticated(
            String name, List<String> groups, String uid, Map<String, List<String>> extra) {
        List<String> all = new ArrayList<>(groups);
        if (!all.contains(AUTHENTICATED)) {
            all.add(AUTHENTICATED);
        }
        return new UserInfo(name, all, uid, extra);
    }

    public boolean inGroup(String group) {
        return groups.contains(group);
    }
}
