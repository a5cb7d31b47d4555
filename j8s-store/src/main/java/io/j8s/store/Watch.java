package io.j8s.store;

/** A running {@link Store#watch}. Closing it stops delivery; no further listener calls follow. */
public interface Watch extends AutoCloseable {
    @Override
    void close();
}
