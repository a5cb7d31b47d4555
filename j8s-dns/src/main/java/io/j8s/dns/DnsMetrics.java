package io.j8s.dns;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The cluster DNS's meters (on the server's {@code /metrics}): Prometheus shows them as {@code
 * j8s_dns_requests_total{type,proto}}, {@code j8s_dns_responses_total{rcode}}, {@code
 * j8s_dns_request_duration_seconds} (a histogram), {@code j8s_dns_forwards_total{result}}, {@code
 * j8s_dns_forwards_in_flight} and {@code j8s_dns_services}.
 */
public final class DnsMetrics {
    public static final String REQUESTS = "j8s.dns.requests";
    public static final String RESPONSES = "j8s.dns.responses";
    public static final String REQUEST_DURATION = "j8s.dns.request.duration";
    public static final String FORWARDS = "j8s.dns.forwards";
    public static final String FORWARDS_IN_FLIGHT = "j8s.dns.forwards.in.flight";
    public static final String SERVICES = "j8s.dns.services";

    /** Query types counted by name; any other is {@code other} (the tag stays bounded). */
    private static final Set<String> TYPES =
            Set.of("A", "AAAA", "SRV", "PTR", "CNAME", "TXT", "SOA", "NS", "MX", "ANY");

    private final MeterRegistry registry;
    private final Timer duration;

    public DnsMetrics(MeterRegistry registry, AtomicInteger inFlight, Supplier<Number> services) {
        this.registry = registry;
        this.duration =
                Timer.builder(REQUEST_DURATION)
                        .description("Time from a query's arrival to its answer")
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofNanos(10_000))
                        .maximumExpectedValue(Duration.ofSeconds(5))
                        .register(registry);
        Gauge.builder(FORWARDS_IN_FLIGHT, inFlight, AtomicInteger::get)
                .strongReference(true)
                .description("Queries forwarded to the upstream resolvers and not answered yet")
                .register(registry);
        Gauge.builder(SERVICES, services, s -> s.get().doubleValue())
                .strongReference(true)
                .description("Services the cluster DNS serves")
                .register(registry);
    }

    void request(DnsRecordType type, String proto) {
        String name = TYPES.contains(type.name()) ? type.name() : "other";
        Counter.builder(REQUESTS)
                .description("DNS queries received")
                .tag("type", name)
                .tag("proto", proto)
                .register(registry)
                .increment();
    }

    void response(DnsResponseCode rcode, long nanos) {
        Counter.builder(RESPONSES)
                .description("DNS responses sent")
                .tag("rcode", rcodeName(rcode))
                .register(registry)
                .increment();
        duration.record(Duration.ofNanos(nanos));
    }

    /** {@code result}: ok, timeout, error or overloaded. */
    void forward(String result) {
        Counter.builder(FORWARDS)
                .description("Queries forwarded to the upstream resolvers")
                .tag("result", result)
                .register(registry)
                .increment();
    }

    private static String rcodeName(DnsResponseCode code) {
        return switch (code.intValue()) {
            case 0 -> "NOERROR";
            case 1 -> "FORMERR";
            case 2 -> "SERVFAIL";
            case 3 -> "NXDOMAIN";
            case 4 -> "NOTIMP";
            case 5 -> "REFUSED";
            default -> "other";
        };
    }
}
