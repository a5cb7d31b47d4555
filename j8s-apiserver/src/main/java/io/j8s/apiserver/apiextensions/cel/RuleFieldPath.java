package io.j8s.apiserver.apiextensions.cel;

/**
 * A rule's {@code fieldPath}, checked against the schema and turned into the field-path suffix of
 * its errors, as Kubernetes' {@code ValidFieldPath} does: {@code .foo.bar}, {@code .foo['a.b']},
 * {@code ['key']}; a named field must be declared, a key must be in a map.
 */
final class RuleFieldPath {

    private RuleFieldPath() {}

    /** Thrown with the reason a path is invalid, worded as Kubernetes words it. */
    static final class InvalidPathException extends Exception {
        InvalidPathException(String message) {
            super(message, null, false, false);
        }
    }

    /** The normalized path ({@code foo.bar}, {@code foo[key]}), to append to a node's path. */
    static String normalize(String jsonPath, SchemaNode schema) throws InvalidPathException {
        StringBuilder out = new StringBuilder();
        int i = 0;
        int n = jsonPath.length();
        while (i < n) {
            char c = jsonPath.charAt(i);
            if (c == '.') {
                i++;
                int start = i;
                while (i < n && jsonPath.charAt(i) != '.' && jsonPath.charAt(i) != '[') {
                    if (jsonPath.charAt(i) == ']') {
                        break;
                    }
                    i++;
                }
                if (start == i) {
                    if (i >= n) {
                        throw new InvalidPathException("unexpected end of JSON path");
                    }
                    throw new InvalidPathException(
                            "expected [ or . but got: " + jsonPath.charAt(i));
                }
                schema = append(out, jsonPath.substring(start, i), schema);
            } else if (c == '[') {
                i++;
                if (i >= n) {
                    throw new InvalidPathException("unexpected end of JSON path");
                }
                if (jsonPath.charAt(i) != '\'') {
                    int end = jsonPath.indexOf(']', i);
                    String tok = end < 0 ? jsonPath.substring(i) : jsonPath.substring(i, end);
                    throw new InvalidPathException("expected single quoted string but got " + tok);
                }
                int j = i + 1;
                StringBuilder key = new StringBuilder();
                boolean closed = false;
                while (j < n) {
                    char d = jsonPath.charAt(j);
                    if (d == '\\' && j + 1 < n) {
                        char e = jsonPath.charAt(j + 1);
                        switch (e) {
                            case 'a' -> key.append('\u0007');
                            case 'b' -> key.append('\b');
                            case 'f' -> key.append('\f');
                            case 'n' -> key.append('\n');
                            case 'r' -> key.append('\r');
                            case 't' -> key.append('\t');
                            case 'v' -> key.append('\u000b');
                            case '\'' -> key.append('\'');
                            case '\\' -> key.append('\\');
                            default ->
                                    throw new InvalidPathException(
                                            "invalid string literal: invalid escape char \\" + e);
                        }
                        j += 2;
                        continue;
                    }
                    if (d == '\'') {
                        closed = true;
                        break;
                    }
                    key.append(d);
                    j++;
                }
                if (!closed) {
                    throw new InvalidPathException("unexpected end of JSON path");
                }
                i = j + 1;
                schema = append(out, key.toString(), schema);
                if (i >= n) {
                    throw new InvalidPathException("unexpected end of JSON path");
                }
                if (jsonPath.charAt(i) != ']') {
                    throw new InvalidPathException("expected ] but got " + jsonPath.charAt(i));
                }
                i++;
            } else {
                int end = i;
                while (end < n && ".[]".indexOf(jsonPath.charAt(end)) < 0) {
                    end++;
                }
                throw new InvalidPathException(
                        "expected [ or . but got: "
                                + (end == i ? String.valueOf(c) : jsonPath.substring(i, end)));
            }
        }
        return out.toString();
    }

    private static SchemaNode append(StringBuilder out, String name, SchemaNode schema)
            throws InvalidPathException {
        if (!schema.properties.isEmpty()) {
            SchemaNode child = schema.properties.get(name);
            if (out.length() > 0) {
                out.append('.');
            }
            out.append(name);
            if (child == null) {
                throw new InvalidPathException("does not refer to a valid field");
            }
            return child;
        }
        if (schema.additionalProperties != null) {
            out.append('[').append(name).append(']');
            return schema.additionalProperties;
        }
        throw new InvalidPathException("does not refer to a valid field");
    }
}
