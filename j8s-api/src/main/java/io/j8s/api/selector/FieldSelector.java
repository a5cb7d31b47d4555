package io.j8s.api.selector;

import io.j8s.api.KindStrategy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A field selector ({@code fieldSelector=metadata.name=x,status.phase!=Running}): a conjunction of
 * {@code field=value}, {@code field==value} and {@code field!=value} terms. Values may escape
 * {@code \,}, {@code \=} and {@code \\}. Terms come in any order (kubectl builds them from a Go
 * map). Immutable and thread safe.
 */
public final class FieldSelector {

    /** One term. */
    public record Term(String field, boolean equals, String value) {
        public boolean matches(Map<String, String> fields) {
            String have = fields.getOrDefault(field, "");
            return equals == have.equals(value);
        }

        @Override
        public String toString() {
            return field + (equals ? "=" : "!=") + escapeValue(value);
        }
    }

    private static final FieldSelector EVERYTHING = new FieldSelector(List.of());

    private final List<Term> terms;

    private FieldSelector(List<Term> terms) {
        this.terms = List.copyOf(terms);
    }

    public static FieldSelector everything() {
        return EVERYTHING;
    }

    /**
     * Parses the query-parameter syntax ({@code fields.ParseSelector}).
     *
     * @throws SelectorException {@code invalid selector: '<s>'; can't understand '<term>'} or an
     *     escape error
     */
    public static FieldSelector parse(String selector) {
        if (selector == null || selector.isEmpty()) {
            return EVERYTHING;
        }
        List<String> parts = splitTerms(selector);
        Collections.sort(parts);
        List<Term> terms = new ArrayList<>();
        for (String part : parts) {
            if (part.isEmpty()) {
                continue;
            }
            String[] split = splitTerm(part);
            if (split == null) {
                throw new SelectorException(
                        "invalid selector: '" + selector + "'; can't understand '" + part + "'");
            }
            String value = unescapeValue(split[2]);
            terms.add(new Term(split[0], !split[1].equals("!="), value));
        }
        return new FieldSelector(terms);
    }

    /** A selector of one {@code field=value} term. */
    public static FieldSelector oneTermEquals(String field, String value) {
        return new FieldSelector(List.of(new Term(field, true, value)));
    }

    public List<Term> terms() {
        return terms;
    }

    public boolean isEverything() {
        return terms.isEmpty();
    }

    /**
     * Whether the object's selectable fields satisfy every term (a missing field is {@code ""}).
     */
    public boolean matches(Map<String, String> fields) {
        for (Term t : terms) {
            if (!t.matches(fields)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether an object of the kind satisfies every term (its {@link
     * KindStrategy#selectableFields}).
     */
    public boolean matchesObject(
            KindStrategy strategy, tools.jackson.databind.node.ObjectNode object) {
        return terms.isEmpty() || matches(strategy.selectableFields(object));
    }

    /** The value an {@code field=value} term requires, if any ({@code metadata.name} lookups). */
    public String requiredValue(String field) {
        for (Term t : terms) {
            if (t.equals() && t.field().equals(field)) {
                return t.value();
            }
        }
        return null;
    }

    /**
     * The first field this kind cannot select on, worded as the real apiserver's 400 message; null
     * when every field is supported.
     */
    public String unsupportedField(KindStrategy strategy) {
        for (Term t : terms) {
            String err = strategy.checkFieldLabel(t.field());
            if (err != null) {
                return err;
            }
        }
        return null;
    }

    /**
     * Throws when a field is not supported by the kind.
     *
     * @throws SelectorException with {@link #unsupportedField}'s message
     */
    public void validateFor(KindStrategy strategy) {
        String err = unsupportedField(strategy);
        if (err != null) {
            throw new SelectorException(err);
        }
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        for (Term t : terms) {
            parts.add(t.toString());
        }
        return String.join(",", parts);
    }

    /** {@code fields.EscapeValue}. */
    public static String escapeValue(String s) {
        return s.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=");
    }

    /** {@code fields.UnescapeValue}. */
    static String unescapeValue(String s) {
        if (s.indexOf('\\') < 0 && s.indexOf(',') < 0 && s.indexOf('=') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        boolean inSlash = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inSlash) {
                if (c == '\\' || c == ',' || c == '=') {
                    b.append(c);
                } else {
                    throw new SelectorException(
                            "invalid field selector: invalid escape sequence: \\" + c);
                }
                inSlash = false;
                continue;
            }
            if (c == '\\') {
                inSlash = true;
            } else if (c == ',' || c == '=') {
                throw new SelectorException(
                        "invalid field selector: unescaped character in value: " + (int) c);
            } else {
                b.append(c);
            }
        }
        if (inSlash) {
            throw new SelectorException("invalid field selector: invalid escape sequence: \\");
        }
        return b.toString();
    }

    /** Splits on commas that are not escaped. */
    private static List<String> splitTerms(String s) {
        List<String> terms = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean escaped = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (escaped) {
                escaped = false;
                cur.append(c);
            } else if (c == '\\') {
                escaped = true;
                cur.append(c);
            } else if (c == ',') {
                terms.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        terms.add(cur.toString());
        return terms;
    }

    /**
     * lhs, operator, rhs at the first operator ({@code !=}, {@code ==}, {@code =}); null when none.
     */
    private static String[] splitTerm(String term) {
        for (int i = 0; i < term.length(); i++) {
            for (String op : new String[] {"!=", "==", "="}) {
                if (term.startsWith(op, i)) {
                    return new String[] {term.substring(0, i), op, term.substring(i + op.length())};
                }
            }
        }
        return null;
    }
}
