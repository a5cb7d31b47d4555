package io.j8s.client.cache;

/**
 * The informer cache is older than a write this controller already made (Kubernetes' {@code
 * StaleInformerCache}): acting on it would repeat or undo that write, so the key is retried with
 * back-off until the cache has caught up.
 */
public class StaleCacheException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StaleCacheException(String message) {
        super(message);
    }
}
