package io.j8s.apiserver.apiextensions.schema;

import static io.j8s.apiserver.apiextensions.schema.StructuralSchemaTest.P;
import static io.j8s.apiserver.apiextensions.schema.StructuralSchemaTest.check;
import static io.j8s.apiserver.apiextensions.schema.StructuralSchemaTest.errors;
import static io.j8s.apiserver.apiextensions.schema.StructuralSchemaTest.json;
import static io.j8s.apiserver.apiextensions.schema.StructuralSchemaTest.spec;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** One rule a test, each expectation with the Kubernetes source it comes from. */
class SchemaRulesTest {

    // ---- validate

    @Test
    void oneOfNoneAndTwo() {
        // kube-openapi schema_props.go, schema_messages.go MustValidateOnlyOneSchemaError
        String s = spec("{'a':{'type':'integer','oneOf':[{'minimum':5},{'minimum':7}]}}");
        assertThat(errors(s, "{'spec':{'a':6}}")).isEmpty();
        assertThat(errors(s, "{'spec':{'a':8}}"))
                .containsExactly(
                        "<nil>: Invalid value: \"\": \"spec.a\" must validate one and only one"
                                + " schema (oneOf). Found 2 valid alternatives");
        assertThat(errors(s, "{'spec':{'a':1}}").get(0))
                .isEqualTo(
                        "<nil>: Invalid value: \"\": \"spec.a\" must validate one and only one"
                                + " schema (oneOf). Found none valid");
    }

    @Test
    void allOfAndNot() {
        // schema_props.go: allOf merges every failure, then MustValidateAllSchemasError
        String s = spec("{'a':{'type':'integer','allOf':[{'minimum':5}],'not':{'maximum':0}}}");
        assertThat(errors(s, "{'spec':{'a':1}}"))
                .containsExactly(
                        "spec.a: Invalid value: 1: spec.a in body should be greater than or equal"
                                + " to 5",
                        "<nil>: Invalid value: \"\": \"spec.a\" must validate all the schemas"
                                + " (allOf). None validated");
        assertThat(errors(s, "{'spec':{'a':-1}}"))
                .contains(
                        "<nil>: Invalid value: \"\": \"spec.a\" must not validate the schema (not)");
    }

    @Test
    void additionalPropertiesFalse() {
        // object_validator.go: PropertyNotAllowed, named by the parent
        String s = spec("{'m':{'type':'object','additionalProperties':false}}");
        assertThat(errors(s, "{'spec':{'m':{'x':1}}}"))
                .containsExactly(
                        "spec.m: Invalid value: \"x\": spec.m.x in body is a forbidden property");
    }

    @Test
    void uniqueItems() {
        // errors/schema.go uniqueFail (no value: "")
        String s = spec("{'l':{'type':'array','uniqueItems':true,'items':{'type':'integer'}}}");
        assertThat(errors(s, "{'spec':{'l':[1,1]}}"))
                .containsExactly(
                        "spec.l: Invalid value: \"\": spec.l in body shouldn't contain duplicates");
    }

    @Test
    void enumWithNull() {
        // validator.go basicCommonValidator: a nil value matches no enum entry
        String s = spec("{'c':{'type':'string','nullable':true,'enum':['a']}}");
        assertThat(errors(s, "{'spec':{'c':null}}"))
                .containsExactly("spec.c: Unsupported value: null: supported values: \"a\"");
    }

    @Test
    void unsupportedFormatsAreStripped() {
        // apiserver/validation/formats.go StripUnsupportedFormatsPostProcessorForVersion
        assertThat(errors(spec("{'b':{'type':'boolean','format':'uuid'}}"), "{'spec':{'b':true}}"))
                .isEmpty();
        assertThat(errors(spec("{'s':{'type':'string','format':'fancy'}}"), "{'spec':{'s':'x'}}"))
                .isEmpty();
        assertThat(errors(spec("{'n':{'type':'integer','format':'int32'}}"), "{'spec':{'n':5}}"))
                .isEmpty();
        // quantity (formats.go, apimachinery resource.ParseQuantity)
        String q = spec("{'q':{'type':'string','format':'quantity'}}");
        assertThat(errors(q, "{'spec':{'q':'10Gi'}}")).isEmpty();
        assertThat(errors(q, "{'spec':{'q':'10 apples'}}")).hasSize(1);
    }

    @Test
    void embeddedKindAndApiVersion() {
        // objectmeta/validation.go validateEmbeddedResource
        String s =
                spec(
                        "{'t':{'type':'object','x-kubernetes-embedded-resource':true,"
                                + "'x-kubernetes-preserve-unknown-fields':true}}");
        assertThat(errors(s, "{'spec':{'t':{'apiVersion':'a/b/c','kind':'my_kind'}}}"))
                .containsExactly(
                        "spec.t.apiVersion: Invalid value: \"a/b/c\": unexpected GroupVersion"
                                + " string: a/b/c",
                        "spec.t.kind: Invalid value: \"my_kind\": may have mixed case, but should"
                                + " otherwise match: a DNS-1035 label must consist of lower case"
                                + " alphanumeric characters or '-', start with an alphabetic"
                                + " character, and end with an alphanumeric character (e.g."
                                + " 'my-name',  or 'abc-123', regex used for validation is"
                                + " '[a-z]([-a-z0-9]*[a-z0-9])?')");
        assertThat(errors(s, "{'spec':{'t':{'apiVersion':'apps/v1','kind':'Deployment'}}}"))
                .isEmpty();
    }

    @Test
    void listSetRepeatsOnceAndScalarsByGoType() {
        // listtype/validation.go validateListSet: the second appearance only; int64 != float64
        String s =
                spec(
                        "{'s':{'type':'array','x-kubernetes-list-type':'set','items':{'type':'number'}}}");
        assertThat(errors(s, "{'spec':{'s':[1,1,1]}}"))
                .containsExactly("spec.s[1]: Duplicate value: 1");
        assertThat(errors(s, "{'spec':{'s':[1,1.5]}}")).isEmpty();
    }

    @Test
    void listMapItemsMustBeObjects() {
        // listtype/validation.go validateListMap
        String s =
                spec(
                        "{'m':{'type':'array','x-kubernetes-list-type':'map',"
                                + "'x-kubernetes-list-map-keys':['k'],'items':{'x-kubernetes-preserve-unknown-fields':true}}}");
        assertThat(errors(s, "{'spec':{'m':['x']}}"))
                .containsExactly(
                        "spec.m[0]: Invalid value: \"x\": must be an object for an array of"
                                + " list-type map");
    }

    @Test
    void preservedFieldsAreNotValidatedButSpecifiedOnesAre() {
        String s =
                spec(
                        "{'p':{'type':'object','x-kubernetes-preserve-unknown-fields':true,"
                                + "'properties':{'n':{'type':'integer'}}}}");
        assertThat(errors(s, "{'spec':{'p':{'free':[1,'x'],'n':'no'}}}"))
                .containsExactly(
                        "spec.p.n: Invalid value: \"string\": spec.p.n in body must be of type"
                                + " integer: \"string\"");
    }

    @Test
    void intOrStringAnyOfPattern() {
        // schema/validation.go isIntOrStringAnyOfPattern: the type-carrying anyOf is allowed
        String schema =
                "{'type':'object','properties':{'p':{'x-kubernetes-int-or-string':true,"
                        + "'anyOf':[{'type':'integer'},{'type':'string'}]}}}";
        assertThat(check(schema)).isEmpty();
        assertThat(errors(schema, "{'p':1.5}")).isNotEmpty();
    }

    @Test
    void generatedOperatorSchema() {
        // the shape kubebuilder and fabric8's crd-generator emit: int-or-string quantities with
        // a pattern, string maps, a status object, metadata as a bare object
        String schema =
                "{'type':'object','properties':{'apiVersion':{'type':'string'},'kind':{'type':'string'},"
                        + "'metadata':{'type':'object'},'spec':{'type':'object','required':['image'],"
                        + "'properties':{'image':{'type':'string'},'replicas':{'type':'integer',"
                        + "'format':'int32','minimum':0,'default':1},'labels':{'type':'object',"
                        + "'additionalProperties':{'type':'string'}},'limits':{'type':'object',"
                        + "'additionalProperties':{'anyOf':[{'type':'integer'},{'type':'string'}],"
                        + "'pattern':'^(\\\\+|-)?(([0-9]+(\\\\.[0-9]*)?)|(\\\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE])?$',"
                        + "'x-kubernetes-int-or-string':true}}}},'status':{'type':'object',"
                        + "'properties':{'conditions':{'type':'array','x-kubernetes-list-type':'map',"
                        + "'x-kubernetes-list-map-keys':['type'],'items':{'type':'object',"
                        + "'required':['type','status'],'properties':{'type':{'type':'string'},"
                        + "'status':{'type':'string','enum':['True','False','Unknown']}}}}}}}}";
        assertThat(check(schema)).isEmpty();
        assertThat(
                        errors(
                                schema,
                                "{'apiVersion':'x.io/v1','kind':'App','metadata':{'name':'a'},"
                                        + "'spec':{'image':'nginx','replicas':2,'labels':{'a':'b'},"
                                        + "'limits':{'cpu':2,'memory':'512Mi'}}}"))
                .isEmpty();
        assertThat(errors(schema, "{'spec':{'replicas':-1,'limits':{'memory':'lots'}}}"))
                .containsExactly(
                        "spec.replicas: Invalid value: -1: spec.replicas in body should be greater"
                                + " than or equal to 0",
                        "spec.limits.memory: Invalid value: \"lots\": spec.limits.memory in body"
                                + " should match '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))"
                                + "(([KMGTPE]i)|[numkMGTPE])?$'",
                        "spec.image: Required value");
    }

    // ---- checkStructural

    @Test
    void rootRules() {
        // schema/validation.go validateStructuralInvariants at rootLevel; validation.go nullable
        assertThat(check("{'type':'string'}"))
                .containsExactly(
                        P + ".type: Invalid value: \"string\": must be object at the root");
        assertThat(check("{'type':'object','additionalProperties':{'type':'string'}}"))
                .containsExactly(
                        P + ".additionalProperties: Forbidden: must not be used at the root");
        assertThat(check("{'type':'object','nullable':true}"))
                .containsExactly(P + ".nullable: Forbidden: nullable cannot be true at the root");
    }

    @Test
    void unsupportedTypeAndArrayWithoutItems() {
        assertThat(check("{'type':'object','properties':{'a':{'type':'foo'}}}"))
                .containsExactly(
                        P
                                + ".properties[a].type: Unsupported value: \"foo\": supported values:"
                                + " \"array\", \"boolean\", \"integer\", \"number\", \"object\","
                                + " \"string\"");
        assertThat(check("{'type':'object','properties':{'a':{'type':'array'}}}"))
                .containsExactly(P + ".properties[a].items: Required value: must be specified");
    }

    @Test
    void preserveUnknownFieldsFalse() {
        assertThat(
                        check(
                                "{'type':'object','properties':{'a':{'type':'object',"
                                        + "'x-kubernetes-preserve-unknown-fields':false}}}"))
                .containsExactly(
                        P
                                + ".properties[a].x-kubernetes-preserve-unknown-fields: Invalid value:"
                                + " false: must be true or undefined");
    }

    @Test
    void mapTypeAndListTypeNeedTheirTypes() {
        assertThat(
                        check(
                                "{'type':'object','properties':{'a':{'type':'string',"
                                        + "'x-kubernetes-map-type':'odd'},'b':{'type':'string',"
                                        + "'x-kubernetes-list-type':'odd'}}}"))
                .containsExactly(
                        P
                                + ".properties[a].type: Invalid value: \"string\": must be object if"
                                + " x-kubernetes-map-type is specified",
                        P
                                + ".properties[a].x-kubernetes-map-type: Unsupported value: \"odd\":"
                                + " supported values: \"atomic\", \"granular\"",
                        P
                                + ".properties[b].type: Invalid value: \"string\": must be array if"
                                + " x-kubernetes-list-type is specified",
                        P
                                + ".properties[b].x-kubernetes-list-type: Unsupported value: \"odd\":"
                                + " supported values: \"atomic\", \"set\", \"map\"");
    }

    @Test
    void listMapKeysNeedListTypeMapAndObjectItems() {
        assertThat(
                        check(
                                "{'type':'object','properties':{'a':{'type':'array',"
                                        + "'x-kubernetes-list-map-keys':['k'],'items':{'type':'string'}}}}"))
                .containsExactly(
                        P
                                + ".properties[a].x-kubernetes-list-type: Required value: must be map"
                                + " if x-kubernetes-list-map-keys is non-empty");
        assertThat(
                        check(
                                "{'type':'object','properties':{'a':{'type':'array',"
                                        + "'x-kubernetes-list-type':'map','x-kubernetes-list-map-keys':['k'],"
                                        + "'items':{'type':'string'}}}}"))
                .containsExactly(
                        P
                                + ".properties[a].items.type: Invalid value: \"string\": must be object"
                                + " if parent array's x-kubernetes-list-type is map");
    }

    @Test
    void setOfObjectsMustBeAtomic() {
        assertThat(
                        check(
                                "{'type':'object','properties':{'a':{'type':'array',"
                                        + "'x-kubernetes-list-type':'set','items':{'type':'object'}}}}"))
                .containsExactly(
                        P
                                + ".properties[a].items.x-kubernetes-map-type: Invalid value: null:"
                                + " must be atomic as item of a list with x-kubernetes-list-type=set");
    }

    @Test
    void embeddedResourceRules() {
        assertThat(
                        check(
                                "{'type':'object','properties':{'e':{'type':'object',"
                                        + "'x-kubernetes-embedded-resource':true}}}"))
                .containsExactly(
                        P
                                + ".properties[e].properties: Required value: must not be empty if"
                                + " x-kubernetes-embedded-resource is true without"
                                + " x-kubernetes-preserve-unknown-fields");
        assertThat(
                        check(
                                "{'type':'object','properties':{'e':{'x-kubernetes-int-or-string':true,"
                                        + "'x-kubernetes-preserve-unknown-fields':true}}}"))
                .containsExactly(
                        P
                                + ".properties[e].x-kubernetes-preserve-unknown-fields: Invalid value:"
                                + " true: must be false if x-kubernetes-int-or-string is true");
    }

    @Test
    void noDefaultsInTopLevelMetadata() {
        // apiextensions validation.go: withForbiddenDefaults("in top-level metadata")
        assertThat(
                        check(
                                "{'type':'object','properties':{'metadata':{'type':'object',"
                                        + "'properties':{'name':{'type':'string','default':'x'}}}}}"))
                .containsExactly(
                        P
                                + ".properties[metadata].properties[name].default: Forbidden: must not"
                                + " be set in top-level metadata");
    }

    @Test
    void nestedMetadataForbidden() {
        assertThat(
                        check(
                                "{'type':'object','properties':{'s':{'type':'object','properties':"
                                        + "{'metadata':{'type':'object'}},'anyOf':[{'properties':{'metadata':{}}}]}}}"))
                .contains(
                        P
                                + ".properties[s].anyOf[0].properties[metadata]: Forbidden: must not be"
                                + " specified in a nested context");
    }

    @Test
    void kindAndApiVersionMustBeStrings() {
        assertThat(check("{'type':'object','properties':{'kind':{'type':'integer'}}}"))
                .containsExactly(
                        P + ".properties[kind].type: Invalid value: \"integer\": must be string");
    }

    @Test
    void itemsAsArrayForbidden() {
        assertThat(
                        check(
                                "{'type':'object','properties':{'a':{'type':'array',"
                                        + "'items':[{'type':'string'}]}}}"))
                .containsExactly(
                        P
                                + ".properties[a].items: Forbidden: items must be a schema object and"
                                + " not an array");
    }

    @Test
    void defaultsCheckedEvenWithOtherSchemaErrors() {
        // apiextensions validation.go: ValidateDefaults runs when the schema is structural
        assertThat(
                        check(
                                "{'type':'object','properties':{'n':{'type':'integer','default':'a'},"
                                        + "'l':{'type':'array','uniqueItems':true,'items':{'type':'string'}}}}"))
                .containsExactly(
                        P
                                + ".properties[n].default: Invalid value: \"string\":  in body must be"
                                + " of type integer: \"string\"",
                        P
                                + ".properties[l].uniqueItems: Forbidden: uniqueItems cannot be set to"
                                + " true since the runtime complexity becomes quadratic");
    }

    // ---- defaulting and pruning

    @Test
    void defaultsInListItems() {
        StructuralSchema s =
                StructuralSchema.parse(
                        json(
                                spec(
                                        "{'l':{'type':'array','items':{'type':'object','properties':"
                                                + "{'p':{'type':'integer','default':80}}}}}")));
        ObjectNode o = (ObjectNode) json("{'spec':{'l':[{},{'p':1}]}}");
        s.applyDefaults(o);
        assertThat(o.toString()).isEqualTo("{\"spec\":{\"l\":[{\"p\":80},{\"p\":1}]}}");
    }

    @Test
    void additionalPropertiesTrueEmptiesNestedObjects() {
        // pruning/algorithm.go: prune(v, nil) deletes every key of a map
        StructuralSchema s =
                StructuralSchema.parse(
                        json(spec("{'m':{'type':'object','additionalProperties':true}}")));
        ObjectNode o = (ObjectNode) json("{'spec':{'m':{'a':1,'b':{'c':2}}}}");
        s.prune(o);
        assertThat(o.toString()).isEqualTo("{\"spec\":{\"m\":{\"a\":1,\"b\":{}}}}");
    }

    @Test
    void embeddedMetadataUnknownFieldsDropped() {
        // objectmeta/coerce.go with dropInvalidFields
        StructuralSchema s =
                StructuralSchema.parse(
                        json(
                                spec(
                                        "{'t':{'type':'object','x-kubernetes-embedded-resource':true,"
                                                + "'x-kubernetes-preserve-unknown-fields':true}}")));
        ObjectNode o =
                (ObjectNode)
                        json(
                                "{'spec':{'t':{'apiVersion':'v1','kind':5,'metadata':{'name':'a','bogus':1},'x':1}}}");
        s.prune(o);
        assertThat(o.toString())
                .isEqualTo(
                        "{\"spec\":{\"t\":{\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"a\"},\"x\":1}}}");
    }
}
