package io.j8s.apiserver.apiextensions.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.j8s.api.validation.FieldError;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class StructuralSchemaTest {

    private static final JsonMapper M = JsonMapper.builder().build();
    static final String P = "spec.versions[0].schema.openAPIV3Schema";

    static JsonNode json(String s) {
        return M.readTree(s.replace('\'', '"'));
    }

    static List<String> errors(String schema, String object) {
        return StructuralSchema.parse(json(schema)).validate(json(object)).stream()
                .map(FieldError::toString)
                .toList();
    }

    static List<String> check(String schema) {
        return StructuralSchema.checkStructural(json(schema), P).stream()
                .map(FieldError::toString)
                .toList();
    }

    static final String SPEC =
            "{'type':'object','properties':{'spec':{'type':'object','properties':%s,'required':%s}}}";

    static String spec(String props) {
        return String.format(SPEC, props, "[]");
    }

    // --- validate: kube-openapi validate/type.go + apiextensions validation.go (TypeInvalid)

    @Test
    void typeIntegerGivenString() {
        assertThat(errors(spec("{'replicas':{'type':'integer'}}"), "{'spec':{'replicas':'x'}}"))
                .containsExactly(
                        "spec.replicas: Invalid value: \"string\": spec.replicas in body must be of"
                                + " type integer: \"string\"");
    }

    @Test
    void typeInvalidHasItsOwnReason() {
        // apimachinery field.TypeInvalid: reason FieldValueTypeInvalid
        FieldError e =
                StructuralSchema.parse(json(spec("{'r':{'type':'integer'}}")))
                        .validate(json("{'spec':{'r':true}}"))
                        .get(0);
        assertThat(e.type().reason()).isEqualTo("FieldValueTypeInvalid");
    }

    @Test
    void integerAcceptsIntegralFloatButNotFraction() {
        // type.go: isFloatInt
        assertThat(errors(spec("{'r':{'type':'integer'}}"), "{'spec':{'r':2.0}}")).isEmpty();
        assertThat(errors(spec("{'r':{'type':'integer'}}"), "{'spec':{'r':2.5}}"))
                .containsExactly(
                        "spec.r: Invalid value: \"number\": spec.r in body must be of type"
                                + " integer: \"number\"");
        // isIntFloat: an integer is a number
        assertThat(errors(spec("{'r':{'type':'number'}}"), "{'spec':{'r':2}}")).isEmpty();
    }

    @Test
    void nullRequiresNullable() {
        // type.go: nil data needs nullable
        assertThat(errors(spec("{'s':{'type':'string'}}"), "{'spec':{'s':null}}"))
                .containsExactly(
                        "spec.s: Invalid value: \"null\": spec.s in body must be of type string:"
                                + " \"null\"");
        assertThat(errors(spec("{'s':{'type':'string','nullable':true}}"), "{'spec':{'s':null}}"))
                .isEmpty();
    }

    @Test
    void required() {
        // object_validator.go: errors.Required -> field.Required
        assertThat(
                        errors(
                                String.format(SPEC, "{'name':{'type':'string'}}", "['name']"),
                                "{'spec':{}}"))
                .containsExactly("spec.name: Required value");
    }

    @Test
    void enumUnsupported() {
        // validator.go basicCommonValidator -> field.NotSupported
        assertThat(
                        errors(
                                spec("{'color':{'type':'string','enum':['red','blue']}}"),
                                "{'spec':{'color':'pink'}}"))
                .containsExactly(
                        "spec.color: Unsupported value: \"pink\": supported values: \"red\","
                                + " \"blue\"");
        assertThat(errors(spec("{'n':{'type':'integer','enum':[1,2]}}"), "{'spec':{'n':3}}"))
                .containsExactly("spec.n: Unsupported value: 3: supported values: \"1\", \"2\"");
    }

    @Test
    void maxLengthInRunesIsTooLong() {
        // validator.go stringValidator MaxLength -> field.TooLongMaxLength
        String s = spec("{'s':{'type':'string','maxLength':3}}");
        assertThat(errors(s, "{'spec':{'s':'äöü'}}")).isEmpty();
        assertThat(errors(s, "{'spec':{'s':'abcd'}}"))
                .containsExactly("spec.s: Too long: may not be more than 3 bytes");
    }

    @Test
    void minLength() {
        assertThat(errors(spec("{'s':{'type':'string','minLength':3}}"), "{'spec':{'s':'ab'}}"))
                .containsExactly(
                        "spec.s: Invalid value: \"ab\": spec.s in body should be at least 3 chars"
                                + " long");
    }

    @Test
    void pattern() {
        // errors/schema.go patternFail
        assertThat(
                        errors(
                                spec("{'s':{'type':'string','pattern':'^[a-z]+$'}}"),
                                "{'spec':{'s':'AB'}}"))
                .containsExactly(
                        "spec.s: Invalid value: \"AB\": spec.s in body should match '^[a-z]+$'");
        // Go's $ matches only at the end of the text, not before a final newline
        assertThat(
                        errors(
                                spec("{'s':{'type':'string','pattern':'^[a-z]+$'}}"),
                                "{'spec':{'s':'ab\\n'}}"))
                .hasSize(1);
    }

    @Test
    void formats() {
        // validate/formats.go: errors.InvalidType(path, in, format, value)
        assertThat(errors(spec("{'u':{'type':'string','format':'uuid'}}"), "{'spec':{'u':'x'}}"))
                .containsExactly(
                        "spec.u: Invalid value: \"x\": spec.u in body must be of type uuid: \"x\"");
        assertThat(
                        errors(
                                spec("{'u':{'type':'string','format':'date-time'}}"),
                                "{'spec':{'u':'2024-01-02T03:04:05Z'}}"))
                .isEmpty();
        assertThat(errors(spec("{'u':{'type':'string','format':'ipv4'}}"), "{'spec':{'u':'::1'}}"))
                .hasSize(1);
        assertThat(
                        errors(
                                spec("{'u':{'type':'string','format':'cidr'}}"),
                                "{'spec':{'u':'10.0.0.0/8'}}"))
                .isEmpty();
        assertThat(
                        errors(
                                spec("{'u':{'type':'string','format':'duration'}}"),
                                "{'spec':{'u':'1h30m'}}"))
                .isEmpty();
        assertThat(errors(spec("{'u':{'type':'string','format':'int32'}}"), "{'spec':{'u':'x'}}"))
                .isEmpty();
    }

    @Test
    void minimumMaximumMultipleOf() {
        // errors/schema.go minIncFail, maxExcFail, multipleOfFail
        String s =
                spec(
                        "{'n':{'type':'integer','minimum':1,'maximum':10,'exclusiveMaximum':true,"
                                + "'multipleOf':3}}");
        assertThat(errors(s, "{'spec':{'n':0}}"))
                .containsExactly(
                        "spec.n: Invalid value: 0: spec.n in body should be greater than or equal"
                                + " to 1");
        assertThat(errors(s, "{'spec':{'n':12}}"))
                .containsExactly(
                        "spec.n: Invalid value: 12: spec.n in body should be less than 10");
        assertThat(errors(s, "{'spec':{'n':4}}"))
                .containsExactly(
                        "spec.n: Invalid value: 4: spec.n in body should be a multiple of 3");
        assertThat(errors(spec("{'f':{'type':'number','maximum':1.5}}"), "{'spec':{'f':2.25}}"))
                .containsExactly(
                        "spec.f: Invalid value: 2.25: spec.f in body should be less than or equal"
                                + " to 1.5");
    }

    @Test
    void itemsAndCounts() {
        // slice_validator.go: paths name[i]; MaxItems -> field.TooMany; MinItems -> Invalid
        String s =
                spec("{'l':{'type':'array','minItems':2,'maxItems':3,'items':{'type':'integer'}}}");
        assertThat(errors(s, "{'spec':{'l':['a']}}"))
                .containsExactly(
                        "spec.l[0]: Invalid value: \"string\": spec.l[0] in body must be of type"
                                + " integer: \"string\"",
                        "spec.l: Invalid value: 1: spec.l in body should have at least 2 items");
        assertThat(errors(s, "{'spec':{'l':[1,2,3,4]}}"))
                .containsExactly("spec.l: Too many: 4: must have at most 3 items");
    }

    @Test
    void propertiesCounts() {
        String s =
                spec(
                        "{'m':{'type':'object','minProperties':1,'maxProperties':1,"
                                + "'additionalProperties':{'type':'string'}}}");
        assertThat(errors(s, "{'spec':{'m':{}}}"))
                .containsExactly(
                        "spec.m: Invalid value: 0: spec.m in body should have at least 1"
                                + " properties");
        assertThat(errors(s, "{'spec':{'m':{'a':'x','b':'y'}}}"))
                .containsExactly("spec.m: Too many: 2: must have at most 1 item");
    }

    @Test
    void additionalPropertiesSchemaPaths() {
        // object_validator.go: o.Path + "." + key
        String s = spec("{'m':{'type':'object','additionalProperties':{'type':'string'}}}");
        assertThat(errors(s, "{'spec':{'m':{'k':1}}}"))
                .containsExactly(
                        "spec.m.k: Invalid value: \"integer\": spec.m.k in body must be of type"
                                + " string: \"integer\"");
    }

    @Test
    void intOrString() {
        // validation.go ConvertJSONSchemaProps: x-kubernetes-int-or-string -> [integer,string]
        String s = spec("{'p':{'x-kubernetes-int-or-string':true}}");
        assertThat(errors(s, "{'spec':{'p':80}}")).isEmpty();
        assertThat(errors(s, "{'spec':{'p':'http'}}")).isEmpty();
        assertThat(errors(s, "{'spec':{'p':true}}"))
                .containsExactly(
                        "spec.p: Invalid value: \"boolean\": spec.p in body must be of type"
                                + " integer,string: \"boolean\"");
    }

    @Test
    void anyOfFailure() {
        // schema_props.go + schema_messages.go: composite error on the nil path
        String s = spec("{'a':{'type':'integer','anyOf':[{'minimum':5},{'maximum':1}]}}");
        assertThat(errors(s, "{'spec':{'a':3}}"))
                .startsWith(
                        "<nil>: Invalid value: \"\": \"spec.a\" must validate at least one schema"
                                + " (anyOf)");
        assertThat(errors(s, "{'spec':{'a':7}}")).isEmpty();
    }

    @Test
    void everyErrorIsReturned() {
        String s =
                String.format(
                        SPEC,
                        "{'a':{'type':'integer'},'b':{'type':'string'},'c':{'type':'string'}}",
                        "['c']");
        assertThat(errors(s, "{'spec':{'a':'x','b':1}}")).hasSize(3);
    }

    @Test
    void embeddedResource() {
        // objectmeta/validation.go validateEmbeddedResource
        String s =
                spec(
                        "{'t':{'type':'object','x-kubernetes-embedded-resource':true,"
                                + "'x-kubernetes-preserve-unknown-fields':true}}");
        assertThat(errors(s, "{'spec':{'t':{}}}"))
                .containsExactly(
                        "spec.t.apiVersion: Required value", "spec.t.kind: Required value");
        assertThat(
                        errors(
                                s,
                                "{'spec':{'t':{'apiVersion':'v1','kind':'Pod','metadata':{'name':'a/b'}}}}"))
                .containsExactly(
                        "spec.t.metadata.name: Invalid value: \"a/b\": may not contain '/'");
    }

    @Test
    void listTypeSetAndMapDuplicates() {
        // listtype/validation.go: field.Duplicate at the repeated index
        String s =
                spec(
                        "{'s':{'type':'array','x-kubernetes-list-type':'set','items':{'type':'string'}},"
                                + "'m':{'type':'array','x-kubernetes-list-type':'map',"
                                + "'x-kubernetes-list-map-keys':['name'],'items':{'type':'object',"
                                + "'required':['name'],'properties':{'name':{'type':'string'},"
                                + "'v':{'type':'integer'}}}}}");
        assertThat(
                        errors(
                                s,
                                "{'spec':{'s':['a','b','a'],'m':[{'name':'x','v':1},{'name':'x','v':2}]}}"))
                .containsExactly(
                        "spec.s[2]: Duplicate value: \"a\"",
                        "spec.m[1]: Duplicate value: map[string]interface {}{\"name\":\"x\"}");
    }

    // --- defaulting: defaulting/algorithm.go, prunenulls.go

    @Test
    void defaultsOnlyWhereParentExists() {
        StructuralSchema s =
                StructuralSchema.parse(
                        json(
                                spec(
                                        "{'r':{'type':'integer','default':1},"
                                                + "'o':{'type':'object','properties':{'x':{'type':'string','default':'d'}}}}")));
        ObjectNode obj = (ObjectNode) json("{'spec':{}}");
        s.applyDefaults(obj);
        assertThat(obj.toString()).isEqualTo("{\"spec\":{\"r\":1}}");
        ObjectNode none = (ObjectNode) json("{}");
        s.applyDefaults(none);
        assertThat(none.toString()).isEqualTo("{}");
    }

    @Test
    void nonNullableNullsAreDroppedOrDefaulted() {
        StructuralSchema s =
                StructuralSchema.parse(
                        json(
                                spec(
                                        "{'a':{'type':'string'},'b':{'type':'string','default':'x'},"
                                                + "'c':{'type':'string','nullable':true}}")));
        ObjectNode obj = (ObjectNode) json("{'spec':{'a':null,'b':null,'c':null}}");
        s.applyDefaults(obj);
        assertThat(obj.toString()).isEqualTo("{\"spec\":{\"b\":\"x\",\"c\":null}}");
    }

    // --- pruning: pruning/algorithm.go

    @Test
    void pruneUnknownKeepsMetaAndPreserved() {
        StructuralSchema s =
                StructuralSchema.parse(
                        json(
                                "{'type':'object','properties':{'spec':{'type':'object','properties':"
                                        + "{'a':{'type':'string'},'free':{'type':'object',"
                                        + "'x-kubernetes-preserve-unknown-fields':true},"
                                        + "'t':{'type':'object','x-kubernetes-embedded-resource':true,"
                                        + "'properties':{'spec':{'type':'object'}}}}}}}"));
        ObjectNode obj =
                (ObjectNode)
                        json(
                                "{'apiVersion':'x/v1','kind':'K','metadata':{'name':'n'},"
                                        + "'spec':{'a':'1','b':2,'free':{'z':{'y':1}},"
                                        + "'t':{'apiVersion':'v1','kind':'P','metadata':{},'junk':1}},'extra':1}");
        s.prune(obj);
        assertThat(obj.toString())
                .isEqualTo(
                        "{\"apiVersion\":\"x/v1\",\"kind\":\"K\",\"metadata\":{\"name\":\"n\"},"
                                + "\"spec\":{\"a\":\"1\",\"free\":{\"z\":{\"y\":1}},"
                                + "\"t\":{\"apiVersion\":\"v1\",\"kind\":\"P\",\"metadata\":{}}}}");
    }

    // --- checkStructural: schema/validation.go, complete.go, apiextensions validation.go

    @Test
    void acceptsAStructuralSchema() {
        assertThat(
                        check(
                                "{'type':'object','properties':{'metadata':{'type':'object'},"
                                        + "'spec':{'type':'object','properties':{'replicas':"
                                        + "{'type':'integer','default':1,'minimum':0}}}}}"))
                .isEmpty();
    }

    @Test
    void typeMissing() {
        assertThat(check("{'type':'object','properties':{'spec':{}}}"))
                .containsExactly(
                        P
                                + ".properties[spec].type: Required value: must not be empty for"
                                + " specified object fields");
        assertThat(check("{'properties':{}}"))
                .containsExactly(P + ".type: Required value: must not be empty at the root");
    }

    @Test
    void forbiddenFields() {
        assertThat(
                        check(
                                "{'type':'object','properties':{'a':{'type':'array','uniqueItems':true,"
                                        + "'items':{'type':'string'}},'b':{'$ref':'#/x','type':'string'}}}"))
                .containsExactly(
                        P
                                + ".properties[a].uniqueItems: Forbidden: uniqueItems cannot be set to"
                                + " true since the runtime complexity becomes quadratic",
                        P + ".properties[b].$ref: Forbidden: $ref is not supported");
        assertThat(
                        check(
                                "{'type':'object','properties':{'m':{'type':'object',"
                                        + "'properties':{'a':{'type':'string'}},'additionalProperties':{'type':'string'}}}}"))
                .containsExactly(
                        P
                                + ".properties[m].additionalProperties: Forbidden: additionalProperties"
                                + " and properties are mutual exclusive");
    }

    @Test
    void metadataOnlyNameAndGenerateName() {
        assertThat(
                        check(
                                "{'type':'object','properties':{'metadata':{'type':'object',"
                                        + "'properties':{'labels':{'type':'object'}}}}}"))
                .containsExactly(
                        P
                                + ".properties[metadata]: Forbidden: must not specify anything other"
                                + " than name and generateName, but metadata is implicitly"
                                + " specified");
    }

    @Test
    void nestedJunctorsMayNotSayTypes() {
        assertThat(
                        check(
                                "{'type':'object','properties':{'a':{'type':'string',"
                                        + "'anyOf':[{'type':'string'}]}}}"))
                .containsExactly(
                        P
                                + ".properties[a].anyOf[0].type: Forbidden: must be empty to be structural");
        // complete.go: only the root's junctors are checked for completeness
        assertThat(
                        check(
                                "{'type':'object','properties':{'a':{'type':'string'}},"
                                        + "'allOf':[{'properties':{'x':{}}}]}"))
                .containsExactly(
                        P
                                + ".properties[x]: Required value: because it is defined in "
                                + P
                                + ".allOf[0].properties[x]");
    }

    @Test
    void listMapKeysMustBeRequiredOrDefaulted() {
        assertThat(
                        check(
                                "{'type':'object','properties':{'l':{'type':'array',"
                                        + "'x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['name'],"
                                        + "'items':{'type':'object','properties':{'name':{'type':'string'}}}}}}"))
                .containsExactly(
                        P
                                + ".properties[l].items.properties[name].default: Required value: this"
                                + " property is in x-kubernetes-list-map-keys, so it must have a"
                                + " default or be a required property");
    }

    @Test
    void embeddedResourceNeedsObject() {
        assertThat(
                        check(
                                "{'type':'object','properties':{'t':{'type':'string',"
                                        + "'x-kubernetes-embedded-resource':true,"
                                        + "'x-kubernetes-preserve-unknown-fields':true}}}"))
                .containsExactly(
                        P
                                + ".properties[t].type: Invalid value: \"string\": must be object if"
                                + " x-kubernetes-embedded-resource is true");
    }

    @Test
    void defaultsAreValidatedAndPruned() {
        // defaulting/validation.go
        assertThat(
                        check(
                                "{'type':'object','properties':{'o':{'type':'object','default':{'x':1},"
                                        + "'properties':{'y':{'type':'integer'}}}}}"))
                .containsExactly(
                        P
                                + ".properties[o].default: Invalid value:"
                                + " map[string]interface {}{\"x\":1}: must not have unknown fields");
        assertThat(check("{'type':'object','properties':{'n':{'type':'integer','default':'a'}}}"))
                .containsExactly(
                        P
                                + ".properties[n].default: Invalid value: \"string\":  in body must be"
                                + " of type integer: \"string\"");
    }

    @Test
    void invalidPatternIsRejectedAsGoRejectsIt() {
        assertThat(
                        check(
                                "{'type':'object','properties':{'s':{'type':'string','pattern':'(?=a)'}}}"))
                .containsExactly(
                        P
                                + ".properties[s].pattern: Invalid value: \"(?=a)\": must be a valid"
                                + " regular expression, but isn't: error parsing regexp: invalid or"
                                + " unsupported Perl syntax: `(?=`");
    }

    // --- bounds

    @Test
    void deepSchemaIsAnErrorNotAStackOverflow() {
        StringBuilder s = new StringBuilder("{'type':'object'}");
        for (int i = 0; i < 200; i++) {
            s.insert(0, "{'type':'object','properties':{'a':").append("}}");
        }
        JsonNode deep = M.readTree(s.toString().replace('\'', '"'));
        assertThat(StructuralSchema.checkStructural(deep, P)).hasSize(1);
        assertThatThrownBy(() -> StructuralSchema.parse(deep))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void catastrophicPatternIsBounded() {
        List<String> errs =
                errors(
                        spec("{'s':{'type':'string','pattern':'^(a+)+$'}}"),
                        "{'spec':{'s':'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'}}");
        assertThat(errs).hasSize(1);
    }

    @Test
    void validationWorkIsBounded() {
        // j8s' own bound: 300 anyOf alternatives for each of 20000 items are 6,000,000 checks
        StringBuilder alts = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            alts.append(i == 0 ? "" : ",").append("{'maximum':-").append(i + 1).append('}');
        }
        String s = spec("{'l':{'type':'array','items':{'type':'integer','anyOf':[" + alts + "]}}}");
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < 20000; i++) {
            items.append(i == 0 ? "" : ",").append('1');
        }
        List<String> errs = errors(s, "{'spec':{'l':[" + items + "]}}");
        assertThat(errs)
                .last()
                .isEqualTo(
                        "<nil>: Invalid value: \"\": validation exceeded its budget of 5000000"
                                + " schema checks");
    }
}
