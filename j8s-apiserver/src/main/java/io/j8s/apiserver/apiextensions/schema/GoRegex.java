package io.j8s.apiserver.apiextensions.schema;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Kubernetes compiles {@code pattern} with Go's {@code regexp} (RE2 syntax). This class reads RE2
 * syntax and compiles the equivalent {@link java.util.regex.Pattern}, rejecting what Go rejects
 * (backreferences, lookaround, possessive and atomic groups, repeat counts over 1000, unknown
 * escapes) and translating what Java reads differently: {@code $} without {@code (?m)} matches only
 * at the end of the text, {@code \s} is {@code [\t\n\f\r ]}, {@code \v} is a vertical tab, {@code
 * \a} is BEL, octal escapes, {@code (?P<name>}, a literal {@code [} and {@code &&} inside a class,
 * {@code [[:alpha:]]} classes, script names in {@code \p{Greek}}, {@code \b} on ASCII word
 * characters. {@code .} does not match {@code \n} only (as in Go). Matching is bounded by a step
 * budget ({@link #matches}), since Java's backtracking engine, unlike RE2, can take exponential
 * time.
 */
final class GoRegex {

    /** The most character reads one match may do before it fails with {@link BudgetExceeded}. */
    static final long MATCH_BUDGET = 2_000_000;

    // Go's \b and \B look at ASCII word characters only; Java's look at Unicode letters and digits
    private static final String WORD = "[0-9A-Za-z_]";
    private static final String WORD_BOUNDARY =
            "(?:(?<=" + WORD + ")(?!" + WORD + ")|(?<!" + WORD + ")(?=" + WORD + "))";
    private static final String NOT_WORD_BOUNDARY =
            "(?:(?<=" + WORD + ")(?=" + WORD + ")|(?<!" + WORD + ")(?!" + WORD + "))";

    private GoRegex() {}

    /** A pattern Go's regexp.Compile would reject; the message is Go's. */
    static final class SyntaxException extends Exception {
        SyntaxException(String message) {
            super(message);
        }
    }

    /** Thrown by {@link #matches} when the match took more steps than the budget allows. */
    static final class BudgetExceeded extends RuntimeException {
        BudgetExceeded() {
            super("regular expression evaluation exceeded its budget", null, false, false);
        }
    }

    static Pattern compile(String re2) throws SyntaxException {
        String java = translate(re2);
        try {
            return Pattern.compile(java, Pattern.UNIX_LINES | Pattern.UNICODE_CASE);
        } catch (PatternSyntaxException e) {
            throw new SyntaxException(
                    "error parsing regexp: " + e.getDescription() + ": `" + re2 + "`");
        }
    }

    /** Go's {@code regexp.MatchString}: an unanchored search. */
    static boolean matches(Pattern p, String s) {
        Matcher m = p.matcher(new BudgetedChars(s, new long[] {MATCH_BUDGET}));
        return m.find();
    }

    static String translate(String re) throws SyntaxException {
        boolean multiline = re.contains("(?m") || re.matches("(?s).*\\(\\?[a-zA-Z]*m.*");
        StringBuilder out = new StringBuilder(re.length() + 16);
        int i = 0;
        int n = re.length();
        boolean inClass = false;
        int classStart = -1;
        while (i < n) {
            char c = re.charAt(i);
            if (c == '\\') {
                if (i + 1 >= n) {
                    throw err("trailing backslash at end of expression", "");
                }
                i = escape(re, i, inClass, out);
                continue;
            }
            if (inClass) {
                if (c == ']' && i > classStart) {
                    inClass = false;
                    out.append(']');
                } else if (c == '[' && re.startsWith("[:", i)) {
                    int end = re.indexOf(":]", i + 2);
                    if (end < 0) {
                        out.append("\\[");
                    } else {
                        out.append(posix(re.substring(i + 2, end), re));
                        i = end + 2;
                        continue;
                    }
                } else if (c == '[') {
                    out.append("\\[");
                } else if (c == '&') {
                    out.append("\\&");
                } else {
                    out.append(c);
                }
                i++;
                continue;
            }
            switch (c) {
                case '[' -> {
                    inClass = true;
                    out.append('[');
                    i++;
                    if (i < n && re.charAt(i) == '^') {
                        out.append('^');
                        i++;
                    }
                    // a ']' right after '[' or '[^' is a literal in Go
                    if (i < n && re.charAt(i) == ']') {
                        out.append("\\]");
                        i++;
                    }
                    classStart = i;
                    continue;
                }
                case '$' -> out.append(multiline ? "$" : "\\z");
                case '(' -> {
                    if (re.startsWith("(?P<", i)) {
                        out.append("(?<");
                        i += 4;
                        continue;
                    }
                    if (re.startsWith("(?=", i)
                            || re.startsWith("(?!", i)
                            || re.startsWith("(?<=", i)
                            || re.startsWith("(?<!", i)
                            || re.startsWith("(?>", i)) {
                        int len = re.startsWith("(?<", i) ? 4 : 3;
                        throw err("invalid or unsupported Perl syntax", re.substring(i, i + len));
                    }
                    if (re.startsWith("(?", i) && !re.startsWith("(?<", i)) {
                        int j = i + 2;
                        while (j < n && re.charAt(j) != ')' && re.charAt(j) != ':') {
                            char f = re.charAt(j);
                            if (f != 'i' && f != 'm' && f != 's' && f != '-') {
                                throw err(
                                        "invalid or unsupported Perl syntax",
                                        re.substring(i, Math.min(n, j + 1)));
                            }
                            j++;
                        }
                    }
                    out.append('(');
                }
                case '{' -> {
                    int end = re.indexOf('}', i);
                    String body = end > 0 ? re.substring(i + 1, end) : "";
                    if (end > 0 && body.matches("\\d+(,\\d*)?")) {
                        for (String part : body.split(",")) {
                            if (!part.isEmpty()
                                    && (part.length() > 4 || Integer.parseInt(part) > 1000)) {
                                throw err("invalid repeat count", re.substring(i, end + 1));
                            }
                        }
                        out.append(re, i, end + 1);
                        i = end + 1;
                        if (i < n && re.charAt(i) == '?') {
                            out.append('?');
                            i++;
                        }
                        checkNestedRepeat(re, i);
                        continue;
                    }
                    // not a repeat: a literal brace in Go
                    out.append("\\{");
                }
                case '}' -> out.append("\\}");
                case '*', '+', '?' -> {
                    out.append(c);
                    i++;
                    if (i < n && re.charAt(i) == '?') {
                        out.append('?');
                        i++;
                    }
                    checkNestedRepeat(re, i);
                    continue;
                }
                default -> out.append(c);
            }
            i++;
        }
        if (inClass) {
            throw err("missing closing ]", re.substring(Math.max(0, classStart - 1)));
        }
        return out.toString();
    }

    private static void checkNestedRepeat(String re, int i) throws SyntaxException {
        if (i < re.length()) {
            char c = re.charAt(i);
            if (c == '*' || c == '+' || c == '?') {
                throw err(
                        "invalid nested repetition operator",
                        re.substring(Math.max(0, i - 1), i + 1));
            }
        }
    }

    private static int escape(String re, int i, boolean inClass, StringBuilder out)
            throws SyntaxException {
        char e = re.charAt(i + 1);
        switch (e) {
            case 'a' -> out.append("\\x07");
            case 'f', 't', 'n', 'r', 'd', 'D', 'w', 'W' -> out.append('\\').append(e);
            case 'v' -> out.append("\\x0B");
            case 's' -> out.append(inClass ? "\\t\\n\\f\\r " : "[\\t\\n\\f\\r ]");
            case 'S' ->
                    out.append(
                            inClass
                                    ? "\\x00-\\x08\\x0B\\x0E-\\x1F\\x21-\\x{10FFFF}"
                                    : "[^\\t\\n\\f\\r ]");
            case 'b', 'B', 'A', 'z' -> {
                if (inClass) {
                    throw err("invalid escape sequence", "\\" + e);
                }
                if (e == 'b') {
                    out.append(WORD_BOUNDARY);
                } else if (e == 'B') {
                    out.append(NOT_WORD_BOUNDARY);
                } else {
                    out.append('\\').append(e);
                }
            }
            case 'Q' -> {
                int end = re.indexOf("\\E", i + 2);
                String lit = end < 0 ? re.substring(i + 2) : re.substring(i + 2, end);
                out.append(Pattern.quote(lit));
                return end < 0 ? re.length() : end + 2;
            }
            case 'x' -> {
                if (i + 2 < re.length() && re.charAt(i + 2) == '{') {
                    int end = re.indexOf('}', i);
                    if (end < 0) {
                        throw err("invalid escape sequence", re.substring(i));
                    }
                    out.append(re, i, end + 1);
                    return end + 1;
                }
                if (i + 3 < re.length() + 0 && isHex(re, i + 2) && isHex(re, i + 3)) {
                    out.append(re, i, i + 4);
                    return i + 4;
                }
                throw err("invalid escape sequence", re.substring(i, Math.min(re.length(), i + 4)));
            }
            case 'p', 'P' -> {
                if (i + 2 < re.length() && re.charAt(i + 2) == '{') {
                    int end = re.indexOf('}', i);
                    if (end < 0) {
                        throw err("invalid character class range", re.substring(i));
                    }
                    String name = re.substring(i + 3, end);
                    boolean negate = name.startsWith("^");
                    if (negate) {
                        name = name.substring(1);
                    }
                    char kind = negate ? (e == 'p' ? 'P' : 'p') : e;
                    boolean category = name.length() <= 2 && !name.equals("Any");
                    if (name.equals("Any")) {
                        out.append(kind == 'p' ? "[\\x{0}-\\x{10FFFF}]" : "[^\\x{0}-\\x{10FFFF}]");
                    } else {
                        out.append('\\').append(kind).append('{');
                        out.append(category ? name : "Is" + name).append('}');
                    }
                    return end + 1;
                }
                out.append(re, i, Math.min(re.length(), i + 3));
                return i + 3;
            }
            case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                int j = i + 1;
                int end = j;
                while (end < re.length()
                        && end < j + 3
                        && re.charAt(end) >= '0'
                        && re.charAt(end) <= '7') {
                    end++;
                }
                if (e != '0' && end == j + 1) {
                    // Go: a single non-zero digit would be a backreference
                    throw err("invalid escape sequence", re.substring(i, i + 2));
                }
                int code = Integer.parseInt(re.substring(j, end), 8);
                out.append(String.format("\\x{%x}", code));
                return end;
            }
            default -> {
                if (e < 0x80 && !Character.isLetterOrDigit(e)) {
                    // escaped punctuation is the literal character
                    out.append('\\').append(e);
                } else {
                    throw err("invalid escape sequence", "\\" + e);
                }
            }
        }
        return i + 2;
    }

    private static boolean isHex(String s, int i) {
        return i < s.length() && Character.digit(s.charAt(i), 16) >= 0;
    }

    private static String posix(String name, String re) throws SyntaxException {
        boolean negate = name.startsWith("^");
        String n = negate ? name.substring(1) : name;
        String cls =
                switch (n) {
                    case "alnum" -> "\\p{Alnum}";
                    case "alpha" -> "\\p{Alpha}";
                    case "ascii" -> "\\p{ASCII}";
                    case "blank" -> "\\p{Blank}";
                    case "cntrl" -> "\\p{Cntrl}";
                    case "digit" -> "\\p{Digit}";
                    case "graph" -> "\\p{Graph}";
                    case "lower" -> "\\p{Lower}";
                    case "print" -> "\\p{Print}";
                    case "punct" -> "\\p{Punct}";
                    case "space" -> "\\p{Space}";
                    case "upper" -> "\\p{Upper}";
                    case "word" -> "\\w";
                    case "xdigit" -> "\\p{XDigit}";
                    default -> throw err("invalid character class range", "[:" + name + ":]");
                };
        if (negate) {
            return cls.startsWith("\\p") ? "\\P" + cls.substring(2) : "\\W";
        }
        return cls;
    }

    private static SyntaxException err(String code, String expr) {
        return new SyntaxException("error parsing regexp: " + code + ": `" + expr + "`");
    }

    /** A CharSequence that fails a match once it has been read too often. */
    private static final class BudgetedChars implements CharSequence {
        private final String s;
        private final long[] budget;

        BudgetedChars(String s, long[] budget) {
            this.s = s;
            this.budget = budget;
        }

        @Override
        public int length() {
            return s.length();
        }

        @Override
        public char charAt(int index) {
            if (--budget[0] < 0) {
                throw new BudgetExceeded();
            }
            return s.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new BudgetedChars(s.substring(start, end), budget);
        }

        @Override
        public String toString() {
            return s;
        }
    }
}
