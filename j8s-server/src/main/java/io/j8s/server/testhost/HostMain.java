package io.j8s.server.testhost;

import io.j8s.server.StartupWarmup;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster host JVM's entry point (docs/junit.md, "The cluster host"): starts the fresh JVM's
 * one-time work ({@link StartupWarmup}, beginning with the flags of the cluster it starts at
 * launch) before anything else, then runs {@link ClusterHost#main}. It logs nothing itself, so the
 * warm-up runs beside the logging set-up that {@link ClusterHost}'s first use does instead of after
 * it.
 */
public final class HostMain {
    private HostMain() {}

    public static void main(String[] args) throws IOException {
        List<String> first = values(args, ClusterHost.START_ARG);
        StartupWarmup.start(first != null ? first : values(args, ClusterHost.PREFETCH_ARG));
        ClusterHost.main(args);
    }

    /**
     * The values of every {@code flag} (ending in {@code =}) in {@code args}, in order; null if
     * none.
     */
    static List<String> values(String[] args, String flag) {
        List<String> values = null;
        for (String arg : args) {
            if (arg.startsWith(flag)) {
                if (values == null) {
                    values = new ArrayList<>();
                }
                values.add(arg.substring(flag.length()));
            }
        }
        return values;
    }
}
