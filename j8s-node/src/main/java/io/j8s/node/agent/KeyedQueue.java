package io.j8s.node.agent;

import java.util.LinkedHashSet;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A de-duplicating work queue drained one key at a time on a shared executor: a key added while
 * queued is queued once; the same key is never processed by two threads at once (there is one
 * drainer). Event handlers only {@link #add}; the work happens in {@code process}. Thread-safe.
 */
final class KeyedQueue {

  private static final Logger log = LoggerFactory.getLogger(KeyedQueue.class);

  private final String name;
  private final Executor executor;
  private final Consumer<String> process;
  private final LinkedHashSet<String> pending = new LinkedHashSet<>(); // guarded by this
  private boolean draining; // guarded by this

  KeyedQueue(String name, Executor executor, Consumer<String> process) {
    this.name = name;
    this.executor = executor;
    this.process = process;
  }

  void add(String key) {
    synchronized (this) {
      if (!pending.add(key) || draining) {
        return;
      }
      draining = true;
    }
    try {
      executor.execute(this::drain);
    } catch (RejectedExecutionException e) {
      synchronized (this) {
        draining = false;
      }
    }
  }

  synchronized int size() {
    return pending.size();
  }

  private void drain() {
    while (true) {
      String key;
      synchronized (this) {
        var it = pending.iterator();
        if (!it.hasNext()) {
          draining = false;
          return;
        }
        key = it.next();
        it.remove();
      }
      try {
        process.accept(key);
      } catch (RuntimeException e) {
        log.error("{}: processing {} failed", name, key, e);
      }
    }
  }
}
