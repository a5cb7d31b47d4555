package io.j8s.api.protobuf;

import java.util.List;

/**
 * The protobuf messages of discovery.k8s.io/v1 ({@code k8s.io/api/discovery/v1}): EndpointSlices.
 *
 * <p>Field numbers, JSON names, Go pointers ({@code ?}) and fields without {@code omitempty}
 * ({@code !}) are the facts of Kubernetes 1.32's {@code generated.proto} and Go struct tags; the
 * notation is described in {@link SchemaTable}.
 */
final class DiscoveryV1Schema {
    static final SchemaTable TABLE =
            new SchemaTable(
                    "discovery",
                    "discovery.k8s.io/v1",
                    List.of("EndpointSlice"),
                    """
            Endpoint
              1 addresses []string!
              2 conditions EndpointConditions
              3 hostname string?
              4 targetRef core.ObjectReference?
              5 deprecatedTopology map<string>
              6 nodeName string?
              7 zone string?
              8 hints EndpointHints?
            EndpointConditions
              1 ready bool?
              2 serving bool?
              3 terminating bool?
            EndpointHints
              1 forZones []ForZone
            EndpointPort
              1 name string?
              2 protocol string?
              3 port int32?
              4 appProtocol string?
            EndpointSlice
              1 metadata meta.ObjectMeta
              4 addressType string!
              2 endpoints []Endpoint!
              3 ports []EndpointPort!
            ForZone
              1 name string!
            """);

    private DiscoveryV1Schema() {}
}
