package io.j8s.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the host (kubectl, etcd, python3-kubernetes, dig, wrk, haproxy, a
 * privileged port...). A test whose tool is missing fails, with a message naming the Debian package
 * that provides it ({@code .ci/run} installs them all): a test never passes by checking nothing.
 *
 * <p>The one opt-out, for a developer machine without some tool: {@code
 * -Dj8s.test.allowMissingTools=true} (docs/architecture.md, "Tests") turns such a failure into a
 * skipped test, reported as skipped.
 */
public final class HostTools {
    /** The system property that turns a missing tool from a failure into a skipped test. */
    public static final String ALLOW_MISSING = "j8s.test.allowMissingTools";

    private HostTools() {}

    /** Whether missing tools skip tests instead of failing them ({@value #ALLOW_MISSING}). */
    public static boolean missingAllowed() {
        return Boolean.getBoolean(ALLOW_MISSING);
    }

    /**
     * Fails the calling test (or class, from {@code @BeforeAll}) when {@code present} is false:
     * {@code what} is missing, {@code remedy} says how to get it (for a package: {@code "apt-get
     * install -y kubernetes-client"}). Skips instead under {@value #ALLOW_MISSING}.
     */
    public static void require(boolean present, String what, String remedy) {
        if (present) {
            return;
        }
        String message =
                what
                        + " is missing: "
                        + remedy
                        + " (or run with -D"
                        + ALLOW_MISSING
                        + "=true to skip the tests that need it)";
        if (missingAllowed()) {
            Assumptions.abort(message);
        }
        Assertions.fail(message);
    }

    /**
     * For a test that measures or checks more when a tool is there: {@code present}, failing as
     * {@link #require} does when it is false, unless {@value #ALLOW_MISSING} lets the test go on
     * without it (then false).
     */
    public static boolean optional(boolean present, String what, String remedy) {
        if (!present && !missingAllowed()) {
            require(false, what, remedy);
        }
        return present;
    }

    /** Whether an executable {@code binary} is in a directory of the PATH. */
    public static boolean onPath(String binary) {
        String path = System.getenv("PATH");
        return path != null
                && Stream.of(path.split(File.pathSeparator))
                        .filter(dir -> !dir.isEmpty())
                        .anyMatch(dir -> Files.isExecutable(Path.of(dir, binary)));
    }
}
