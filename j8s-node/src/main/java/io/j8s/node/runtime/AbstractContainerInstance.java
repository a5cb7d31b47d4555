package io.j8s.node.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the instances of every runtime share: a new {@link ContainerIds id}, the time the instance
 * started, the launch it runs, and its exit future, which the runtime completes exactly once.
 * Thread-safe as far as it goes; subclasses say how they stop and exec.
 */
abstract class AbstractContainerInstance implements ContainerInstance {

  protected final ContainerLaunch launch;
  /** Completed by the subclass, once, when the instance has ended and its output is captured. */
  protected final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
  private final String id = ContainerIds.newId();
  private final Instant startedAt;

  AbstractContainerInstance(ContainerLaunch launch, Instant startedAt) {
    this.launch = launch;
    this.startedAt = startedAt;
  }

  @Override
  public final String id() {
    return id;
  }

  @Override
  public final Instant startedAt() {
    return startedAt;
  }

  @Override
  public final CompletableFuture<ExitStatus> exit() {
    return exit;
  }

  /**
   * Runs {@code command} on the host with the container's environment, its {@code $(VAR)}
   * references expanded from that environment, in {@code workDir} (null: the agent's).
   */
  protected final CompletableFuture<ExecResult> execOnHost(List<String> command, Path workDir, Duration timeout) {
    List<String> expanded = new ArrayList<>(command.size());
    for (String s : command) {
      expanded.add(EnvExpansion.expand(s, launch.env()));
    }
    return HostExec.run(expanded, launch.env(), workDir, timeout);
  }
}
