/**
 * The three PATCH content types: JSON Patch, JSON Merge Patch and strategic merge patch, applied to
 * JSON trees. Entry point: {@link io.j8s.api.patch.PatchType}. Failures are {@link
 * io.j8s.api.patch.PatchException}s carrying the HTTP status Kubernetes answers.
 */
package io.j8s.api.patch;
