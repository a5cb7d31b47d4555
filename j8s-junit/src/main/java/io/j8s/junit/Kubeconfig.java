package io.j8s.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A parameter or field of type {@code String} (the admin kubeconfig as YAML) or {@code Path} (its
 * file) that {@link J8sExtension} fills from the test's cluster.
 */
@Target({ElementType.PARAMETER, ElementType.FIELD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Kubeconfig {}
