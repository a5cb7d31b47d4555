package io.j8s.apiserver.admission;

import io.j8s.api.ResourceType;
import io.j8s.apiserver.http.HttpExchange;
import io.j8s.apiserver.request.RequestInfo;
import tools.jackson.databind.node.ObjectNode;

/**
 * A check every create, update and patch passes before it is stored, seeing the object as it will
 * be written (after patching) and the request it came from (the requesting user, for example).
 * Throws {@link io.j8s.apiserver.errors.ApiException} to refuse. Kubernetes' validating admission
 * plugins are the model; RBAC escalation and node restriction are two.
 */
@FunctionalInterface
public interface WriteAdmission {
    /**
     * @param old the stored object (updates and patches), or null (creates)
     */
    void admit(
            HttpExchange exchange,
            RequestInfo info,
            ResourceType type,
            ObjectNode object,
            ObjectNode old);
}
