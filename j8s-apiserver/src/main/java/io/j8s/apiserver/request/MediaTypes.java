package io.j8s.apiserver.request;

import io.j8s.apiserver.errors.ApiException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Content negotiation: which representation an {@code Accept} header asks for. */
public final class MediaTypes {
    public static final String JSON = "application/json";
    public static final String YAML = "application/yaml";
    public static final String TABLE_V1 = "application/json;as=Table;v=v1;g=meta.k8s.io";
    public static final String TABLE_V1BETA1 = "application/json;as=Table;v=v1beta1;g=meta.k8s.io";
    public static final String DISCOVERY_V2 =
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
    public static final String DISCOVERY_V2BETA1 =
            "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";
    public static final String JSON_PATCH = "application/json-patch+json";
    public static final String MERGE_PATCH = "application/merge-patch+json";
    public static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
    public static final String APPLY_PATCH = "application/apply-patch+yaml";

    /** A representation the server can produce. */
    public enum Format {
        JSON,
        YAML,
        TABLE_V1,
        TABLE_V1BETA1,
        METADATA,
        DISCOVERY_V2,
        DISCOVERY_V2BETA1
    }

    /** What a request may be answered with. */
    public record Allowed(boolean table, boolean discovery, boolean metadata) {
        public static final Allowed OBJECTS = new Allowed(true, false, true);
        public static final Allowed PLAIN = new Allowed(false, false, false);
        public static final Allowed DISCOVERY = new Allowed(false, true, false);
    }

    private MediaTypes() {}

    /**
     * The first acceptable representation in {@code accept} (header order; clients list their
     * preference first). Protobuf is not produced: a client that also takes JSON gets JSON, and so
     * does one that names only protobuf (Kubernetes clients decode by Content-Type).
     *
     * <p>A malformed header (an entry without a type, such as {@code ;;;}) names nothing
     * acceptable, and an entry with {@code q=0} is refused by the client: as in Kubernetes'
     * negotiation both are 406.
     *
     * @throws ApiException 406 when nothing acceptable is named
     */
    public static Format negotiate(String accept, Allowed allowed) {
        if (accept == null || accept.isBlank()) {
            return Format.JSON;
        }
        boolean onlyUnsupported = true;
        for (String entry : accept.split(",", -1)) {
            String[] parts = entry.split(";", -1);
            String type = parts[0].trim().toLowerCase(Locale.ROOT);
            Map<String, String> params = new HashMap<>();
            for (int i = 1; i < parts.length; i++) {
                String[] kv = parts[i].trim().split("=", 2);
                if (kv.length == 2) {
                    params.put(kv[0].trim(), kv[1].trim());
                }
            }
            if (refused(params.get("q"))) {
                onlyUnsupported = false;
                continue;
            }
            String as = params.get("as");
            String g = params.get("g");
            String v = params.get("v");
            switch (type) {
                case "application/json", "*/*", "application/*" -> {
                    if (as == null) {
                        return Format.JSON;
                    }
                    if (allowed.table() && as.equals("Table") && "meta.k8s.io".equals(g)) {
                        if ("v1".equals(v)) {
                            return Format.TABLE_V1;
                        }
                        if ("v1beta1".equals(v)) {
                            return Format.TABLE_V1BETA1;
                        }
                    }
                    if (allowed.metadata()
                            && as.startsWith("PartialObjectMetadata")
                            && "meta.k8s.io".equals(g)) {
                        return Format.METADATA;
                    }
                    if (allowed.discovery()
                            && as.equals("APIGroupDiscoveryList")
                            && "apidiscovery.k8s.io".equals(g)) {
                        if ("v2".equals(v)) {
                            return Format.DISCOVERY_V2;
                        }
                        if ("v2beta1".equals(v)) {
                            return Format.DISCOVERY_V2BETA1;
                        }
                    }
                }
                case "application/yaml" -> {
                    if (as == null) {
                        return Format.YAML;
                    }
                }
                case "application/vnd.kubernetes.protobuf",
                        "application/vnd.kubernetes.protobuf;stream=watch" -> {
                    // Not produced; JSON is a valid answer for every Kubernetes client.
                }
                default -> onlyUnsupported = false;
            }
        }
        if (onlyUnsupported) {
            return Format.JSON;
        }
        throw ApiException.notAcceptable(accept);
    }

    /** Whether a quality value is zero ("not acceptable", RFC 9110 12.4.2). */
    private static boolean refused(String q) {
        if (q == null) {
            return false;
        }
        try {
            return Double.parseDouble(q) <= 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The media type without parameters, lower-cased ({@code application/json}). */
    public static String baseType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi))
                .trim()
                .toLowerCase(Locale.ROOT);
    }
}
