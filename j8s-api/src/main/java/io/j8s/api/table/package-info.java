/** Table columns, the {@code meta.k8s.io/v1} Table builder and Kubernetes' human durations. */
package io.j8s.api.table;
