package io.j8s.apiserver.cache;

/**
 * One event for one watcher, after its selectors were applied: an object that starts matching
 * arrives as ADDED, one that stops matching as DELETED (with its previous state at the new
 * revision), a BOOKMARK carries only a revision.
 *
 * @param object the object to send (null for BOOKMARK)
 * @param revision the event's revision
 * @param source the cache event this came from (null for synthetic initial events and bookmarks);
 *     sinks may use it to share encodings between watchers
 */
public record Delivery(EventType type, CachedObject object, long revision, CacheEvent source) {}
