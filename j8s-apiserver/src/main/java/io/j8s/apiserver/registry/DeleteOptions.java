package io.j8s.apiserver.registry;

/**
 * The {@code DeleteOptions} of a deletion.
 *
 * @param gracePeriodSeconds null: the object's default (a Pod's terminationGracePeriodSeconds)
 * @param propagationPolicy Background, Foreground, Orphan, or null for the resource's default
 * @param uid precondition: the object's uid must be this (null: no precondition)
 * @param resourceVersion precondition: the object's resourceVersion must be this (null: none)
 */
public record DeleteOptions(
        Long gracePeriodSeconds,
        String propagationPolicy,
        String uid,
        String resourceVersion,
        boolean dryRun) {
    public static DeleteOptions defaults() {
        return new DeleteOptions(null, null, null, null, false);
    }
}
