package io.j8s.server;

import picocli.CommandLine.Command;

/** {@code j8s version}. */
@Command(
        name = "version",
        description = "Print the j8s version and the Kubernetes API version it serves.")
final class VersionCommand implements Runnable {
    @Override
    public void run() {
        System.out.println(Version.line());
    }
}
