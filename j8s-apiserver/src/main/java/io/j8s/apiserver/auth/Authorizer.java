package io.j8s.apiserver.auth;

/** Decides whether a user may do something. Thread safe. */
public interface Authorizer {

    /**
     * What is being done, as Kubernetes' {@code authorizer.Attributes}.
     *
     * @param resourceRequest false for non-resource paths such as {@code /version}
     * @param path the request path (non-resource requests)
     */
    record Attributes(UserInfo user, String verb, boolean resourceRequest, String group, String resource,
            String subresource, String namespace, String name, String path) {}

    /** A decision, with the reason shown in the 403 message when denied. */
    record Decision(boolean allowed, String reason) {
        public static Decision allow(String reason) {
            return new Decision(true, reason);
        }

        public static Decision deny(String reason) {
            return new Decision(false, reason);
        }
    }

    Decision authorize(Attributes attributes);
}
