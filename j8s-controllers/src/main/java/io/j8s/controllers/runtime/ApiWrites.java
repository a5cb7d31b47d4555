package io.j8s.controllers.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

/**
 * Counts the writes a controller sends to the API ({@code j8s_controller_writes_total}, tags {@code
 * controller}, {@code verb}, {@code resource}), so tests and operators can check that an unchanged
 * world costs no writes.
 */
public final class ApiWrites {

    private final String controller;
    private final MeterRegistry registry;

    public ApiWrites(String controller, MeterRegistry registry) {
        this.controller = Objects.requireNonNull(controller, "controller");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Records one write; call it just before the request so failed writes count too. */
    public void record(String verb, String resource) {
        Counter.builder("j8s_controller_writes_total")
                .tag("controller", controller)
                .tag("verb", verb)
                .tag("resource", resource)
                .description("Write requests sent to the API")
                .register(registry)
                .increment();
    }

    /** Total writes of this controller so far. */
    public double total() {
        return registry
                .find("j8s_controller_writes_total")
                .tag("controller", controller)
                .counters()
                .stream()
                .mapToDouble(Counter::count)
                .sum();
    }
}
