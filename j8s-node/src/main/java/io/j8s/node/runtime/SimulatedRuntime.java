package io.j8s.node.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Runs nothing: an instance is running from the moment it starts and ends, with exit code 0, the
 * moment it is stopped. An instance is three small objects and no thread, so one process can host
 * hundreds of thousands (kwok-style scale tests). Exec probes succeed. Thread-safe.
 */
public final class SimulatedRuntime implements ContainerRuntime {

    private final Clock clock;

    public SimulatedRuntime(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "simulated";
    }

    @Override
    public ContainerInstance start(ContainerLaunch launch) {
        return new Simulated(launch, clock.instant());
    }

    private final class Simulated extends AbstractContainerInstance {
        Simulated(ContainerLaunch launch, Instant startedAt) {
            super(launch, startedAt);
        }

        @Override
        public void stop(Duration gracePeriod) {
            if (!exit.isDone()) {
                launch.log().close();
                exit.complete(ExitStatus.of(0, clock.instant()));
            }
        }

        @Override
        public StreamProcess startProcess(List<String> command, boolean tty, boolean stdin)
                throws ContainerStartException {
            throw new ContainerStartException(
                    "container "
                            + launch.container().getName()
                            + " runs on a simulated node: nothing runs there to exec into");
        }

        @Override
        public CompletableFuture<ExecResult> exec(List<String> command, Duration timeout) {
            return CompletableFuture.completedFuture(new ExecResult(0, "", false));
        }
    }
}
