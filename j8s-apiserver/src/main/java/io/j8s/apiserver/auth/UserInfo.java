package io.j8s.apiserver.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Who made a request, as Kubernetes' {@code user.Info}: the name, uid and groups authorization
 * decides on. Immutable.
 *
 * @param uid the user's uid when the authenticator knows one (service accounts, token file), or ""
 */
public record UserInfo(String name, List<String> groups, String uid) {
    /** Every authenticated user is in this group. */
    public static final String AUTHENTICATED = "system:authenticated";
    /** The group of the anonymous user. */
    public static final String UNAUTHENTICATED = "system:unauthenticated";
    /** Members are cluster admins (bound to {@code cluster-admin}). */
    public static final String MASTERS = "system:masters";
    public static final UserInfo ANONYMOUS = new UserInfo("system:anonymous", List.of(UNAUTHENTICATED));

    public UserInfo {
        Objects.requireNonNull(name, "name");
        groups = List.copyOf(groups);
        uid = uid == null ? "" : uid;
    }

    public UserInfo(String name, List<String> groups) {
        this(name, groups, "");
    }

    /** An authenticated user: {@code groups} plus {@value #AUTHENTICATED}, as Kubernetes adds it. */
    public static UserInfo authenticated(String name, List<String> groups, String uid) {
        List<String> all = new ArrayList<>(groups);
        if (!all.contains(AUTHENTICATED)) {
            all.add(AUTHENTICATED);
        }
        return new UserInfo(name, all, uid);
    }

    public boolean inGroup(String group) {
        return groups.contains(group);
    }
}
