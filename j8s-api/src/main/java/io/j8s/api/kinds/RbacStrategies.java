package io.j8s.api.kinds;

import io.j8s.api.json.GoEncoding;
import io.j8s.api.json.Json;
import io.j8s.api.table.Columns;
import io.j8s.api.table.Durations;
import io.j8s.api.table.TableColumn;
import io.j8s.api.validation.FieldError;
import io.j8s.api.validation.GoValues;
import io.j8s.api.validation.NameRules;
import io.j8s.api.validation.ObjectMetaValidation;
import io.j8s.api.validation.ObjectMetaValidation.NameRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Roles, ClusterRoles, RoleBindings and ClusterRoleBindings ({@code rbac.authorization.k8s.io/v1}):
 * names are URL path segments, rules and role references are checked as {@code
 * pkg/apis/rbac/validation} does. Roles use the default Table ({@code Name}, {@code Created At});
 * bindings print {@code Role}, {@code Age} and the subjects.
 */
public final class RbacStrategies {

    static final String GROUP = "rbac.authorization.k8s.io";

    private RbacStrategies() {}

    /** Roles ({@code clusterScoped=false}) and ClusterRoles. */
    public static final class RoleStrategy extends BaseStrategy {
        private final boolean namespaced;

        public RoleStrategy(boolean namespaced) {
            super(namespaced, NameRule.PATH_SEGMENT);
            this.namespaced = namespaced;
        }

        @Override
        void validateKind(ObjectNode role, ObjectNode old, List<FieldError> errs) {
            List<JsonNode> rules = Json.elements(role, "rules");
            for (int i = 0; i < rules.size(); i++) {
                validateRule(rules.get(i), "rules[" + i + "]", namespaced, errs);
            }
            JsonNode aggregation = role.get("aggregationRule");
            if (!namespaced && aggregation != null && aggregation.isObject()) {
                List<JsonNode> selectors = Json.elements(aggregation, "clusterRoleSelectors");
                if (selectors.isEmpty()) {
                    errs.add(
                            FieldError.required(
                                    "aggregationRule.clusterRoleSelectors",
                                    "at least one clusterRoleSelector required if aggregationRule is non-nil"));
                }
                for (int i = 0; i < selectors.size(); i++) {
                    errs.addAll(
                            ObjectMetaValidation.validateLabelSelector(
                                    selectors.get(i),
                                    "aggregationRule.clusterRoleSelectors[" + i + "]"));
                }
            }
        }
    }

    static void validateRule(JsonNode rule, String p, boolean namespaced, List<FieldError> errs) {
        if (Json.elements(rule, "verbs").isEmpty()) {
            errs.add(FieldError.required(p + ".verbs", "verbs must contain at least one value"));
        }
        List<String> urls = Json.stringList(rule, "nonResourceURLs");
        if (!urls.isEmpty()) {
            if (namespaced) {
                errs.add(
                        FieldError.invalid(
                                p + ".nonResourceURLs",
                                urls,
                                "namespaced rules cannot apply to non-resource URLs"));
            }
            if (!Json.elements(rule, "apiGroups").isEmpty()
                    || !Json.elements(rule, "resources").isEmpty()
                    || !Json.elements(rule, "resourceNames").isEmpty()) {
                errs.add(
                        FieldError.invalid(
                                p + ".nonResourceURLs",
                                urls,
                                "rules cannot apply to both regular resources and non-resource URLs"));
            }
            return;
        }
        if (Json.elements(rule, "apiGroups").isEmpty()) {
            errs.add(
                    FieldError.required(
                            p + ".apiGroups", "resource rules must supply at least one api group"));
        }
        if (Json.elements(rule, "resources").isEmpty()) {
            errs.add(
                    FieldError.required(
                            p + ".resources", "resource rules must supply at least one resource"));
        }
    }

    /** RoleBindings ({@code clusterScoped=false}) and ClusterRoleBindings. */
    public static final class BindingStrategy extends BaseStrategy {
        private final boolean namespaced;

        public BindingStrategy(boolean namespaced) {
            super(namespaced, NameRule.PATH_SEGMENT);
            this.namespaced = namespaced;
        }

        @Override
        void validateKind(ObjectNode binding, ObjectNode old, List<FieldError> errs) {
            JsonNode ref = binding.path("roleRef");
            String group = Json.str(ref, "apiGroup");
            if (!group.equals(GROUP)) {
                errs.add(FieldError.notSupported("roleRef.apiGroup", group, List.of(GROUP)));
            }
            String kind = Json.str(ref, "kind");
            List<String> kinds =
                    namespaced ? List.of("Role", "ClusterRole") : List.of("ClusterRole");
            if (!kinds.contains(kind)) {
                errs.add(FieldError.notSupported("roleRef.kind", kind, kinds));
            }
            String name = Json.str(ref, "name");
            if (name.isEmpty()) {
                errs.add(FieldError.required("roleRef.name"));
            } else {
                for (String msg : NameRules.pathSegmentName(name)) {
                    errs.add(FieldError.invalid("roleRef.name", name, msg));
                }
            }
            List<JsonNode> subjects = Json.elements(binding, "subjects");
            for (int i = 0; i < subjects.size(); i++) {
                validateSubject(subjects.get(i), "subjects[" + i + "]", namespaced, errs);
            }
            if (old != null
                    && !GoEncoding.semanticEqual(binding.get("roleRef"), old.get("roleRef"))) {
                errs.add(
                        FieldError.invalid(
                                "roleRef",
                                new GoValues.Raw(renderRoleRef(ref)),
                                "cannot change roleRef"));
            }
        }

        private static String renderRoleRef(JsonNode ref) {
            return "rbac.RoleRef{APIGroup:"
                    + GoValues.quote(Json.str(ref, "apiGroup"))
                    + ", Kind:"
                    + GoValues.quote(Json.str(ref, "kind"))
                    + ", Name:"
                    + GoValues.quote(Json.str(ref, "name"))
                    + "}";
        }

        private static void validateSubject(
                JsonNode subject, String p, boolean namespaced, List<FieldError> errs) {
            String name = Json.str(subject, "name");
            if (name.isEmpty()) {
                errs.add(FieldError.required(p + ".name"));
            }
            String kind = Json.str(subject, "kind");
            String group = Json.str(subject, "apiGroup");
            switch (kind) {
                case "ServiceAccount" -> {
                    if (!name.isEmpty()) {
                        for (String msg : NameRules.dns1123Subdomain(name)) {
                            errs.add(FieldError.invalid(p + ".name", name, msg));
                        }
                    }
                    if (!group.isEmpty()) {
                        errs.add(FieldError.notSupported(p + ".apiGroup", group, List.of("")));
                    }
                    if (!namespaced && Json.str(subject, "namespace").isEmpty()) {
                        errs.add(FieldError.required(p + ".namespace"));
                    }
                }
                case "User", "Group" -> {
                    if (!group.equals(GROUP)) {
                        errs.add(FieldError.notSupported(p + ".apiGroup", group, List.of(GROUP)));
                    }
                }
                default ->
                        errs.add(
                                FieldError.notSupported(
                                        p + ".kind",
                                        kind,
                                        List.of("ServiceAccount", "User", "Group")));
            }
        }

        @Override
        public List<TableColumn> tableColumns() {
            String what = namespaced ? "roleBinding" : "clusterRoleBinding";
            return List.of(
                    Columns.name(),
                    Columns.string("Role", Descriptions.ROLE_REF),
                    Columns.age(),
                    Columns.wide("Users", "Users in the " + what),
                    Columns.wide("Groups", "Groups in the " + what),
                    Columns.wide("ServiceAccounts", "ServiceAccounts in the " + what));
        }

        @Override
        public List<Object> tableCells(ObjectNode binding, Instant now) {
            List<String> users = new ArrayList<>();
            List<String> groups = new ArrayList<>();
            List<String> sas = new ArrayList<>();
            for (JsonNode s : Json.elements(binding, "subjects")) {
                switch (Json.str(s, "kind")) {
                    case "ServiceAccount" ->
                            sas.add(Json.str(s, "namespace") + "/" + Json.str(s, "name"));
                    case "User" -> users.add(Json.str(s, "name"));
                    case "Group" -> groups.add(Json.str(s, "name"));
                    default -> {}
                }
            }
            return List.of(
                    Json.name(binding),
                    Json.text(binding, "roleRef.kind") + "/" + Json.text(binding, "roleRef.name"),
                    Durations.age(created(binding), now),
                    String.join(", ", users),
                    String.join(", ", groups),
                    String.join(", ", sas));
        }
    }
}
