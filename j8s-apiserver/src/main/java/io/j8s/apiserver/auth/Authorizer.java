package io.j8s.apiserver.auth;

import java.util.Objects;

/** Decides whether a user may do something. Thread safe; never blocks on I/O. */
public interface Authorizer {

    /**
     * What is being done, as Kubernetes' {@code authorizer.Attributes}.
     *
     * @param resourceRequest false for non-resource paths such as {@code /version}
     * @param namespace the namespace, or null (cluster scope)
     * @param name the object's name, or null (lists, creates)
     * @param path the request path (non-resource requests)
     * @param fieldSelector the request's {@code fieldSelector}, or null (the Node authorizer reads
     *     it)
     */
    record Attributes(
            UserInfo user,
            String verb,
            boolean resourceRequest,
            String group,
            String resource,
            String subresource,
            String namespace,
            String name,
            String path,
            String fieldSelector) {

        public Attributes {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(verb, "verb");
        }

        /** A request on a resource ({@code group} "" for core). */
        public static Attributes resource(
                UserInfo user,
                String verb,
                String group,
                String resource,
                String subresource,
                String namespace,
                String name) {
            return new Attributes(
                    user,
                    verb,
                    true,
                    group == null ? "" : group,
                    resource,
                    emptyToNull(subresource),
                    emptyToNull(namespace),
                    emptyToNull(name),
                    null,
                    null);
        }

        /** A request on a non-resource path, {@code verb} being the lower-case HTTP method. */
        public static Attributes nonResource(UserInfo user, String verb, String path) {
            return new Attributes(user, verb, false, null, null, null, null, null, path, null);
        }

        public Attributes withFieldSelector(String selector) {
            return new Attributes(
                    user,
                    verb,
                    resourceRequest,
                    group,
                    resource,
                    subresource,
                    namespace,
                    name,
                    path,
                    selector);
        }

        public Attributes withUser(UserInfo other) {
            return new Attributes(
                    other,
                    verb,
                    resourceRequest,
                    group,
                    resource,
                    subresource,
                    namespace,
                    name,
                    path,
                    fieldSelector);
        }

        private static String emptyToNull(String s) {
            return s == null || s.isEmpty() ? null : s;
        }
    }

    /**
     * A decision, with the reason shown in the 403 message when denied. Kubernetes' authorizers
     * also have "no opinion"; here a denial is "no opinion" and the union tries the next
     * authorizer.
     */
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
