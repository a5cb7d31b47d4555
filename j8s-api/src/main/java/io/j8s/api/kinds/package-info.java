/**
 * One {@link io.j8s.api.KindStrategy} per served kind: defaults, validation, selectable fields and
 * the Table printers, ported from Kubernetes' {@code pkg/apis/.../v1/defaults.go}, {@code
 * validation.go} and {@code pkg/printers/internalversion/printers.go}. All strategies are stateless
 * and thread safe.
 */
package io.j8s.api.kinds;
