package io.j8s.controllers.runtime;

/**
 * Makes the world match the declared state for one key. Implementations read current state from
 * informer caches (never mutating cached objects), compute the desired objects, and write only what
 * differs, so calling {@code reconcile} twice with unchanged state writes nothing the second time.
 */
@FunctionalInterface
public interface Reconciler {

    /**
     * Reconciles {@code key} ({@code namespace/name}, or {@code name} for cluster-scoped objects).
     *
     * @return what to do next; {@link Result#done()} in the common case
     * @throws TerminalException for errors that a retry cannot fix: the key is dropped
     * @throws Exception for anything else: the key is retried with back-off, up to the loop's cap
     */
    Result reconcile(String key) throws Exception;
}
