package io.j8s.apiserver.apiextensions.cel;

import dev.cel.common.values.NullValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * JSON to CEL values, guided by the schema as Kubernetes' {@code UnstructuredToVal} is: objects
 * become maps, arrays lists, integers {@code long} (a whole number where the schema says {@code
 * number} becomes {@code double}), JSON null the CEL null.
 */
final class CelValues {

    private CelValues() {}

    static Object toCel(JsonNode v, SchemaNode schema) {
        if (v == null || v.isMissingNode() || v.isNull()) {
            return NullValue.NULL_VALUE;
        }
        if (v.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : v.properties()) {
                SchemaNode child = null;
                if (schema != null) {
                    child = schema.properties.get(e.getKey());
                    if (child == null) {
                        child = schema.additionalProperties;
                    }
                }
                m.put(e.getKey(), toCel(e.getValue(), child));
            }
            return Collections.unmodifiableMap(m);
        }
        if (v.isArray()) {
            List<Object> l = new ArrayList<>(v.size());
            SchemaNode child = schema == null ? null : schema.items;
            for (JsonNode e : v) {
                l.add(toCel(e, child));
            }
            return Collections.unmodifiableList(l);
        }
        if (v.isNumber()) {
            boolean wantDouble = schema != null && schema.type.equals("number");
            if (!wantDouble && v.isIntegralNumber() && v.canConvertToLong()) {
                return v.longValue();
            }
            return v.doubleValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        return v.asString("");
    }
}
