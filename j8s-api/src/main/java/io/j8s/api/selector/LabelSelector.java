package io.j8s.api.selector;

import io.j8s.api.json.Json;
import io.j8s.api.selector.Requirement.Operator;
import io.j8s.api.validation.FieldError;
import io.j8s.api.validation.NameRules;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * A label selector: the {@code labelSelector} query parameter syntax of Kubernetes ({@code
 * app=nginx,tier!=db,env in (a,b),!canary}) or a {@code metav1.LabelSelector} (matchLabels and
 * matchExpressions). A selector is a conjunction of {@link Requirement}s, kept sorted by key as
 * Kubernetes does. Immutable and thread safe.
 */
public final class LabelSelector {

    private static final LabelSelector EVERYTHING = new LabelSelector(List.of(), false);
    private static final LabelSelector NOTHING = new LabelSelector(List.of(), true);

    private final List<Requirement> requirements;
    private final boolean nothing;

    private LabelSelector(List<Requirement> requirements, boolean nothing) {
        List<Requirement> sorted = new ArrayList<>(requirements);
        sorted.sort(Comparator.comparing(Requirement::key));
        this.requirements = List.copyOf(sorted);
        this.nothing = nothing;
    }

    /** Matches every object. */
    public static LabelSelector everything() {
        return EVERYTHING;
    }

    /** Matches no object (what a null {@code metav1.LabelSelector} means). */
    public static LabelSelector nothing() {
        return NOTHING;
    }

    /** A selector of the given terms. */
    public static LabelSelector of(List<Requirement> requirements) {
        return requirements.isEmpty() ? EVERYTHING : new LabelSelector(requirements, false);
    }

    /** {@code key=value} for every entry (a Service's {@code spec.selector}). */
    public static LabelSelector fromMap(Map<String, String> labels) {
        List<Requirement> reqs = new ArrayList<>();
        labels.forEach((k, v) -> reqs.add(new Requirement(k, Operator.EQUALS, List.of(v))));
        return of(reqs);
    }

    /**
     * Parses the query-parameter syntax.
     *
     * @throws SelectorException worded as Kubernetes' {@code labels.Parse} errors
     */
    public static LabelSelector parse(String selector) {
        if (selector == null) {
            return EVERYTHING;
        }
        return of(new Parser(selector).parse());
    }

    /**
     * {@code metav1.LabelSelectorAsSelector} of a JSON {@code LabelSelector}: null or JSON null
     * matches nothing, an empty selector matches everything.
     *
     * @throws SelectorException for an unknown operator or invalid keys/values
     */
    public static LabelSelector fromMatchLabelsAndExpressions(JsonNode selector) {
        if (selector == null || selector.isNull() || selector.isMissingNode()) {
            return NOTHING;
        }
        List<Requirement> reqs = new ArrayList<>();
        for (Map.Entry<String, String> e : Json.stringMap(selector, "matchLabels").entrySet()) {
            reqs.add(newRequirement(e.getKey(), Operator.EQUALS, List.of(e.getValue())));
        }
        for (JsonNode expr : Json.elements(selector, "matchExpressions")) {
            String op = Json.str(expr, "operator");
            Operator operator =
                    switch (op) {
                        case "In" -> Operator.IN;
                        case "NotIn" -> Operator.NOT_IN;
                        case "Exists" -> Operator.EXISTS;
                        case "DoesNotExist" -> Operator.DOES_NOT_EXIST;
                        default ->
                                throw new SelectorException(
                                        "\"" + op + "\" is not a valid label selector operator");
                    };
            reqs.add(
                    newRequirement(
                            Json.str(expr, "key"), operator, Json.stringList(expr, "values")));
        }
        return of(reqs);
    }

    /**
     * The same, from a fabric8 {@code LabelSelector} (read directly, without a JSON round trip: the
     * controllers call it for every object they match).
     */
    public static LabelSelector fromMatchLabelsAndExpressions(
            io.fabric8.kubernetes.api.model.LabelSelector selector) {
        if (selector == null) {
            return NOTHING;
        }
        List<Requirement> reqs = new ArrayList<>();
        if (selector.getMatchLabels() != null) {
            for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
                reqs.add(
                        newRequirement(
                                e.getKey(),
                                Operator.EQUALS,
                                List.of(e.getValue() == null ? "" : e.getValue())));
            }
        }
        if (selector.getMatchExpressions() != null) {
            for (io.fabric8.kubernetes.api.model.LabelSelectorRequirement expr :
                    selector.getMatchExpressions()) {
                String op = expr.getOperator();
                Operator operator =
                        switch (op == null ? "" : op) {
                            case "In" -> Operator.IN;
                            case "NotIn" -> Operator.NOT_IN;
                            case "Exists" -> Operator.EXISTS;
                            case "DoesNotExist" -> Operator.DOES_NOT_EXIST;
                            default ->
                                    throw new SelectorException(
                                            "\""
                                                    + op
                                                    + "\" is not a valid label selector operator");
                        };
                reqs.add(
                        newRequirement(
                                expr.getKey(),
                                operator,
                                expr.getValues() == null ? List.of() : expr.getValues()));
            }
        }
        return of(reqs);
    }

    /**
     * Whether {@code labels} contain every pair of {@code set}, a map selector as Services and
     * ReplicationControllers have ({@code labels.SelectorFromSet(set).Matches(labels)}): an empty
     * or null map matches everything, so callers decide what "no selector" means. Allocates
     * nothing.
     */
    public static boolean matchesSet(Map<String, String> set, Map<String, String> labels) {
        if (set == null || set.isEmpty()) {
            return true;
        }
        Map<String, String> actual = labels == null ? Map.of() : labels;
        for (Map.Entry<String, String> e : set.entrySet()) {
            if (!e.getValue().equals(actual.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a {@code metav1.LabelSelector} is {@code {}}: not null, without matchLabels and
     * matchExpressions. It selects everything, which workload controllers refuse.
     */
    public static boolean isEmpty(io.fabric8.kubernetes.api.model.LabelSelector selector) {
        return selector != null
                && (selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
                && (selector.getMatchExpressions() == null
                        || selector.getMatchExpressions().isEmpty());
    }

    /** Whether the labels satisfy every term. */
    public boolean matches(Map<String, String> labels) {
        if (nothing) {
            return false;
        }
        Map<String, String> l = labels == null ? Map.of() : labels;
        for (Requirement r : requirements) {
            if (!r.matches(l)) {
                return false;
            }
        }
        return true;
    }

    /** Whether an object's {@code metadata.labels} satisfy every term. */
    public boolean matchesObject(JsonNode object) {
        return matches(Json.stringMap(object, "metadata.labels"));
    }

    public boolean isEverything() {
        return !nothing && requirements.isEmpty();
    }

    public boolean isNothing() {
        return nothing;
    }

    public List<Requirement> requirements() {
        return requirements;
    }

    /** Kubernetes' {@code Selector.String()}: terms joined by commas, {@code ""} for everything. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        for (Requirement r : requirements) {
            parts.add(r.toString());
        }
        return String.join(",", parts);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelSelector other
                && other.nothing == nothing
                && other.requirements.equals(requirements);
    }

    @Override
    public int hashCode() {
        return requirements.hashCode() * 31 + (nothing ? 1 : 0);
    }

    /** {@code labels.FormatLabels}: {@code a=b,c=d} sorted by key, {@code <none>} when empty. */
    public static String formatLabels(Map<String, String> labels) {
        if (labels == null || labels.isEmpty()) {
            return "<none>";
        }
        List<String> parts = new ArrayList<>();
        new TreeMap<>(labels).forEach((k, v) -> parts.add(k + "=" + v));
        return String.join(",", parts);
    }

    /**
     * {@code metav1.FormatLabelSelector}: the selector's string, {@code <none>} or {@code <error>}.
     */
    public static String formatLabelSelector(JsonNode selector) {
        try {
            String s = fromMatchLabelsAndExpressions(selector).toString();
            return s.isEmpty() ? "<none>" : s;
        } catch (SelectorException e) {
            return "<error>";
        }
    }

    // ------------------------------------------------------------- validation

    /** {@code labels.NewRequirement}: validates key and values, sorts and de-duplicates values. */
    static Requirement newRequirement(String key, Operator op, List<String> vals) {
        List<String> errs = new ArrayList<>();
        String keyErr = validateLabelKey(key, "key");
        if (keyErr != null) {
            errs.add(keyErr);
        }
        switch (op) {
            case IN, NOT_IN -> {
                if (vals.isEmpty()) {
                    errs.add(
                            FieldError.invalid(
                                            "values",
                                            vals,
                                            "for 'in', 'notin' operators, values set can't be empty")
                                    .toString());
                }
            }
            case EQUALS, DOUBLE_EQUALS, NOT_EQUALS -> {
                if (vals.size() != 1) {
                    errs.add(
                            FieldError.invalid(
                                            "values",
                                            vals,
                                            "exact-match compatibility requires one single value")
                                    .toString());
                }
            }
            case EXISTS, DOES_NOT_EXIST -> {
                if (!vals.isEmpty()) {
                    errs.add(
                            FieldError.invalid(
                                            "values",
                                            vals,
                                            "values set must be empty for exists and does not exist")
                                    .toString());
                }
            }
            case GREATER_THAN, LESS_THAN -> {
                if (vals.size() != 1) {
                    errs.add(
                            FieldError.invalid(
                                            "values",
                                            vals,
                                            "for 'Gt', 'Lt' operators, exactly one value is required")
                                    .toString());
                }
                for (int i = 0; i < vals.size(); i++) {
                    try {
                        Long.parseLong(vals.get(i));
                    } catch (NumberFormatException e) {
                        errs.add(
                                FieldError.invalid(
                                                "values[" + i + "]",
                                                vals.get(i),
                                                "for 'Gt', 'Lt' operators, the value must be an integer")
                                        .toString());
                    }
                }
            }
        }
        for (int i = 0; i < vals.size(); i++) {
            List<String> msgs = NameRules.labelValue(vals.get(i));
            if (!msgs.isEmpty()) {
                errs.add(
                        FieldError.invalid(
                                        "values[" + i + "]", vals.get(i), String.join("; ", msgs))
                                .toString());
            }
        }
        if (errs.size() == 1) {
            throw new SelectorException(errs.get(0));
        } else if (errs.size() > 1) {
            throw new SelectorException("[" + String.join(", ", errs) + "]");
        }
        return new Requirement(key, op, new ArrayList<>(new TreeSet<>(vals)));
    }

    /** Null when valid; else {@code <path>: Invalid value: "k": <reasons>}. */
    static String validateLabelKey(String key, String path) {
        List<String> msgs = NameRules.qualifiedName(key);
        if (msgs.isEmpty()) {
            return null;
        }
        return FieldError.invalid(path, key, String.join("; ", msgs)).toString();
    }

    // ------------------------------------------------------------- parser

    private enum Tok {
        ERROR,
        EOS,
        CLOSED_PAR,
        COMMA,
        DOES_NOT_EXIST,
        DOUBLE_EQUALS,
        EQUALS,
        GREATER_THAN,
        IDENTIFIER,
        IN,
        LESS_THAN,
        NOT_EQUALS,
        NOT_IN,
        OPEN_PAR
    }

    private record Item(Tok tok, String literal) {}

    /** A port of {@code labels.Parser}: a lexer plus a recursive-descent parser. */
    private static final class Parser {
        private final List<Item> items = new ArrayList<>();
        private int pos;

        Parser(String input) {
            lex(input);
        }

        private static boolean isWhitespace(char c) {
            return c == ' ' || c == '\t' || c == '\r' || c == '\n';
        }

        private static boolean isSpecial(char c) {
            return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
        }

        private void lex(String s) {
            int i = 0;
            while (true) {
                while (i < s.length() && isWhitespace(s.charAt(i))) {
                    i++;
                }
                if (i >= s.length()) {
                    items.add(new Item(Tok.EOS, ""));
                    return;
                }
                char c = s.charAt(i);
                if (isSpecial(c)) {
                    int start = i;
                    while (i < s.length() && isSpecial(s.charAt(i))) {
                        String candidate = s.substring(start, i + 1);
                        if (specialToken(candidate) == null) {
                            break;
                        }
                        i++;
                    }
                    String lit = s.substring(start, i);
                    Tok t = specialToken(lit);
                    if (t == null) {
                        items.add(new Item(Tok.ERROR, s.substring(start, start + 1)));
                        items.add(new Item(Tok.EOS, ""));
                        return;
                    }
                    items.add(new Item(t, lit));
                } else {
                    int start = i;
                    while (i < s.length()
                            && !isSpecial(s.charAt(i))
                            && !isWhitespace(s.charAt(i))) {
                        i++;
                    }
                    String lit = s.substring(start, i);
                    Tok t =
                            switch (lit) {
                                case "in" -> Tok.IN;
                                case "notin" -> Tok.NOT_IN;
                                default -> Tok.IDENTIFIER;
                            };
                    items.add(new Item(t, lit));
                }
            }
        }

        private static Tok specialToken(String s) {
            return switch (s) {
                case ")" -> Tok.CLOSED_PAR;
                case "," -> Tok.COMMA;
                case "!" -> Tok.DOES_NOT_EXIST;
                case "==" -> Tok.DOUBLE_EQUALS;
                case "=" -> Tok.EQUALS;
                case ">" -> Tok.GREATER_THAN;
                case "<" -> Tok.LESS_THAN;
                case "!=" -> Tok.NOT_EQUALS;
                case "(" -> Tok.OPEN_PAR;
                default -> null;
            };
        }

        /** In the Values context, the keywords in/notin are identifiers. */
        private Item lookahead(boolean values) {
            Item it = items.get(Math.min(pos, items.size() - 1));
            if (values && (it.tok() == Tok.IN || it.tok() == Tok.NOT_IN)) {
                return new Item(Tok.IDENTIFIER, it.literal());
            }
            return it;
        }

        private Item consume(boolean values) {
            Item it = lookahead(values);
            if (pos < items.size() - 1) {
                pos++;
            }
            return it;
        }

        List<Requirement> parse() {
            List<Requirement> reqs = new ArrayList<>();
            while (true) {
                Item it = lookahead(true);
                switch (it.tok()) {
                    case IDENTIFIER, DOES_NOT_EXIST -> {
                        try {
                            reqs.add(parseRequirement());
                        } catch (SelectorException e) {
                            throw new SelectorException(
                                    "unable to parse requirement: " + e.getMessage());
                        }
                        Item t = consume(true);
                        if (t.tok() == Tok.EOS) {
                            return reqs;
                        } else if (t.tok() == Tok.COMMA) {
                            Item t2 = lookahead(true);
                            if (t2.tok() != Tok.IDENTIFIER && t2.tok() != Tok.DOES_NOT_EXIST) {
                                throw new SelectorException(
                                        "found '"
                                                + t2.literal()
                                                + "', expected: identifier after ','");
                            }
                        } else {
                            throw new SelectorException(
                                    "found '"
                                            + t.literal()
                                            + "', expected: ',' or 'end of string'");
                        }
                    }
                    case EOS -> {
                        return reqs;
                    }
                    default ->
                            throw new SelectorException(
                                    "found '"
                                            + it.literal()
                                            + "', expected: !, identifier, or 'end of string'");
                }
            }
        }

        private Requirement parseRequirement() {
            Operator op = null;
            Item it = consume(true);
            if (it.tok() == Tok.DOES_NOT_EXIST) {
                op = Operator.DOES_NOT_EXIST;
                it = consume(true);
            }
            if (it.tok() != Tok.IDENTIFIER) {
                throw new SelectorException("found '" + it.literal() + "', expected: identifier");
            }
            String key = it.literal();
            String keyErr = validateLabelKey(key, "<nil>");
            if (keyErr != null) {
                throw new SelectorException(keyErr);
            }
            Tok next = lookahead(true).tok();
            if (next == Tok.EOS || next == Tok.COMMA) {
                if (op != Operator.DOES_NOT_EXIST) {
                    op = Operator.EXISTS;
                }
            }
            if (op == Operator.EXISTS || op == Operator.DOES_NOT_EXIST) {
                return newRequirement(key, op, List.of());
            }
            op = parseOperator();
            List<String> values =
                    switch (op) {
                        case IN, NOT_IN -> parseValues();
                        default -> parseExactValue();
                    };
            return newRequirement(key, op, values);
        }

        private Operator parseOperator() {
            Item it = consume(false);
            return switch (it.tok()) {
                case IN -> Operator.IN;
                case EQUALS -> Operator.EQUALS;
                case DOUBLE_EQUALS -> Operator.DOUBLE_EQUALS;
                case GREATER_THAN -> Operator.GREATER_THAN;
                case LESS_THAN -> Operator.LESS_THAN;
                case NOT_IN -> Operator.NOT_IN;
                case NOT_EQUALS -> Operator.NOT_EQUALS;
                default ->
                        throw new SelectorException(
                                "found '"
                                        + it.literal()
                                        + "', expected: in, notin, =, ==, !=, gt, lt");
            };
        }

        private List<String> parseValues() {
            Item it = consume(true);
            if (it.tok() != Tok.OPEN_PAR) {
                throw new SelectorException("found '" + it.literal() + "' expected: '('");
            }
            Item la = lookahead(true);
            switch (la.tok()) {
                case IDENTIFIER, COMMA -> {
                    List<String> s = parseIdentifiersList();
                    if (consume(true).tok() != Tok.CLOSED_PAR) {
                        throw new SelectorException("found '" + la.literal() + "', expected: ')'");
                    }
                    return s;
                }
                case CLOSED_PAR -> {
                    consume(true);
                    return List.of("");
                }
                default ->
                        throw new SelectorException(
                                "found '" + la.literal() + "', expected: ',', ')' or identifier");
            }
        }

        private List<String> parseIdentifiersList() {
            TreeSet<String> s = new TreeSet<>();
            while (true) {
                Item it = consume(true);
                switch (it.tok()) {
                    case IDENTIFIER -> {
                        s.add(it.literal());
                        Item it2 = lookahead(true);
                        if (it2.tok() == Tok.COMMA) {
                            continue;
                        } else if (it2.tok() == Tok.CLOSED_PAR) {
                            return new ArrayList<>(s);
                        }
                        throw new SelectorException(
                                "found '" + it2.literal() + "', expected: ',' or ')'");
                    }
                    case COMMA -> {
                        if (s.isEmpty()) {
                            s.add("");
                        }
                        Item it2 = lookahead(true);
                        if (it2.tok() == Tok.CLOSED_PAR) {
                            s.add("");
                            return new ArrayList<>(s);
                        }
                        if (it2.tok() == Tok.COMMA) {
                            consume(true);
                            s.add("");
                        }
                    }
                    default ->
                            throw new SelectorException(
                                    "found '" + it.literal() + "', expected: ',', or identifier");
                }
            }
        }

        private List<String> parseExactValue() {
            Item la = lookahead(true);
            if (la.tok() == Tok.EOS || la.tok() == Tok.COMMA) {
                return List.of("");
            }
            Item it = consume(true);
            if (it.tok() == Tok.IDENTIFIER) {
                return List.of(it.literal());
            }
            throw new SelectorException("found '" + it.literal() + "', expected: identifier");
        }
    }
}
