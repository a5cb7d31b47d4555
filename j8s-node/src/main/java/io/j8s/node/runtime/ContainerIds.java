package io.j8s.node.runtime;

import java.util.concurrent.ThreadLocalRandom;

/** Random 64-hex-character container IDs, as container runtimes use. */
public final class ContainerIds {
    private ContainerIds() {}

    public static String newId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return String.format(
                "%016x%016x%016x%016x", r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong());
    }
}
