package io.j8s.api.kinds;

import io.j8s.api.json.GoEncoding;
import io.j8s.api.json.Json;
import io.j8s.api.table.Columns;
import io.j8s.api.table.Durations;
import io.j8s.api.table.TableColumn;
import io.j8s.api.validation.FieldError;
import io.j8s.api.validation.NameRules;
import io.j8s.api.validation.ObjectMetaValidation.NameRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** ConfigMaps, Secrets and ServiceAccounts ({@code v1}). */
public final class ConfigStrategies {

    private static final Pattern CONFIG_KEY = Pattern.compile("[-._a-zA-Z0-9]+");

    private ConfigStrategies() {}

    /** {@code IsConfigMapKey}: the keys of ConfigMap and Secret data. */
    static List<String> configMapKey(String key) {
        List<String> errs = new ArrayList<>();
        if (key.length() > NameRules.DNS1123_SUBDOMAIN_MAX) {
            errs.add(NameRules.maxLenError(NameRules.DNS1123_SUBDOMAIN_MAX));
        }
        if (!CONFIG_KEY.matcher(key).matches()) {
            errs.add(
                    NameRules.regexError(
                            "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
                            "[-._a-zA-Z0-9]+",
                            "key.name",
                            "KEY_NAME",
                            "key-name"));
        }
        if (key.equals(".")) {
            errs.add("must not be '.'");
        } else if (key.equals("..")) {
            errs.add("must not be '..'");
        } else if (key.startsWith("..")) {
            errs.add("must not start with '..'");
        }
        return errs;
    }

    static void validateKeys(JsonNode object, String field, List<FieldError> errs) {
        JsonNode data = object.get(field);
        if (data == null || !data.isObject()) {
            return;
        }
        for (String key : data.propertyNames()) {
            for (String msg : configMapKey(key)) {
                errs.add(FieldError.invalid(field + "[" + key + "]", key, msg));
            }
        }
    }

    /** Kubernetes' {@code MaxSecretSize}: the most bytes of data a ConfigMap or Secret holds. */
    public static final int MAX_DATA_BYTES = 1024 * 1024;

    /**
     * The bytes of the values of {@code object[field]}: UTF-8 for strings, the decoded length of
     * base64 values ({@code binary}), as Kubernetes counts {@code len(value)} after decoding.
     */
    static long dataBytes(
            JsonNode object, String field, boolean binary, java.util.Set<String> skip) {
        JsonNode data = object.get(field);
        if (data == null || !data.isObject()) {
            return 0;
        }
        long total = 0;
        for (java.util.Map.Entry<String, JsonNode> e : data.properties()) {
            JsonNode v = e.getValue();
            if (!v.isString() || skip.contains(e.getKey())) {
                continue;
            }
            String value = v.stringValue();
            if (binary) {
                int n = value.length();
                int padding =
                        n > 0 && value.charAt(n - 1) == '='
                                ? (n > 1 && value.charAt(n - 2) == '=' ? 2 : 1)
                                : 0;
                total += (long) n / 4 * 3 - padding;
            } else {
                total += utf8Length(value);
            }
        }
        return total;
    }

    private static long utf8Length(String s) {
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    static int size(JsonNode object, String field) {
        JsonNode data = object.get(field);
        return data != null && data.isObject() ? data.size() : 0;
    }

    /**
     * ConfigMaps: key checks, no duplicate keys across data and binaryData, {@code printConfigMap}.
     */
    public static final class ConfigMapStrategy extends BaseStrategy {
        public ConfigMapStrategy() {
            super(true, NameRule.DNS_SUBDOMAIN);
        }

        @Override
        void validateKind(ObjectNode object, ObjectNode old, List<FieldError> errs) {
            validateKeys(object, "data", errs);
            validateKeys(object, "binaryData", errs);
            JsonNode data = object.get("data");
            JsonNode binary = object.get("binaryData");
            if (data != null && data.isObject() && binary != null && binary.isObject()) {
                for (String key : binary.propertyNames()) {
                    if (data.has(key)) {
                        errs.add(
                                FieldError.invalid(
                                        "data[" + key + "]",
                                        key,
                                        "duplicate of key present in binaryData"));
                    }
                }
            }
            // ValidateConfigMap: the whole object's data, under field.NewPath(""), which Go prints
            // "[]".
            if (dataBytes(object, "data", false, java.util.Set.of())
                            + dataBytes(object, "binaryData", true, java.util.Set.of())
                    > MAX_DATA_BYTES) {
                errs.add(FieldError.tooLong("[]", MAX_DATA_BYTES));
            }
            if (old != null && Json.boolAt(old, "immutable", false)) {
                if (!GoEncoding.semanticEqual(object.get("data"), old.get("data"))
                        || !GoEncoding.semanticEqual(
                                object.get("binaryData"), old.get("binaryData"))) {
                    errs.add(
                            FieldError.forbidden(
                                    "data", "field is immutable when `immutable` is set"));
                }
                if (!Json.boolAt(object, "immutable", false)) {
                    errs.add(
                            FieldError.forbidden(
                                    "immutable", "field is immutable when `immutable` is set"));
                }
            }
        }

        @Override
        public List<TableColumn> tableColumns() {
            return List.of(
                    Columns.name(),
                    Columns.string("Data", Descriptions.CONFIGMAP_DATA),
                    Columns.age());
        }

        @Override
        public List<Object> tableCells(ObjectNode cm, Instant now) {
            return List.of(
                    Json.name(cm),
                    (long) (size(cm, "data") + size(cm, "binaryData")),
                    Durations.age(created(cm), now));
        }
    }

    /** Secrets: {@code type: Opaque} default, key checks, immutable type, {@code printSecret}. */
    public static final class SecretStrategy extends BaseStrategy {
        public SecretStrategy() {
            super(true, NameRule.DNS_SUBDOMAIN);
        }

        @Override
        public void applyDefaults(ObjectNode object) {
            Json.defaultString(object, "type", "Opaque");
            // stringData is write-only, as in Kubernetes' conversion of a v1 Secret: its entries
            // replace those of data, base64-encoded, and it is not stored.
            JsonNode stringData = object.remove("stringData");
            if (stringData instanceof ObjectNode strings && !strings.isEmpty()) {
                ObjectNode data = Json.child(object, "data");
                for (Map.Entry<String, JsonNode> entry : strings.properties()) {
                    data.put(
                            entry.getKey(),
                            java.util.Base64.getEncoder()
                                    .encodeToString(
                                            entry.getValue()
                                                    .asString()
                                                    .getBytes(
                                                            java.nio.charset.StandardCharsets
                                                                    .UTF_8)));
                }
            }
        }

        @Override
        void validateKind(ObjectNode object, ObjectNode old, List<FieldError> errs) {
            validateKeys(object, "data", errs);
            validateKeys(object, "stringData", errs);
            // stringData is merged into data (its keys win) before Kubernetes counts the data.
            JsonNode stringData = object.get("stringData");
            java.util.Set<String> overridden =
                    stringData != null && stringData.isObject()
                            ? new java.util.HashSet<>(stringData.propertyNames())
                            : java.util.Set.of();
            if (dataBytes(object, "data", true, overridden)
                            + dataBytes(object, "stringData", false, java.util.Set.of())
                    > MAX_DATA_BYTES) {
                errs.add(FieldError.tooLong("data", MAX_DATA_BYTES));
            }
            String type = Json.str(object, "type");
            if (type.equals("kubernetes.io/service-account-token")
                    && !Json.stringMap(object, "metadata.annotations")
                            .containsKey("kubernetes.io/service-account.name")) {
                errs.add(
                        FieldError.required(
                                "metadata.annotations[kubernetes.io/service-account.name]"));
            }
            if (type.equals("kubernetes.io/dockerconfigjson")
                    && !object.path("data").has(".dockerconfigjson")) {
                errs.add(FieldError.required("data[.dockerconfigjson]"));
            }
            if (old != null && !type.equals(Json.str(old, "type"))) {
                errs.add(FieldError.invalid("type", type, "field is immutable"));
            }
            if (old != null
                    && Json.boolAt(old, "immutable", false)
                    && !GoEncoding.semanticEqual(object.get("data"), old.get("data"))) {
                errs.add(
                        FieldError.forbidden("data", "field is immutable when `immutable` is set"));
            }
        }

        @Override
        public Map<String, String> selectableFields(ObjectNode secret) {
            Map<String, String> f = fields(secret, true);
            f.put("type", Json.str(secret, "type"));
            return f;
        }

        @Override
        public Set<String> fieldLabels() {
            return Set.of("metadata.name", "metadata.namespace", "type");
        }

        @Override
        boolean customFieldLabels() {
            return true;
        }

        @Override
        public List<TableColumn> tableColumns() {
            return List.of(
                    Columns.name(),
                    Columns.string("Type", Descriptions.SECRET_TYPE),
                    Columns.string("Data", Descriptions.SECRET_DATA),
                    Columns.age());
        }

        @Override
        public List<Object> tableCells(ObjectNode secret, Instant now) {
            return List.of(
                    Json.name(secret),
                    Json.str(secret, "type"),
                    (long) size(secret, "data"),
                    Durations.age(created(secret), now));
        }
    }

    /** ServiceAccounts: {@code printServiceAccount}. */
    public static final class ServiceAccountStrategy extends BaseStrategy {
        public ServiceAccountStrategy() {
            super(true, NameRule.DNS_SUBDOMAIN);
        }

        @Override
        public List<TableColumn> tableColumns() {
            return List.of(
                    Columns.name(),
                    Columns.string("Secrets", Descriptions.SA_SECRETS),
                    Columns.age());
        }

        @Override
        public List<Object> tableCells(ObjectNode sa, Instant now) {
            return List.of(
                    Json.name(sa),
                    (long) Json.elements(sa, "secrets").size(),
                    Durations.age(created(sa), now));
        }
    }

    /**
     * Leases ({@code coordination.k8s.io/v1}): duration and transition checks, {@code printLease}.
     */
    public static final class LeaseStrategy extends BaseStrategy {
        public LeaseStrategy() {
            super(true, NameRule.DNS_SUBDOMAIN);
        }

        @Override
        void validateKind(ObjectNode lease, ObjectNode old, List<FieldError> errs) {
            JsonNode duration = Json.at(lease, "spec.leaseDurationSeconds");
            if (duration != null && duration.asLong(0) <= 0) {
                errs.add(
                        FieldError.invalid(
                                "spec.leaseDurationSeconds",
                                duration.asLong(0),
                                "must be greater than 0"));
            }
            JsonNode transitions = Json.at(lease, "spec.leaseTransitions");
            if (transitions != null && transitions.asLong(0) < 0) {
                errs.add(
                        FieldError.invalid(
                                "spec.leaseTransitions",
                                transitions.asLong(0),
                                "must be greater than or equal to 0"));
            }
            String strategy = Json.text(lease, "spec.strategy");
            if (!strategy.isEmpty() && !strategy.equals("OldestEmulationVersion")) {
                errs.add(
                        FieldError.notSupported(
                                "spec.strategy", strategy, List.of("OldestEmulationVersion")));
            }
        }

        @Override
        public List<TableColumn> tableColumns() {
            return List.of(
                    Columns.name(),
                    Columns.string("Holder", Descriptions.LEASE_HOLDER),
                    Columns.age());
        }

        @Override
        public List<Object> tableCells(ObjectNode lease, Instant now) {
            return List.of(
                    Json.name(lease),
                    Json.text(lease, "spec.holderIdentity"),
                    Durations.age(created(lease), now));
        }
    }
}
