package io.j8s.apiserver.auth.review;

import io.j8s.api.KindStrategy;
import io.j8s.api.ResourceType;
import io.j8s.api.table.TableColumn;
import io.j8s.api.validation.FieldError;
import io.j8s.apiserver.auth.UserInfo;
import io.j8s.apiserver.http.HttpExchange;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * A resource that is only ever created and answered, never stored (Kubernetes' reviews): it appears
 * in discovery with the single verb {@code create}, and a POST to its collection runs {@code
 * handler}. Immutable.
 */
public record CreateOnlyResource(ResourceType type, Handler handler) {

    /** Answers one create, as {@code user} (already authorized to create this resource). */
    @FunctionalInterface
    public interface Handler {
        void create(HttpExchange exchange, String namespace, UserInfo user);
    }

    /** A cluster-scoped create-only resource of {@code group/version}. */
    public static ResourceType type(String group, String version, String kind, String plural) {
        return new ResourceType(
                group,
                version,
                kind,
                plural,
                kind.toLowerCase(java.util.Locale.ROOT),
                false,
                List.of(),
                List.of(),
                Set.of(),
                NotStored.INSTANCE);
    }

    /** The strategy of an object that is never stored: nothing to default, validate or tabulate. */
    private static final class NotStored implements KindStrategy {
        static final NotStored INSTANCE = new NotStored();

        @Override
        public void applyDefaults(ObjectNode object) {}

        @Override
        public List<FieldError> validate(ObjectNode object, ObjectNode old) {
            return List.of();
        }

        @Override
        public Map<String, String> selectableFields(ObjectNode object) {
            return Map.of();
        }

        @Override
        public List<TableColumn> tableColumns() {
            return List.of();
        }

        @Override
        public List<Object> tableCells(ObjectNode object, Instant now) {
            return List.of();
        }
    }
}
