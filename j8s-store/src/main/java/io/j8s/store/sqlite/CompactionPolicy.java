package io.j8s.store.sqlite;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;

/**
 * Decides how far automatic compaction may go: keep at least {@code retainRevisions} revisions and
 * every revision written within {@code retainDuration}, so that a watcher that reconnects within
 * that window can resume instead of re-listing.
 *
 * <p>Time is tracked by sampling the current revision at each run (the store keeps no timestamp per
 * revision): a revision sampled at or before {@code now - retainDuration} was written at least that
 * long ago. After a restart nothing is compacted by time until a full window has passed.
 *
 * <p>Thread safe.
 */
final class CompactionPolicy {
    private record Sample(Instant at, long revision) {}

    private final long retainRevisions;
    private final Duration retainDuration;
    private final Clock clock;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>(); // guarded by this

    CompactionPolicy(long retainRevisions, Duration retainDuration, Clock clock) {
        this.retainRevisions = retainRevisions;
        this.retainDuration = retainDuration;
        this.clock = clock;
    }

    /**
     * Records that {@code currentRevision} is current now and returns the highest revision that may
     * be compacted to (0 when nothing may be).
     */
    synchronized long target(long currentRevision) {
        Instant now = clock.instant();
        samples.addLast(new Sample(now, currentRevision));
        Instant cutoff = now.minus(retainDuration);
        Sample newestOldEnough = null;
        while (!samples.isEmpty() && !samples.peekFirst().at().isAfter(cutoff)) {
            newestOldEnough = samples.pollFirst();
        }
        if (newestOldEnough == null) {
            return 0;
        }
        // Keep it: until a newer sample ages past the cutoff, it stays the bound.
        samples.addFirst(newestOldEnough);
        long byTime = newestOldEnough.revision();
        long byCount = currentRevision - retainRevisions;
        return Math.max(0, Math.min(byTime, byCount));
    }
}
