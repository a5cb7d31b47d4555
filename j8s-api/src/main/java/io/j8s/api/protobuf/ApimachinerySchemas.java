package io.j8s.api.protobuf;

import java.util.List;

/**
 * The one-message packages of apimachinery whose JSON {@link WellKnownTypes} makes: {@code
 * runtime.RawExtension} (embedded JSON), {@code intstr.IntOrString} (a number or a string) and
 * {@code resource.Quantity} (its canonical string). Their fields are pointers here so that the
 * converters see exactly what was sent.
 */
final class ApimachinerySchemas {
    static final SchemaTable RUNTIME =
            new SchemaTable(
                    "runtime",
                    null,
                    List.of(),
                    """
            RawExtension
              1 raw bytes?
            """);

    static final SchemaTable INTSTR =
            new SchemaTable(
                    "intstr",
                    null,
                    List.of(),
                    """
            IntOrString
              1 type int64?
              2 intVal int32?
              3 strVal string?
            """);

    static final SchemaTable RESOURCE =
            new SchemaTable(
                    "resource",
                    null,
                    List.of(),
                    """
            Quantity
              1 string string?
            """);

    private ApimachinerySchemas() {}
}
