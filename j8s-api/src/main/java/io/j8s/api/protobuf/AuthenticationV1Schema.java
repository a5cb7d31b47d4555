package io.j8s.api.protobuf;

import java.util.List;

/**
 * The protobuf messages of authentication.k8s.io/v1 ({@code k8s.io/api/authentication/v1}): token
 * requests and reviews ({@code kubectl create token}, {@code kubectl auth whoami}). {@code
 * ExtraValue} is a list whose JSON is the bare list ({@link WellKnownTypes}).
 *
 * <p>Field numbers, JSON names, Go pointers ({@code ?}) and fields without {@code omitempty}
 * ({@code !}) are the facts of Kubernetes 1.32's {@code generated.proto} and Go struct tags; the
 * notation is described in {@link SchemaTable}.
 */
final class AuthenticationV1Schema {
    static final SchemaTable TABLE =
            new SchemaTable(
                    "authentication",
                    "authentication.k8s.io/v1",
                    List.of("TokenRequest", "TokenReview", "SelfSubjectReview"),
                    """
            BoundObjectReference
              1 kind string
              2 apiVersion string
              3 name string
              4 uid string
            ExtraValue
              1 items []string
            SelfSubjectReview
              1 metadata meta.ObjectMeta
              2 status SelfSubjectReviewStatus
            SelfSubjectReviewStatus
              1 userInfo UserInfo
            TokenRequest
              1 metadata meta.ObjectMeta
              2 spec TokenRequestSpec
              3 status TokenRequestStatus
            TokenRequestSpec
              1 audiences []string!
              4 expirationSeconds int64?
              3 boundObjectRef BoundObjectReference?
            TokenRequestStatus
              1 token string!
              2 expirationTimestamp meta.Time
            TokenReview
              1 metadata meta.ObjectMeta
              2 spec TokenReviewSpec
              3 status TokenReviewStatus
            TokenReviewSpec
              1 token string
              2 audiences []string
            TokenReviewStatus
              1 authenticated bool
              2 user UserInfo
              4 audiences []string
              3 error string
            UserInfo
              1 username string
              2 uid string
              3 groups []string
              4 extra map<ExtraValue>
            """);

    private AuthenticationV1Schema() {}
}
