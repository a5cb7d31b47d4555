package io.j8s.apiserver.auth;

import java.util.List;

/**
 * Who made a request, as Kubernetes' {@code user.Info}: the name and groups authorization decides
 * on. Immutable.
 */
public record UserInfo(String name, List<String> groups) {
    public static final UserInfo ANONYMOUS = new UserInfo("system:anonymous", List.of("system:unauthenticated"));

    public UserInfo {
        groups = List.copyOf(groups);
    }
}
