package io.j8s.apiserver.apiextensions.cel;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelReference;
import dev.cel.common.types.CelType;
import dev.cel.common.types.OptionalType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.j8s.api.validation.FieldError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The {@code x-kubernetes-validations} rules of one CRD version's openAPIV3Schema, compiled once
 * with dev.cel (see docs/custom-resources.md, "CEL validation rules").
 *
 * <p>{@link #compile} throws {@link CelRulesException} carrying the CRD's field errors when a rule
 * does not compile (the CRD's 422); {@link #check} returns those errors instead. {@link #validate}
 * evaluates every rule against an object (and its old version on update) and returns the failing
 * rules as field errors in Kubernetes' words, never throwing for a bad object: running over the
 * cost budget is a field error too.
 */
public final class CelRules {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CelRules.class);

    /** Kubernetes' {@code PerCallLimit}: the cost one rule may spend on one value. */
    public static final long PER_CALL_COST_LIMIT = 1_000_000L;

    /** Kubernetes' {@code RuntimeCELCostBudget}: the cost all rules may spend on one object. */
    public static final long RUNTIME_COST_BUDGET = 10_000_000L;

    /** Kubernetes' {@code MaxEvaluatedMessageExpressionSizeBytes}. */
    static final int MAX_MESSAGE_EXPRESSION_BYTES = 5 * 1024;

    static final CelOptions OPTIONS =
            CelOptions.current()
                    // cel-go's semantics as Kubernetes configures it: matches() finds the pattern
                    // anywhere (RE2, through re2j: linear time), 1 < 1.5 compiles.
                    .enableRegexPartialMatch(true)
                    .enableHeterogeneousNumericComparisons(true)
                    .maxParseRecursionDepth(100)
                    .maxExpressionCodePointSize(100_000)
                    .comprehensionMaxIterations((int) PER_CALL_COST_LIMIT)
                    .build();

    private static final CelRuntime RUNTIME =
            CelRuntimeFactory.standardCelRuntimeBuilder()
                    .setOptions(OPTIONS)
                    .addLibraries(
                            CelExtensions.strings(),
                            CelExtensions.optional(),
                            CelExtensions.sets(OPTIONS))
                    .addFunctionBindings(KubernetesLibrary.bindings())
                    .build();

    private static final CelRules EMPTY = new CelRules(null, null);

    private final RuleTree root;
    private final SchemaNode schema;

    private CelRules(RuleTree root, SchemaNode schema) {
        this.root = root;
        this.schema = schema;
    }

    /** A rule set's compile errors: the causes of the CRD's 422. */
    public static final class CelRulesException extends RuntimeException {
        private final List<FieldError> errors;

        CelRulesException(List<FieldError> errors) {
            super(
                    errors.isEmpty() ? "invalid rules" : errors.get(0).toString(),
                    null,
                    false,
                    false);
            this.errors = List.copyOf(errors);
        }

        public List<FieldError> errors() {
            return errors;
        }
    }

    /**
     * Compiles every rule of the schema.
     *
     * @param openAPIV3Schema the version's {@code schema.openAPIV3Schema} as in the CRD (null or
     *     missing: no rules)
     * @param fieldPath the schema's path in the CRD, e.g. {@code
     *     spec.versions[0].schema.openAPIV3Schema}, the prefix of the errors
     * @throws CelRulesException when a rule does not compile or is otherwise invalid
     */
    public static CelRules compile(JsonNode openAPIV3Schema, String fieldPath) {
        List<FieldError> errors = new ArrayList<>();
        CelRules rules = build(openAPIV3Schema, fieldPath, errors);
        if (!errors.isEmpty()) {
            throw new CelRulesException(errors);
        }
        return rules;
    }

    /** The errors {@link #compile} would throw, or an empty list. */
    public static List<FieldError> check(JsonNode openAPIV3Schema, String fieldPath) {
        List<FieldError> errors = new ArrayList<>();
        build(openAPIV3Schema, fieldPath, errors);
        return errors;
    }

    /** True when the schema has at least one rule. */
    public boolean isEmpty() {
        return root == null;
    }

    private static CelRules build(
            JsonNode openAPIV3Schema, String fieldPath, List<FieldError> errors) {
        if (openAPIV3Schema == null || !openAPIV3Schema.isObject()) {
            return EMPTY;
        }
        SchemaNode schema;
        try {
            schema = SchemaNode.parse(openAPIV3Schema, 0);
        } catch (SchemaNode.SchemaTooDeepException e) {
            errors.add(FieldError.invalid(fieldPath, FieldError.OMITTED, e.getMessage()));
            return EMPTY;
        }
        junctorRules(openAPIV3Schema, fieldPath, false, 0, errors);
        if (!errors.isEmpty() || !hasRules(schema)) {
            return EMPTY;
        }
        SchemaTypes types = new SchemaTypes(schema);
        CelCompiler base =
                CelCompilerFactory.standardCelCompilerBuilder()
                        .setOptions(OPTIONS)
                        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                        .addLibraries(
                                CelExtensions.strings(),
                                CelExtensions.optional(),
                                CelExtensions.sets(OPTIONS))
                        .addFunctionDeclarations(KubernetesLibrary.declarations())
                        .setTypeProvider(types)
                        .build();
        RuleTree tree = new Compiler(base, types, errors).node(schema, fieldPath, null);
        return new CelRules(tree, schema);
    }

    /**
     * Rules inside {@code allOf}, {@code anyOf}, {@code oneOf} or {@code not} are refused rather
     * than silently not evaluated (Kubernetes evaluates those in {@code allOf}; j8s does not).
     */
    private static void junctorRules(
            JsonNode n, String path, boolean inJunctor, int depth, List<FieldError> errors) {
        if (n == null || !n.isObject() || depth > 2 * SchemaNode.MAX_DEPTH) {
            return;
        }
        if (inJunctor && n.has("x-kubernetes-validations")) {
            errors.add(
                    FieldError.forbidden(
                            path + ".x-kubernetes-validations",
                            "j8s does not evaluate x-kubernetes-validations inside allOf, anyOf,"
                                    + " oneOf or not: put the rule on the enclosing schema"));
        }
        JsonNode props = n.get("properties");
        if (props != null && props.isObject()) {
            for (Map.Entry<String, JsonNode> e : props.properties()) {
                junctorRules(
                        e.getValue(),
                        path + ".properties[" + e.getKey() + "]",
                        inJunctor,
                        depth + 1,
                        errors);
            }
        }
        junctorRules(n.get("items"), path + ".items", inJunctor, depth + 1, errors);
        junctorRules(
                n.get("additionalProperties"),
                path + ".additionalProperties",
                inJunctor,
                depth + 1,
                errors);
        for (String junctor : List.of("allOf", "anyOf", "oneOf")) {
            JsonNode list = n.get(junctor);
            if (list != null && list.isArray()) {
                for (int i = 0; i < list.size(); i++) {
                    junctorRules(
                            list.get(i),
                            path + "." + junctor + "[" + i + "]",
                            true,
                            depth + 1,
                            errors);
                }
            }
        }
        junctorRules(n.get("not"), path + ".not", true, depth + 1, errors);
    }

    private static boolean hasRules(SchemaNode n) {
        if (!n.validations().isEmpty()) {
            return true;
        }
        for (SchemaNode c : n.properties.values()) {
            if (hasRules(c)) {
                return true;
            }
        }
        return (n.additionalProperties != null && hasRules(n.additionalProperties))
                || (n.items != null && hasRules(n.items));
    }

    private static boolean hasNewlines(String s) {
        return s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
    }

    /** A compiled rule. */
    record Rule(
            String rule,
            String message,
            CelRuntime.Program program,
            boolean usesOldSelf,
            boolean optionalOldSelf,
            CelRuntime.Program messageExpression,
            FieldError.Type reason,
            String fieldPath) {

        /** Kubernetes' {@code ruleErrorString}: the message, else the rule. */
        String errorString() {
            return message != null && !message.isBlank() ? message.strip() : rule.strip();
        }
    }

    /** The compiled rules of a schema node and the children that have rules below them. */
    record RuleTree(
            SchemaNode schema,
            List<Rule> rules,
            Map<String, RuleTree> properties,
            RuleTree additionalProperties,
            RuleTree items) {}

    private static final class Compiler {
        private final CelCompiler base;
        private final SchemaTypes types;
        private final List<FieldError> errors;

        Compiler(CelCompiler base, SchemaTypes types, List<FieldError> errors) {
            this.base = base;
            this.types = types;
            this.errors = errors;
        }

        /**
         * @param uncorrelatable the schema path under which old values cannot be correlated (a list
         *     that is not a map list), or null
         */
        RuleTree node(SchemaNode n, String path, String uncorrelatable) {
            if (!hasRules(n)) {
                return null;
            }
            List<Rule> rules = compileRules(n, path, uncorrelatable);
            Map<String, RuleTree> props = new LinkedHashMap<>();
            for (Map.Entry<String, SchemaNode> e : n.properties.entrySet()) {
                RuleTree t =
                        node(
                                e.getValue(),
                                path + ".properties[" + e.getKey() + "]",
                                uncorrelatable);
                if (t != null) {
                    props.put(e.getKey(), t);
                }
            }
            RuleTree ap = null;
            if (n.additionalProperties != null) {
                String childPath = path + ".additionalProperties";
                ap =
                        node(
                                n.additionalProperties,
                                childPath,
                                uncorrelatable != null || n.mapCorrelatable
                                        ? uncorrelatable
                                        : path);
            }
            RuleTree items = null;
            if (n.items != null) {
                items =
                        node(
                                n.items,
                                path + ".items",
                                uncorrelatable != null || n.listMapKeys != null
                                        ? uncorrelatable
                                        : path);
            }
            return new RuleTree(n, List.copyOf(rules), Map.copyOf(props), ap, items);
        }

        private List<Rule> compileRules(SchemaNode n, String path, String uncorrelatable) {
            JsonNode validations = n.validations();
            List<Rule> out = new ArrayList<>();
            if (validations.isEmpty()) {
                return out;
            }
            CelType selfType = types.typeOf(n);
            CelCompiler plain = null;
            CelCompiler optional = null;
            for (int i = 0; i < validations.size(); i++) {
                JsonNode v = validations.get(i);
                String at = path + ".x-kubernetes-validations[" + i + "]";
                String rule = v.path("rule").asString("");
                String message = v.path("message").asString(null);
                String messageExpression = v.path("messageExpression").asString(null);
                boolean optionalOldSelf = v.path("optionalOldSelf").asBoolean(false);
                int before = errors.size();
                if (rule.isBlank()) {
                    errors.add(FieldError.required(at + ".rule", "rule is not specified"));
                    continue;
                }
                String trimmedMessage = message == null ? "" : message.strip();
                if (message != null && !message.isEmpty() && trimmedMessage.isEmpty()) {
                    errors.add(
                            FieldError.invalid(
                                    at + ".message",
                                    message,
                                    "message must be non-empty if specified"));
                } else if (message != null && message.length() > 2048) {
                    errors.add(
                            FieldError.invalid(
                                    at + ".message",
                                    message.substring(0, 10) + "...",
                                    "message must have a maximum length of 2048 characters"));
                } else if (hasNewlines(trimmedMessage)) {
                    errors.add(
                            FieldError.invalid(
                                    at + ".message",
                                    message,
                                    "message must not contain line breaks"));
                } else if (hasNewlines(rule.strip()) && trimmedMessage.isEmpty()) {
                    errors.add(
                            FieldError.required(
                                    at + ".message",
                                    "message must be specified if rule contains line breaks"));
                }
                FieldError.Type reason = FieldError.Type.INVALID;
                JsonNode reasonNode = v.get("reason");
                if (reasonNode != null && !reasonNode.isNull()) {
                    String r = reasonNode.asString("");
                    switch (r) {
                        case "FieldValueInvalid" -> reason = FieldError.Type.INVALID;
                        case "FieldValueForbidden" -> reason = FieldError.Type.FORBIDDEN;
                        case "FieldValueRequired" -> reason = FieldError.Type.REQUIRED;
                        case "FieldValueDuplicate" -> reason = FieldError.Type.DUPLICATE;
                        default ->
                                errors.add(
                                        FieldError.notSupported(
                                                at + ".reason",
                                                r,
                                                List.of(
                                                        "FieldValueDuplicate",
                                                        "FieldValueForbidden",
                                                        "FieldValueInvalid",
                                                        "FieldValueRequired")));
                    }
                }
                String normalizedPath = "";
                String fp = v.path("fieldPath").asString("");
                if (!fp.isEmpty() && fp.isBlank()) {
                    errors.add(
                            FieldError.invalid(
                                    at + ".fieldPath",
                                    fp,
                                    "fieldPath must be non-empty if specified"));
                } else if (hasNewlines(fp)) {
                    errors.add(
                            FieldError.invalid(
                                    at + ".fieldPath",
                                    fp,
                                    "fieldPath must not contain line breaks"));
                } else if (!fp.isEmpty()) {
                    try {
                        normalizedPath = RuleFieldPath.normalize(fp, n);
                    } catch (RuleFieldPath.InvalidPathException e) {
                        errors.add(
                                FieldError.invalid(
                                        at + ".fieldPath",
                                        fp,
                                        "fieldPath must be a valid path: " + e.getMessage()));
                    }
                }
                CelCompiler compiler;
                if (optionalOldSelf) {
                    if (optional == null) {
                        optional = withVars(selfType, OptionalType.create(selfType));
                    }
                    compiler = optional;
                } else {
                    if (plain == null) {
                        plain = withVars(selfType, selfType);
                    }
                    compiler = plain;
                }
                CelAbstractSyntaxTree ast =
                        compileExpr(compiler, rule, at + ".rule", "compilation failed: ");
                if (ast == null) {
                    continue;
                }
                if (!ast.getResultType().equals(SimpleType.BOOL)
                        && !ast.getResultType().equals(SimpleType.DYN)) {
                    errors.add(
                            FieldError.invalid(
                                    at + ".rule", rule, "cel expression must evaluate to a bool"));
                    continue;
                }
                boolean usesOldSelf = usesOldSelf(ast);
                if (usesOldSelf && uncorrelatable != null) {
                    errors.add(
                            FieldError.invalid(
                                    at + ".rule",
                                    rule,
                                    "oldSelf cannot be used on the uncorrelatable portion of the"
                                            + " schema within "
                                            + uncorrelatable));
                }
                if (optionalOldSelf && !usesOldSelf) {
                    errors.add(
                            FieldError.invalid(
                                    at + ".optionalOldSelf",
                                    true,
                                    "may not be set if oldSelf is not used in rule"));
                }
                CelRuntime.Program messageProgram = null;
                if (messageExpression != null && !messageExpression.isEmpty()) {
                    if (messageExpression.isBlank()) {
                        errors.add(
                                FieldError.required(
                                        at + ".messageExpression",
                                        "messageExpression must be non-empty if specified"));
                    } else {
                        if (plain == null) {
                            plain = withVars(selfType, selfType);
                        }
                        CelAbstractSyntaxTree m =
                                compileExpr(
                                        plain,
                                        messageExpression,
                                        at + ".messageExpression",
                                        "messageExpression compilation failed: ");
                        if (m != null) {
                            if (!m.getResultType().equals(SimpleType.STRING)) {
                                errors.add(
                                        FieldError.invalid(
                                                at + ".messageExpression",
                                                messageExpression,
                                                "must evaluate to a string"));
                            } else {
                                messageProgram =
                                        program(m, at + ".messageExpression", messageExpression);
                            }
                        }
                    }
                }
                CelRuntime.Program program = program(ast, at + ".rule", rule);
                if (errors.size() > before || program == null) {
                    continue;
                }
                out.add(
                        new Rule(
                                rule,
                                message,
                                program,
                                usesOldSelf,
                                optionalOldSelf,
                                messageProgram,
                                reason,
                                normalizedPath));
            }
            return out;
        }

        private final Map<List<CelType>, CelCompiler> compilers = new HashMap<>();

        /** A compiler with {@code self} and {@code oldSelf}; one per pair of types. */
        private CelCompiler withVars(CelType self, CelType oldSelf) {
            return compilers.computeIfAbsent(
                    List.of(self, oldSelf),
                    k ->
                            base.toCompilerBuilder()
                                    .addVar("self", self)
                                    .addVar("oldSelf", oldSelf)
                                    .build());
        }

        private CelAbstractSyntaxTree compileExpr(
                CelCompiler compiler, String expr, String at, String prefix) {
            CelValidationResult r;
            try {
                r = compiler.compile(expr);
            } catch (RuntimeException e) {
                errors.add(FieldError.invalid(at, expr, prefix + e.getMessage()));
                return null;
            }
            if (r.hasError()) {
                errors.add(FieldError.invalid(at, expr, prefix + r.getErrorString()));
                return null;
            }
            try {
                return r.getAst();
            } catch (Exception e) {
                errors.add(FieldError.invalid(at, expr, prefix + e.getMessage()));
                return null;
            }
        }

        private CelRuntime.Program program(CelAbstractSyntaxTree ast, String at, String expr) {
            try {
                return RUNTIME.createProgram(ast);
            } catch (CelEvaluationException | RuntimeException e) {
                errors.add(FieldError.invalid(at, expr, "compilation failed: " + e.getMessage()));
                return null;
            }
        }

        private static boolean usesOldSelf(CelAbstractSyntaxTree ast) {
            for (CelReference ref : ast.getReferenceMap().values()) {
                if (ref.name().equals("oldSelf")) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Evaluates every rule against {@code object} ({@code oldObjectOrNull} on update: transition
     * rules run only then, unless {@code optionalOldSelf}). Errors are Kubernetes': {@code spec.x:
     * Invalid value: "object": <message>}; rules above the root are reported at {@code <nil>}, as
     * Kubernetes does.
     */
    public List<FieldError> validate(JsonNode object, JsonNode oldObjectOrNull) {
        return validate(object, oldObjectOrNull, RUNTIME_COST_BUDGET);
    }

    /**
     * The rules' errors after the schema's: when schema validation found an error that blocks the
     * rules (a missing required field, an unsupported value, a wrong type, a string or list over
     * its maximum, as the custom resource strategy's {@code hasBlockingErr} decides), the rules are
     * not run and one notice stands for them: {@code <nil>: Invalid value: "null": some validation
     * rules were not checked because the object was invalid; correct the existing errors to
     * complete validation}.
     */
    public List<FieldError> validateAfterSchema(
            List<FieldError> schemaErrors, JsonNode object, JsonNode oldObjectOrNull) {
        if (root == null) {
            return List.of();
        }
        for (FieldError e : schemaErrors) {
            if (BLOCKING.contains(e.type().reason())) {
                return List.of(
                        FieldError.invalid(
                                "<nil>",
                                "null",
                                "some validation rules were not checked because the object was"
                                        + " invalid; correct the existing errors to complete"
                                        + " validation"));
            }
        }
        return validate(object, oldObjectOrNull);
    }

    private static final java.util.Set<String> BLOCKING =
            java.util.Set.of(
                    "FieldValueNotSupported",
                    "FieldValueRequired",
                    "FieldValueTooLong",
                    "FieldValueTooMany",
                    "FieldValueTypeInvalid");

    /** {@link #validate} with another budget for the whole object (tests). */
    List<FieldError> validate(JsonNode object, JsonNode oldObjectOrNull, long budget) {
        if (root == null || object == null) {
            return List.of();
        }
        Object self = CelValues.toCel(object, schema);
        Object old =
                oldObjectOrNull == null
                                || oldObjectOrNull.isNull()
                                || oldObjectOrNull.isMissingNode()
                        ? null
                        : CelValues.toCel(oldObjectOrNull, schema);
        Evaluation ev = new Evaluation(budget);
        ev.walk(root, "", self, old, old != null, false);
        return ev.errors;
    }

    /** The state of one {@link #validate} call: its errors and its remaining cost budget. */
    private static final class Evaluation {
        final List<FieldError> errors = new ArrayList<>();
        long remaining;
        boolean stopped;

        Evaluation(long budget) {
            this.remaining = budget;
        }

        /**
         * @param correlated whether {@code old} is this node's old value (update, correlatable)
         * @param parentUnchanged whether the nearest correlated ancestor is unchanged (ratcheting)
         */
        void walk(
                RuleTree t,
                String path,
                Object value,
                Object old,
                boolean correlated,
                boolean parentUnchanged) {
            if (stopped || value == null || value instanceof NullValue) {
                return;
            }
            if (old instanceof NullValue) {
                old = null;
            }
            boolean unchanged = correlated ? old != null && old.equals(value) : parentUnchanged;
            evaluateRules(t, path, value, old, unchanged);
            if (stopped) {
                return;
            }
            if (value instanceof Map<?, ?> map) {
                Map<?, ?> oldMap = old instanceof Map<?, ?> m ? m : null;
                boolean mapCorrelated = correlated && t.schema().mapCorrelatable;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    String k = (String) e.getKey();
                    Object oldV = mapCorrelated && oldMap != null ? oldMap.get(k) : null;
                    RuleTree child = t.properties().get(k);
                    if (child != null) {
                        walk(child, child(path, k), e.getValue(), oldV, mapCorrelated, unchanged);
                    } else if (t.additionalProperties() != null
                            && !t.schema().properties.containsKey(k)) {
                        walk(
                                t.additionalProperties(),
                                path + "[" + k + "]",
                                e.getValue(),
                                oldV,
                                mapCorrelated,
                                unchanged);
                    }
                    if (stopped) {
                        return;
                    }
                }
            } else if (value instanceof List<?> list && t.items() != null) {
                List<String> keys = t.schema().listMapKeys;
                boolean listCorrelated = correlated && keys != null && old instanceof List<?>;
                Map<List<Object>, Object> oldByKey = new HashMap<>();
                if (listCorrelated) {
                    for (Object o : (List<?>) old) {
                        oldByKey.putIfAbsent(keyOf(o, keys), o);
                    }
                }
                for (int i = 0; i < list.size(); i++) {
                    Object item = list.get(i);
                    Object oldItem = listCorrelated ? oldByKey.get(keyOf(item, keys)) : null;
                    walk(t.items(), path + "[" + i + "]", item, oldItem, listCorrelated, unchanged);
                    if (stopped) {
                        return;
                    }
                }
            }
        }

        private static List<Object> keyOf(Object item, List<String> keys) {
            List<Object> k = new ArrayList<>(keys.size());
            for (String key : keys) {
                k.add(item instanceof Map<?, ?> m ? m.get(key) : null);
            }
            return k;
        }

        private void evaluateRules(
                RuleTree t, String path, Object value, Object old, boolean unchanged) {
            if (t.rules().isEmpty()) {
                return;
            }
            String typeName = t.schema().type;
            if (remaining <= 0) {
                errors.add(
                        FieldError.invalid(
                                at(path),
                                typeName,
                                "validation failed due to running out of cost budget, no further"
                                        + " validation rules will be run"));
                stopped = true;
                return;
            }
            for (Rule rule : t.rules()) {
                if (rule.usesOldSelf() && old == null && !rule.optionalOldSelf()) {
                    continue; // transition rules run only when there is an old value
                }
                Map<String, Object> vars = new HashMap<>();
                vars.put("self", value);
                if (rule.optionalOldSelf()) {
                    vars.put("oldSelf", Optional.ofNullable(old));
                } else if (old != null) {
                    vars.put("oldSelf", old);
                }
                Object result;
                CostListener cost = new CostListener(remaining);
                try {
                    result = rule.program().trace(vars, cost);
                    remaining -= cost.spent;
                } catch (CelEvaluationException | RuntimeException e) {
                    remaining -= cost.spent;
                    CostListener.Exceeded over = CostListener.exceeded(e);
                    if (over != null) {
                        LOG.info(
                                "CEL rule at {} stopped: {} (rule: {})",
                                at(path),
                                over.perCall
                                        ? "per-call cost limit exceeded"
                                        : "object cost budget exhausted",
                                rule.rule());
                        errors.add(
                                FieldError.invalid(
                                        at(path),
                                        typeName,
                                        over.perCall
                                                ? "'operation cancelled: actual cost limit exceeded':"
                                                        + " no further validation rules will be run"
                                                        + " due to call cost exceeds limit for rule: "
                                                        + rule.errorString()
                                                : "validation failed due to running out of cost"
                                                        + " budget, no further validation rules"
                                                        + " will be run"));
                        stopped = true;
                        return;
                    }
                    String msg = evaluationMessage(e);
                    if (msg.toLowerCase(java.util.Locale.ROOT).contains("no matching overload")) {
                        errors.add(
                                FieldError.invalid(
                                        at(path),
                                        typeName,
                                        "'"
                                                + msg
                                                + "': call arguments did not match a supported"
                                                + " operator, function or macro signature for rule: "
                                                + rule.errorString()));
                    } else {
                        errors.add(
                                FieldError.invalid(
                                        at(path),
                                        typeName,
                                        msg + " evaluating rule: " + rule.errorString()));
                    }
                    continue;
                }
                if (Boolean.TRUE.equals(result)) {
                    continue;
                }
                if (!rule.usesOldSelf() && unchanged) {
                    // Ratcheting (CRDValidationRatcheting): an unchanged value keeps passing.
                    continue;
                }
                String errPath = path;
                if (!rule.fieldPath().isEmpty()) {
                    errPath = child(path, rule.fieldPath());
                }
                String detail = null;
                if (rule.messageExpression() != null) {
                    Map<String, Object> mvars = new HashMap<>();
                    mvars.put("self", value);
                    if (old != null) {
                        mvars.put("oldSelf", old);
                    }
                    CostListener mcost = new CostListener(remaining);
                    try {
                        Object m = rule.messageExpression().trace(mvars, mcost);
                        remaining -= mcost.spent;
                        if (m instanceof String s) {
                            String trimmed = s.strip();
                            if (!trimmed.isEmpty()
                                    && !trimmed.contains("\n")
                                    && trimmed.getBytes(java.nio.charset.StandardCharsets.UTF_8)
                                                    .length
                                            <= MAX_MESSAGE_EXPRESSION_BYTES) {
                                detail = trimmed;
                            }
                        }
                    } catch (CelEvaluationException | RuntimeException e) {
                        remaining -= mcost.spent;
                        if (CostListener.exceeded(e) != null) {
                            errors.add(
                                    FieldError.invalid(
                                            at(errPath),
                                            typeName,
                                            "messageExpression evaluation failed due to running out"
                                                    + " of cost budget, no further validation"
                                                    + " rules will be run"));
                            stopped = true;
                            return;
                        }
                        // fall back to message or rule, as Kubernetes does
                    }
                }
                if (detail == null) {
                    detail =
                            rule.message() != null && !rule.message().isBlank()
                                    ? rule.message().strip()
                                    : "failed rule: " + rule.errorString();
                }
                errors.add(forReason(rule.reason(), at(errPath), typeName, detail));
            }
        }
    }

    private static FieldError forReason(
            FieldError.Type reason, String path, String typeName, String detail) {
        return switch (reason) {
            case FORBIDDEN -> FieldError.forbidden(path, detail);
            case REQUIRED -> FieldError.required(path, detail);
            case DUPLICATE -> FieldError.duplicate(path, typeName);
            default -> FieldError.invalid(path, typeName, detail);
        };
    }

    private static final java.util.regex.Pattern LOCATION =
            java.util.regex.Pattern.compile("^evaluation error(?: at [^:]*:\\d+)?: ");

    private static final java.util.regex.Pattern MISSING_KEY =
            java.util.regex.Pattern.compile("^key '(.*)' is not present in map\\.?$");

    /**
     * dev.cel's runtime error in cel-go's words where they differ only in wording ({@code division
     * by zero}, {@code no such key: k}), without dev.cel's source location prefix.
     */
    static String evaluationMessage(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isEmpty()) {
            return e.getClass().getSimpleName();
        }
        m = LOCATION.matcher(m).replaceFirst("");
        if (m.equals("/ by zero")) {
            return "division by zero";
        }
        if (m.equals("% by zero")) {
            return "modulus by zero";
        }
        java.util.regex.Matcher k = MISSING_KEY.matcher(m);
        if (k.matches()) {
            return "no such key: " + k.group(1);
        }
        return m;
    }

    /** Kubernetes' {@code field.Path} rendering: the root path is {@code <nil>}. */
    private static String at(String path) {
        return path.isEmpty() ? "<nil>" : path;
    }

    private static String child(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
