package io.j8s.node.runtime;

import java.util.Map;
import java.util.function.Function;

/**
 * Kubernetes' {@code $(VAR)} expansion, as the kubelet applies it to {@code command}, {@code args}
 * and env values:
 *
 * <ul>
 *   <li>{@code $(NAME)} becomes the value of NAME when NAME is defined, and stays {@code $(NAME)}
 *       verbatim when it is not;
 *   <li>{@code $$} is an escaped {@code $}: {@code $$(NAME)} becomes the literal {@code $(NAME)};
 *   <li>a {@code $} followed by anything else, a trailing {@code $}, and an unclosed {@code $(} are
 *       kept as written.
 * </ul>
 *
 * Pure and thread-safe.
 */
public final class EnvExpansion {

    private EnvExpansion() {}

    /** Expands references against a map of defined variables. */
    public static String expand(String input, Map<String, String> vars) {
        return expand(input, name -> vars.containsKey(name) ? vars.get(name) : "$(" + name + ")");
    }

    /** Expands references using {@code mapping} for every well-formed {@code $(NAME)}. */
    public static String expand(String input, Function<String, String> mapping) {
        if (input == null || input.indexOf('$') < 0) {
            return input;
        }
        StringBuilder out = new StringBuilder(input.length());
        int n = input.length();
        int i = 0;
        while (i < n) {
            char c = input.charAt(i);
            if (c != '$' || i + 1 >= n) {
                out.append(c);
                i++;
                continue;
            }
            char next = input.charAt(i + 1);
            if (next == '$') {
                out.append('$'); // escaped operator
                i += 2;
            } else if (next == '(') {
                int close = input.indexOf(')', i + 2);
                if (close < 0) {
                    out.append("$("); // incomplete reference: kept, scanning resumes after the '('
                    i += 2;
                } else {
                    out.append(mapping.apply(input.substring(i + 2, close)));
                    i = close + 1;
                }
            } else {
                out.append('$').append(next); // not an expression
                i += 2;
            }
        }
        return out.toString();
    }
}
