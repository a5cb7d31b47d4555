package io.j8s.api.protobuf;

import java.util.List;

/**
 * The protobuf messages of events.k8s.io/v1 ({@code k8s.io/api/events/v1}): Events.
 *
 * <p>Field numbers, JSON names, Go pointers ({@code ?}) and fields without {@code omitempty}
 * ({@code !}) are the facts of Kubernetes 1.32's {@code generated.proto} and Go struct tags; the
 * notation is described in {@link SchemaTable}.
 */
final class EventsV1Schema {
    static final SchemaTable TABLE =
            new SchemaTable(
                    "events",
                    "events.k8s.io/v1",
                    List.of("Event"),
                    """
            Event
              1 metadata meta.ObjectMeta
              2 eventTime meta.MicroTime
              3 series EventSeries?
              4 reportingController string
              5 reportingInstance string
              6 action string
              7 reason string
              8 regarding core.ObjectReference
              9 related core.ObjectReference?
              10 note string
              11 type string
              12 deprecatedSource core.EventSource
              13 deprecatedFirstTimestamp meta.Time
              14 deprecatedLastTimestamp meta.Time
              15 deprecatedCount int32
            EventSeries
              1 count int32!
              2 lastObservedTime meta.MicroTime
            """);

    private EventsV1Schema() {}
}
