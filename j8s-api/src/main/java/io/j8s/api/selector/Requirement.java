package io.j8s.api.selector;

import java.util.List;
import java.util.Map;

/**
 * One term of a label selector: a key, an operator and (for {@code in}/{@code notin}/equality)
 * values. Immutable.
 *
 * @param values sorted and de-duplicated, as Kubernetes keeps them
 */
public record Requirement(String key, Operator operator, List<String> values) {

    /** Selector operators with their textual forms. */
    public enum Operator {
        IN("in"),
        NOT_IN("notin"),
        EQUALS("="),
        DOUBLE_EQUALS("=="),
        NOT_EQUALS("!="),
        EXISTS("exists"),
        DOES_NOT_EXIST("!"),
        GREATER_THAN("gt"),
        LESS_THAN("lt");

        private final String text;

        Operator(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    public Requirement {
        values = List.copyOf(values);
    }

    /** Whether the labels satisfy this term ({@code Requirement.Matches}). */
    public boolean matches(Map<String, String> labels) {
        switch (operator) {
            case IN, EQUALS, DOUBLE_EQUALS:
                return labels.containsKey(key) && values.contains(labels.get(key));
            case NOT_IN, NOT_EQUALS:
                return !labels.containsKey(key) || !values.contains(labels.get(key));
            case EXISTS:
                return labels.containsKey(key);
            case DOES_NOT_EXIST:
                return !labels.containsKey(key);
            case GREATER_THAN, LESS_THAN:
                if (!labels.containsKey(key) || values.size() != 1) {
                    return false;
                }
                long have;
                long want;
                try {
                    have = Long.parseLong(labels.get(key));
                    want = Long.parseLong(values.get(0));
                } catch (NumberFormatException e) {
                    return false;
                }
                return operator == Operator.GREATER_THAN ? have > want : have < want;
            default:
                return false;
        }
    }

    /** The term as Kubernetes prints it: {@code a=b}, {@code a in (x,y)}, {@code !a}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        if (operator == Operator.DOES_NOT_EXIST) {
            b.append('!');
        }
        b.append(key);
        switch (operator) {
            case EQUALS -> b.append('=');
            case DOUBLE_EQUALS -> b.append("==");
            case NOT_EQUALS -> b.append("!=");
            case IN -> b.append(" in ");
            case NOT_IN -> b.append(" notin ");
            case GREATER_THAN -> b.append('>');
            case LESS_THAN -> b.append('<');
            case EXISTS, DOES_NOT_EXIST -> {
                return b.toString();
            }
        }
        if (operator == Operator.IN || operator == Operator.NOT_IN) {
            b.append('(').append(String.join(",", values)).append(')');
        } else {
            b.append(String.join(",", values));
        }
        return b.toString();
    }
}
