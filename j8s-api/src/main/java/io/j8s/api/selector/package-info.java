/** Label and field selectors with Kubernetes' syntax, matching and error messages. */
package io.j8s.api.selector;
