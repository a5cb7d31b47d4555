package io.j8s.apiserver.apiextensions.cel;

import static dev.cel.common.CelFunctionDecl.newFunctionDeclaration;
import static dev.cel.common.CelOverloadDecl.newGlobalOverload;
import static dev.cel.common.CelOverloadDecl.newMemberOverload;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.TypeParamType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes CEL libraries that dev.cel does not have: the lists library ({@code isSorted},
 * {@code sum}, {@code min}, {@code max}, {@code indexOf}, {@code lastIndexOf} on lists) and the URL
 * library ({@code url}, {@code isURL}, {@code getScheme}, {@code getHost}, {@code getHostname},
 * {@code getPort}, {@code getEscapedPath}, {@code getQuery}), after
 * k8s.io/apiserver/pkg/cel/library (lists.go, urls.go).
 */
final class KubernetesLibrary {

    private KubernetesLibrary() {}

    static final OpaqueType URL_TYPE = OpaqueType.create("kubernetes.URL");

    static final OpaqueType QUANTITY_TYPE = OpaqueType.create("kubernetes.Quantity");

    /** A parsed URL value. */
    record Url(URI uri) {
        @Override
        public String toString() {
            return uri.toString();
        }
    }

    static List<CelFunctionDecl> declarations() {
        CelType a = TypeParamType.create("A");
        CelType listA = ListType.create(a);
        List<CelFunctionDecl> d = new ArrayList<>();
        d.add(
                newFunctionDeclaration(
                        "isSorted",
                        newMemberOverload("k8s_list_is_sorted", SimpleType.BOOL, listA)));
        d.add(newFunctionDeclaration("sum", newMemberOverload("k8s_list_sum", a, listA)));
        d.add(newFunctionDeclaration("min", newMemberOverload("k8s_list_min", a, listA)));
        d.add(newFunctionDeclaration("max", newMemberOverload("k8s_list_max", a, listA)));
        d.add(
                newFunctionDeclaration(
                        "indexOf",
                        newMemberOverload("k8s_list_index_of", SimpleType.INT, listA, a)));
        d.add(
                newFunctionDeclaration(
                        "lastIndexOf",
                        newMemberOverload("k8s_list_last_index_of", SimpleType.INT, listA, a)));
        d.add(
                newFunctionDeclaration(
                        "url",
                        newGlobalOverload("k8s_string_to_url", URL_TYPE, SimpleType.STRING)));
        d.add(
                newFunctionDeclaration(
                        "isURL",
                        newGlobalOverload(
                                "k8s_is_url_string", SimpleType.BOOL, SimpleType.STRING)));
        for (String f :
                List.of("getScheme", "getHost", "getHostname", "getPort", "getEscapedPath")) {
            d.add(
                    newFunctionDeclaration(
                            f, newMemberOverload("k8s_url_" + f, SimpleType.STRING, URL_TYPE)));
        }
        d.add(
                newFunctionDeclaration(
                        "getQuery",
                        newMemberOverload(
                                "k8s_url_getQuery",
                                MapType.create(
                                        SimpleType.STRING, ListType.create(SimpleType.STRING)),
                                URL_TYPE)));
        d.add(
                newFunctionDeclaration(
                        "find",
                        newMemberOverload(
                                "k8s_string_find",
                                SimpleType.STRING,
                                SimpleType.STRING,
                                SimpleType.STRING)));
        d.add(
                newFunctionDeclaration(
                        "findAll",
                        newMemberOverload(
                                "k8s_string_find_all",
                                ListType.create(SimpleType.STRING),
                                SimpleType.STRING,
                                SimpleType.STRING),
                        newMemberOverload(
                                "k8s_string_find_all_n",
                                ListType.create(SimpleType.STRING),
                                SimpleType.STRING,
                                SimpleType.STRING,
                                SimpleType.INT)));
        CelType q = QUANTITY_TYPE;
        d.add(
                newFunctionDeclaration(
                        "quantity",
                        newGlobalOverload("k8s_string_to_quantity", q, SimpleType.STRING)));
        d.add(
                newFunctionDeclaration(
                        "isQuantity",
                        newGlobalOverload(
                                "k8s_is_quantity_string", SimpleType.BOOL, SimpleType.STRING)));
        d.add(
                newFunctionDeclaration(
                        "sign", newMemberOverload("k8s_quantity_sign", SimpleType.INT, q)));
        d.add(
                newFunctionDeclaration(
                        "isInteger",
                        newMemberOverload("k8s_quantity_is_integer", SimpleType.BOOL, q)));
        d.add(
                newFunctionDeclaration(
                        "asInteger",
                        newMemberOverload("k8s_quantity_as_integer", SimpleType.INT, q)));
        d.add(
                newFunctionDeclaration(
                        "asApproximateFloat",
                        newMemberOverload("k8s_quantity_as_float", SimpleType.DOUBLE, q)));
        d.add(
                newFunctionDeclaration(
                        "add",
                        newMemberOverload("k8s_quantity_add", q, q, q),
                        newMemberOverload("k8s_quantity_add_int", q, q, SimpleType.INT)));
        d.add(
                newFunctionDeclaration(
                        "sub",
                        newMemberOverload("k8s_quantity_sub", q, q, q),
                        newMemberOverload("k8s_quantity_sub_int", q, q, SimpleType.INT)));
        d.add(
                newFunctionDeclaration(
                        "isGreaterThan",
                        newMemberOverload("k8s_quantity_is_greater_than", SimpleType.BOOL, q, q)));
        d.add(
                newFunctionDeclaration(
                        "isLessThan",
                        newMemberOverload("k8s_quantity_is_less_than", SimpleType.BOOL, q, q)));
        d.add(
                newFunctionDeclaration(
                        "compareTo",
                        newMemberOverload("k8s_quantity_compare_to", SimpleType.INT, q, q)));
        return d;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static List<CelFunctionBinding> bindings() {
        List<CelFunctionBinding> b = new ArrayList<>();
        b.add(
                CelFunctionBinding.from(
                        "k8s_list_is_sorted",
                        List.class,
                        (List l) -> {
                            for (int i = 1; i < l.size(); i++) {
                                if (compare(l.get(i - 1), l.get(i)) > 0) {
                                    return false;
                                }
                            }
                            return true;
                        }));
        b.add(CelFunctionBinding.from("k8s_list_sum", List.class, (List l) -> sum(l)));
        b.add(CelFunctionBinding.from("k8s_list_min", List.class, (List l) -> extreme(l, -1)));
        b.add(CelFunctionBinding.from("k8s_list_max", List.class, (List l) -> extreme(l, 1)));
        b.add(
                CelFunctionBinding.from(
                        "k8s_list_index_of",
                        List.class,
                        Object.class,
                        (List l, Object e) -> (long) indexOf(l, e)));
        b.add(
                CelFunctionBinding.from(
                        "k8s_list_last_index_of",
                        List.class,
                        Object.class,
                        (List l, Object e) -> (long) lastIndexOf(l, e)));
        b.add(CelFunctionBinding.from("k8s_string_to_url", String.class, KubernetesLibrary::url));
        b.add(
                CelFunctionBinding.from(
                        "k8s_is_url_string",
                        String.class,
                        (String s) -> {
                            try {
                                url(s);
                                return true;
                            } catch (CelEvaluationException e) {
                                return false;
                            }
                        }));
        b.add(
                CelFunctionBinding.from(
                        "k8s_url_getScheme",
                        Url.class,
                        u -> u.uri().getScheme() == null ? "" : u.uri().getScheme()));
        b.add(CelFunctionBinding.from("k8s_url_getHost", Url.class, KubernetesLibrary::host));
        b.add(
                CelFunctionBinding.from(
                        "k8s_url_getHostname",
                        Url.class,
                        u -> {
                            String h = u.uri().getHost();
                            if (h == null) {
                                return "";
                            }
                            return h.startsWith("[") && h.endsWith("]")
                                    ? h.substring(1, h.length() - 1)
                                    : h;
                        }));
        b.add(
                CelFunctionBinding.from(
                        "k8s_url_getPort",
                        Url.class,
                        u -> u.uri().getPort() < 0 ? "" : Integer.toString(u.uri().getPort())));
        b.add(
                CelFunctionBinding.from(
                        "k8s_url_getEscapedPath",
                        Url.class,
                        u -> u.uri().getRawPath() == null ? "" : u.uri().getRawPath()));
        b.add(CelFunctionBinding.from("k8s_url_getQuery", Url.class, KubernetesLibrary::query));
        b.add(
                CelFunctionBinding.from(
                        "k8s_string_find",
                        String.class,
                        String.class,
                        (String str, String re) -> {
                            com.google.re2j.Matcher m = regex(re).matcher(str);
                            return m.find() ? m.group() : "";
                        }));
        b.add(
                CelFunctionBinding.from(
                        "k8s_string_find_all",
                        String.class,
                        String.class,
                        (String str, String re) -> findAll(str, re, -1)));
        b.add(
                CelFunctionBinding.from(
                        "k8s_string_find_all_n",
                        List.of(String.class, String.class, Long.class),
                        args -> findAll((String) args[0], (String) args[1], (Long) args[2])));
        Class<CelQuantity> q = CelQuantity.class;
        b.add(
                CelFunctionBinding.from(
                        "k8s_string_to_quantity",
                        String.class,
                        (String s) -> {
                            try {
                                return CelQuantity.parse(s);
                            } catch (IllegalArgumentException e) {
                                throw new CelEvaluationException(e.getMessage());
                            }
                        }));
        b.add(
                CelFunctionBinding.from(
                        "k8s_is_quantity_string", String.class, CelQuantity::isQuantity));
        b.add(CelFunctionBinding.from("k8s_quantity_sign", q, CelQuantity::sign));
        b.add(CelFunctionBinding.from("k8s_quantity_is_integer", q, CelQuantity::isInteger));
        b.add(
                CelFunctionBinding.from(
                        "k8s_quantity_as_integer",
                        q,
                        x -> {
                            try {
                                return x.asInteger();
                            } catch (ArithmeticException e) {
                                throw new CelEvaluationException(e.getMessage());
                            }
                        }));
        b.add(CelFunctionBinding.from("k8s_quantity_as_float", q, CelQuantity::asApproximateFloat));
        b.add(CelFunctionBinding.from("k8s_quantity_add", q, q, CelQuantity::add));
        b.add(
                CelFunctionBinding.from(
                        "k8s_quantity_add_int",
                        q,
                        Long.class,
                        (x, n) -> x.add(new CelQuantity(java.math.BigDecimal.valueOf(n)))));
        b.add(CelFunctionBinding.from("k8s_quantity_sub", q, q, CelQuantity::sub));
        b.add(
                CelFunctionBinding.from(
                        "k8s_quantity_sub_int",
                        q,
                        Long.class,
                        (x, n) -> x.sub(new CelQuantity(java.math.BigDecimal.valueOf(n)))));
        b.add(
                CelFunctionBinding.from(
                        "k8s_quantity_is_greater_than", q, q, (x, y) -> x.compareTo(y) > 0));
        b.add(
                CelFunctionBinding.from(
                        "k8s_quantity_is_less_than", q, q, (x, y) -> x.compareTo(y) < 0));
        b.add(
                CelFunctionBinding.from(
                        "k8s_quantity_compare_to", q, q, (x, y) -> (long) x.compareTo(y)));
        return b;
    }

    /** RE2 syntax, linear-time matching (re2j, as dev.cel's own {@code matches}). */
    private static com.google.re2j.Pattern regex(String re) throws CelEvaluationException {
        try {
            return com.google.re2j.Pattern.compile(re);
        } catch (com.google.re2j.PatternSyntaxException e) {
            throw new CelEvaluationException("invalid regular expression: " + e.getMessage());
        }
    }

    /** The regex library's {@code findAll}: at most {@code limit} matches (all when negative). */
    private static List<String> findAll(String str, String re, long limit)
            throws CelEvaluationException {
        List<String> out = new ArrayList<>();
        if (limit == 0) {
            return out;
        }
        com.google.re2j.Matcher m = regex(re).matcher(str);
        while (m.find()) {
            out.add(m.group());
            if (limit > 0 && out.size() >= limit) {
                break;
            }
            if (m.end() == m.start() && m.end() >= str.length()) {
                break;
            }
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * {@code url()}: an absolute URI or an absolute path, as Go's {@code url.ParseRequestURI}
     * accepts.
     */
    static Url url(String s) throws CelEvaluationException {
        try {
            URI u = new URI(s);
            if (!u.isAbsolute() && !s.startsWith("/")) {
                throw new CelEvaluationException("URL is not absolute: " + s);
            }
            if (u.isOpaque()) {
                throw new CelEvaluationException("URL is not hierarchical: " + s);
            }
            return new Url(u);
        } catch (URISyntaxException e) {
            throw new CelEvaluationException(
                    "URL parse error during conversion from string: " + e.getMessage());
        }
    }

    private static String host(Url u) {
        String h = u.uri().getHost();
        if (h == null) {
            return u.uri().getRawAuthority() == null ? "" : u.uri().getRawAuthority();
        }
        return u.uri().getPort() < 0 ? h : h + ":" + u.uri().getPort();
    }

    private static Map<String, List<String>> query(Url u) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String q = u.uri().getRawQuery();
        if (q == null || q.isEmpty()) {
            return out;
        }
        for (String part : q.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String k = eq < 0 ? part : part.substring(0, eq);
            String v = eq < 0 ? "" : part.substring(eq + 1);
            k = java.net.URLDecoder.decode(k, java.nio.charset.StandardCharsets.UTF_8);
            v = java.net.URLDecoder.decode(v, java.nio.charset.StandardCharsets.UTF_8);
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        out.replaceAll((k, v) -> Collections.unmodifiableList(v));
        return Collections.unmodifiableMap(out);
    }

    private static Object sum(List<?> l) throws CelEvaluationException {
        if (l.isEmpty()) {
            return 0L;
        }
        if (l.get(0) instanceof Double) {
            double s = 0;
            for (Object o : l) {
                s += number(o).doubleValue();
            }
            return s;
        }
        long s = 0;
        for (Object o : l) {
            if (!(o instanceof Long n)) {
                throw new CelEvaluationException("sum: no such overload for element " + o);
            }
            try {
                s = Math.addExact(s, n);
            } catch (ArithmeticException e) {
                throw new CelEvaluationException("integer overflow");
            }
        }
        return s;
    }

    private static Object extreme(List<?> l, int sign) throws CelEvaluationException {
        if (l.isEmpty()) {
            throw new CelEvaluationException((sign < 0 ? "min" : "max") + " called on empty list");
        }
        Object best = l.get(0);
        for (Object o : l) {
            if (compare(o, best) * sign > 0) {
                best = o;
            }
        }
        return best;
    }

    private static int indexOf(List<?> l, Object e) throws CelEvaluationException {
        for (int i = 0; i < l.size(); i++) {
            if (celEquals(l.get(i), e)) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(List<?> l, Object e) throws CelEvaluationException {
        for (int i = l.size() - 1; i >= 0; i--) {
            if (celEquals(l.get(i), e)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean celEquals(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.doubleValue() == y.doubleValue();
        }
        return a.equals(b);
    }

    private static Number number(Object o) throws CelEvaluationException {
        if (o instanceof Number n) {
            return n;
        }
        throw new CelEvaluationException("no such overload: element is not a number: " + o);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compare(Object a, Object b) throws CelEvaluationException {
        if (a instanceof Long x && b instanceof Long y) {
            return Long.compare(x, y);
        }
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        if (a instanceof String x && b instanceof String y) {
            return x.compareTo(y);
        }
        if (a instanceof Boolean x && b instanceof Boolean y) {
            return Boolean.compare(x, y);
        }
        if (a != null && b != null && a.getClass() == b.getClass() && a instanceof Comparable c) {
            return c.compareTo(b);
        }
        throw new CelEvaluationException(
                "no such overload: cannot compare "
                        + (a == null ? "null" : a.getClass().getSimpleName())
                        + " and "
                        + (b == null ? "null" : b.getClass().getSimpleName()));
    }
}
