package io.j8s.controllers.runtime;

/**
 * A running controller. It registers its informers and event handlers when it is constructed (so
 * that the shared informers can start them all at once), starts its reconcile loops in {@link
 * #start()}, and stops them in {@link #close()}.
 */
public interface Controller extends AutoCloseable {

    /** The controller's name, e.g. {@code endpoints}; also its metric tag and thread-name part. */
    String name();

    /** Starts the reconcile loops; they begin work once the caches they read have synced. */
    void start();

    /** Stops the loops; a key being reconciled is finished first (bounded wait). */
    @Override
    void close();
}
