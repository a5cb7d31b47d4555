/**
 * What j8s knows about the Kubernetes API, independent of HTTP and storage.
 *
 * <p>{@link io.j8s.api.ResourceTypes} lists the served resources; each {@link
 * io.j8s.api.ResourceType} carries its {@link io.j8s.api.KindStrategy}. A write goes through, in
 * order: {@link io.j8s.api.json.StrictDecoding#check} (unknown/duplicate fields for {@code
 * fieldValidation}, type errors always 400), for updates {@link
 * io.j8s.api.kinds.ServiceStrategy#carryOverAllocatedValues} (Services) and, for PATCH, {@link
 * io.j8s.api.patch.PatchType#apply}; then {@code applyDefaults}, then {@code validate}, whose
 * errors become a 422 whose message is {@link io.j8s.api.validation.FieldError#invalidMessage}. The
 * server fills in {@code metadata.namespace} from the URL before validating. Lists filter with
 * {@link io.j8s.api.selector.LabelSelector} and {@link io.j8s.api.selector.FieldSelector} and
 * render with {@link io.j8s.api.table.Tables}.
 */
package io.j8s.api;
