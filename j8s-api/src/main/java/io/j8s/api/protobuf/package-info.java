/**
 * Decoding of Kubernetes protobuf request bodies ({@code application/vnd.kubernetes.protobuf}, sent
 * by kubectl's typed commands and client-go) into the JSON object the same client would have sent
 * as JSON: {@link io.j8s.api.protobuf.ProtobufDecoder}.
 *
 * <p>The schema is one table per API group ({@code CoreV1Schema}, {@code AppsV1Schema}, ...) in a
 * compact notation described in {@code SchemaTable}; apimachinery's special types (times,
 * int-or-strings, quantities, raw JSON) are converted by {@code WellKnownTypes}. Protobuf fields a
 * table does not know are reported by path, for the caller to treat like unknown JSON fields.
 */
package io.j8s.api.protobuf;
