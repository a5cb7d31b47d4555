package io.j8s.store;

/**
 * The requested revision is below the compacted revision: the history it needs is gone. The caller
 * re-lists and watches from the new revision (the API server answers 410 Gone).
 */
public class CompactedException extends StoreException {
    private final long compactedRevision;

    public CompactedException(long requestedRevision, long compactedRevision) {
        super(
                "required revision "
                        + requestedRevision
                        + " has been compacted (compacted revision "
                        + compactedRevision
                        + ")");
        this.compactedRevision = compactedRevision;
    }

    public long compactedRevision() {
        return compactedRevision;
    }
}
