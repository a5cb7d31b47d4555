package io.j8s.apiserver.apiextensions.schema;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Base64;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The string formats Kubernetes checks in custom resources (apiextensions-apiserver {@code
 * validation/formats.go} keeps the formats of kube-openapi's {@code strfmt.Default} registry and
 * drops every other format). Unknown formats and the numeric formats ({@code int32}, {@code int64},
 * {@code float}, {@code double}) check nothing on strings.
 */
final class Formats {

    private Formats() {}

    /**
     * The string formats Kubernetes keeps in CRD schemas (normalized: without dashes, so {@code
     * date-time} is {@code datetime}); {@code password} accepts every string.
     */
    static final Set<String> SUPPORTED =
            Set.of(
                    "bsonobjectid",
                    "uri",
                    "email",
                    "hostname",
                    "ipv4",
                    "ipv6",
                    "cidr",
                    "mac",
                    "uuid",
                    "uuid3",
                    "uuid4",
                    "uuid5",
                    "isbn",
                    "isbn10",
                    "isbn13",
                    "creditcard",
                    "ssn",
                    "hexcolor",
                    "rgbcolor",
                    "byte",
                    "password",
                    "date",
                    "duration",
                    "datetime",
                    "quantity",
                    "k8sshortname",
                    "k8slongname");

    private static final Pattern HOSTNAME =
            Pattern.compile(
                    "^([a-zA-Z0-9\\p{S}\\p{L}]((-?[a-zA-Z0-9\\p{S}\\p{L}]{0,62})?)|([a-zA-Z0-9\\p{S}\\p{L}](([a-zA-Z0-9-\\p{S}\\p{L}]{0,61}[a-zA-Z0-9\\p{S}\\p{L}])?)(\\.)){1,}([a-zA-Z\\p{L}]){2,63})$");
    private static final Pattern UUID =
            Pattern.compile(
                    "(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$");
    private static final Pattern UUID3 =
            Pattern.compile(
                    "(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$");
    private static final Pattern UUID4 =
            Pattern.compile(
                    "(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$");
    private static final Pattern UUID5 =
            Pattern.compile(
                    "(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$");
    private static final Pattern ISBN10 = Pattern.compile("^(?:[0-9]{9}X|[0-9]{10})$");
    private static final Pattern ISBN13 = Pattern.compile("^(?:[0-9]{13})$");
    private static final Pattern SSN = Pattern.compile("^\\d{3}[- ]?\\d{2}[- ]?\\d{4}$");
    private static final Pattern HEXCOLOR = Pattern.compile("^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$");
    private static final Pattern RGBCOLOR =
            Pattern.compile(
                    "^rgb\\(\\s*(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])\\s*,\\s*(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])\\s*,\\s*(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])\\s*\\)$");
    private static final Pattern EMAIL =
            Pattern.compile("^[^@\\s<>()\\[\\],;:\"]+@[^@\\s<>()\\[\\],;:\"]+$");
    private static final Pattern BSON = Pattern.compile("^[0-9a-fA-F]{24}$");
    private static final Pattern MAC =
            Pattern.compile(
                    "^([0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){5}|[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){7}|[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){19}|[0-9a-fA-F]{4}(\\.[0-9a-fA-F]{4}){2}|[0-9a-fA-F]{4}(\\.[0-9a-fA-F]{4}){3}|[0-9a-fA-F]{4}(\\.[0-9a-fA-F]{4}){9})$");
    // strfmt's RFC 3339 layouts: a date, 'T' (or a space), a time with optional fraction, a zone
    private static final Pattern DATE_TIME =
            Pattern.compile(
                    "^(\\d{4})-(\\d{2})-(\\d{2})[Tt ](\\d{2}):(\\d{2}):(\\d{2})(\\.\\d+)?([Zz]|[+-]\\d{2}:?\\d{2})?$");
    private static final Pattern STRFMT_DURATION =
            Pattern.compile(
                    "^(\\s*[-+]?\\d+\\s*(ns|us|µs|ms|s|m|h|d|w|nanoseconds?|microseconds?|milliseconds?|seconds?|minutes?|hours?|days?|weeks?|sec|secs|min|mins|hr|hrs))+\\s*$");
    private static final Pattern GO_DURATION =
            Pattern.compile("^[-+]?(0|((\\d+(\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h))+)$");
    // apimachinery resource.ParseQuantity's grammar: a signed decimal and a suffix
    private static final Pattern QUANTITY =
            Pattern.compile(
                    "^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$");
    private static final Pattern K8S_SHORT_NAME =
            Pattern.compile("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");
    private static final Pattern K8S_LONG_NAME =
            Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(ResolverStyle.STRICT);

    /** Whether {@code value} is valid in {@code format}; true for formats not checked. */
    static boolean valid(String format, String value) {
        return switch (format.replace("-", "")) {
            case "bsonobjectid" -> BSON.matcher(value).matches();
            case "uri" -> uri(value);
            case "email" -> EMAIL.matcher(value).matches();
            case "hostname" -> value.length() <= 255 && HOSTNAME.matcher(value).matches();
            case "ipv4" -> NetFormats.isIpv4(value);
            case "ipv6" -> NetFormats.isIpv6(value);
            case "cidr" -> NetFormats.isCidr(value);
            case "mac" -> MAC.matcher(value).matches();
            case "uuid" -> UUID.matcher(value).matches();
            case "uuid3" -> UUID3.matcher(value).matches();
            case "uuid4" -> UUID4.matcher(value).matches();
            case "uuid5" -> UUID5.matcher(value).matches();
            case "isbn" -> isbn10(value) || isbn13(value);
            case "isbn10" -> isbn10(value);
            case "isbn13" -> isbn13(value);
            case "creditcard" -> creditCard(value);
            case "ssn" -> SSN.matcher(value).matches();
            case "hexcolor" -> HEXCOLOR.matcher(value).matches();
            case "rgbcolor" -> RGBCOLOR.matcher(value).matches();
            case "byte" -> base64(value);
            case "date" -> date(value);
            case "datetime" -> dateTime(value);
            case "quantity" -> QUANTITY.matcher(value).matches();
            case "k8sshortname" -> K8S_SHORT_NAME.matcher(value).matches();
            case "k8slongname" -> value.length() <= 253 && K8S_LONG_NAME.matcher(value).matches();
            case "duration" ->
                    GO_DURATION.matcher(value).matches()
                            || STRFMT_DURATION.matcher(value).matches();
            default -> true;
        };
    }

    private static boolean uri(String v) {
        // Go's url.Parse accepts almost anything; it rejects control characters and bad escapes
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return false;
            }
            if (c == '%'
                    && (i + 2 >= v.length()
                            || Character.digit(v.charAt(i + 1), 16) < 0
                            || Character.digit(v.charAt(i + 2), 16) < 0)) {
                return false;
            }
        }
        return true;
    }

    private static boolean base64(String v) {
        try {
            Base64.getDecoder().decode(v);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean date(String v) {
        try {
            LocalDate.parse(v, DATE);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static boolean dateTime(String v) {
        var m = DATE_TIME.matcher(v);
        if (!m.matches()) {
            return false;
        }
        if (!date(m.group(1) + "-" + m.group(2) + "-" + m.group(3))) {
            return false;
        }
        int h = Integer.parseInt(m.group(4));
        int min = Integer.parseInt(m.group(5));
        int s = Integer.parseInt(m.group(6));
        return h < 24 && min < 60 && s < 60;
    }

    private static boolean isbn10(String v) {
        String s = v.replace("-", "").replace(" ", "");
        if (!ISBN10.matcher(s).matches()) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            sum += (s.charAt(i) - '0') * (i + 1);
        }
        char last = s.charAt(9);
        sum += last == 'X' ? 100 : (last - '0') * 10;
        return sum % 11 == 0;
    }

    private static boolean isbn13(String v) {
        String s = v.replace("-", "").replace(" ", "");
        if (!ISBN13.matcher(s).matches()) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < 12; i++) {
            sum += (s.charAt(i) - '0') * (i % 2 == 0 ? 1 : 3);
        }
        return (10 - sum % 10) % 10 == s.charAt(12) - '0';
    }

    private static boolean creditCard(String v) {
        String s = v.replaceAll("[ -]", "");
        if (!s.matches("\\d{12,19}")) {
            return false;
        }
        int sum = 0;
        boolean dbl = false;
        for (int i = s.length() - 1; i >= 0; i--) {
            int d = s.charAt(i) - '0';
            if (dbl) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            dbl = !dbl;
        }
        return sum % 10 == 0;
    }
}
