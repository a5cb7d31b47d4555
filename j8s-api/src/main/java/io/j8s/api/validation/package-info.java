/** Field errors with apimachinery's wording and the format checks shared by all kinds. */
package io.j8s.api.validation;
