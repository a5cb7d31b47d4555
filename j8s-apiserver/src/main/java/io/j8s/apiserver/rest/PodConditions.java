package io.j8s.apiserver.rest;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Setting a Pod condition in place, keeping its transition time when the status does not change.
 */
final class PodConditions {
    private PodConditions() {}

    static void set(
            ObjectNode pod, String type, String status, String reason, String message, String now) {
        ObjectNode podStatus =
                pod.has("status") && pod.get("status").isObject()
                        ? (ObjectNode) pod.get("status")
                        : pod.putObject("status");
        ArrayNode conditions =
                podStatus.get("conditions") instanceof ArrayNode a
                        ? a
                        : podStatus.putArray("conditions");
        ObjectNode condition = null;
        for (JsonNode c : conditions) {
            if (type.equals(c.path("type").asString(""))) {
                condition = (ObjectNode) c;
            }
        }
        if (condition == null) {
            condition = conditions.addObject();
            condition.put("type", type);
        }
        if (!status.equals(condition.path("status").asString(""))) {
            condition.put("lastTransitionTime", now);
        }
        condition.put("status", status);
        condition.putNull("lastProbeTime");
        if (reason != null) {
            condition.put("reason", reason);
        }
        if (message != null) {
            condition.put("message", message);
        }
    }
}
