/**
 * CustomResourceDefinition {@code x-kubernetes-validations} rules: CEL expressions compiled once
 * per CRD version with {@code dev.cel:cel} and evaluated on create and update (see
 * docs/custom-resources.md, "CEL validation rules").
 */
package io.j8s.apiserver.apiextensions.cel;
