package io.j8s.apiserver.apiextensions.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Go's rendering of decoded JSON, and the string formats of kube-openapi's strfmt. */
class GoFmtAndFormatsTest {

    @Test
    void floatsAsGoPrintsThem() {
        // fmt %v of float64: shortest digits, exponent below 1e-4 and from 1e21
        assertThat(GoFmt.goFloat(1.0)).isEqualTo("1");
        assertThat(GoFmt.goFloat(1.5)).isEqualTo("1.5");
        assertThat(GoFmt.goFloat(1e21)).isEqualTo("1e+21");
        assertThat(GoFmt.goFloat(0.00001)).isEqualTo("1e-05");
        assertThat(GoFmt.goFloat(-2.5e-7)).isEqualTo("-2.5e-07");
        assertThat(GoFmt.goFloat(123456789.0)).isEqualTo("123456789");
    }

    @Test
    void compositeValuesAsSharpV() {
        // fmt %#v of map[string]interface{} / []interface{}: keys sorted
        assertThat(GoFmt.sharpV(StructuralSchemaTest.json("{'b':[1,'x'],'a':true}")))
                .isEqualTo("map[string]interface {}{\"a\":true, \"b\":[]interface {}{1, \"x\"}}");
    }

    @Test
    void formats() {
        // strfmt default registry (kube-openapi pkg/validation/strfmt)
        assertThat(Formats.valid("byte", "aGVsbG8=")).isTrue();
        assertThat(Formats.valid("byte", "not base64!")).isFalse();
        assertThat(Formats.valid("date", "2024-02-29")).isTrue();
        assertThat(Formats.valid("date", "2023-02-29")).isFalse();
        assertThat(Formats.valid("date-time", "2024-01-02T03:04:05.123+01:00")).isTrue();
        assertThat(Formats.valid("date-time", "2024-01-02")).isFalse();
        assertThat(Formats.valid("hostname", "example.com")).isTrue();
        assertThat(Formats.valid("hostname", "-bad-.com")).isFalse();
        assertThat(Formats.valid("ipv4", "10.0.0.1")).isTrue();
        assertThat(Formats.valid("ipv4", "10.0.0.01")).isFalse();
        assertThat(Formats.valid("ipv6", "2001:db8::1")).isTrue();
        assertThat(Formats.valid("ipv6", "10.0.0.1")).isFalse();
        assertThat(Formats.valid("cidr", "2001:db8::/32")).isTrue();
        assertThat(Formats.valid("cidr", "10.0.0.0/33")).isFalse();
        assertThat(Formats.valid("mac", "00:1a:2b:3c:4d:5e")).isTrue();
        assertThat(Formats.valid("uuid", "123e4567-e89b-12d3-a456-426614174000")).isTrue();
        assertThat(Formats.valid("uuid4", "123e4567-e89b-12d3-a456-426614174000")).isFalse();
        assertThat(Formats.valid("duration", "1h30m")).isTrue();
        assertThat(Formats.valid("duration", "3 days")).isTrue();
        assertThat(Formats.valid("duration", "soon")).isFalse();
        assertThat(Formats.valid("email", "a@b.c")).isTrue();
        assertThat(Formats.valid("email", "nobody")).isFalse();
        assertThat(Formats.valid("quantity", "500m")).isTrue();
        assertThat(Formats.valid("quantity", "1.5e3")).isTrue();
        assertThat(Formats.valid("k8s-short-name", "my-name")).isTrue();
        assertThat(Formats.valid("k8s-short-name", "My-Name")).isFalse();
        assertThat(Formats.valid("isbn10", "0321751043")).isTrue();
        assertThat(Formats.valid("creditcard", "4111 1111 1111 1111")).isTrue();
        assertThat(Formats.valid("hexcolor", "#ffF")).isTrue();
        assertThat(Formats.valid("rgbcolor", "rgb(255, 0, 10)")).isTrue();
    }

    @Test
    void formatsKeptPerType() {
        // formats.go StripUnsupportedFormatsPostProcessorForVersion
        assertThat(SchemaNode.effectiveFormat("int32", "integer", false)).isEqualTo("int32");
        assertThat(SchemaNode.effectiveFormat("uuid", "integer", false)).isNull();
        assertThat(SchemaNode.effectiveFormat("double", "number", false)).isEqualTo("double");
        assertThat(SchemaNode.effectiveFormat("date-time", "string", false)).isEqualTo("date-time");
        assertThat(SchemaNode.effectiveFormat("date-time", null, false)).isEqualTo("date-time");
        assertThat(SchemaNode.effectiveFormat("int32", "string", false)).isNull();
        assertThat(SchemaNode.effectiveFormat("uuid", "boolean", false)).isNull();
        assertThat(SchemaNode.effectiveFormat("uuid", "integer", true)).isEqualTo("uuid");
    }
}
