package io.j8s.server;

import io.j8s.server.pki.PrivateFiles;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --data-dir} of the commands that print what the server wrote into its data dir ({@code
 * j8s kubeconfig}, {@code j8s token}); a picocli mixin.
 */
final class ServerDataDir {
    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "The server's data dir (default: ${DEFAULT-VALUE}).")
    Path dataDir = home().resolve(".j8s");

    /**
     * The user's home directory: {@code $HOME} when set, as for any Unix command ({@code
     * HOME=/tmp/x j8s server} keeps its state in {@code /tmp/x/.j8s}), else Java's {@code
     * user.home} (which the JVM takes from the password database, not from {@code $HOME}).
     */
    static Path home() {
        return home(System.getenv("HOME"));
    }

    static Path home(String homeVariable) {
        return Path.of(
                homeVariable == null || homeVariable.isEmpty()
                        ? System.getProperty("user.home")
                        : homeVariable);
    }

    /**
     * The text of {@code file} in the data dir, or null (after telling the user on standard error
     * that the server has to start once first) when there is none.
     *
     * @param what what the file holds, for that message
     */
    String read(String file, String what) {
        String text = PrivateFiles.readIfExists(dataDir.resolve(file));
        if (text == null) {
            System.err.println(
                    "no "
                            + what
                            + " in "
                            + dataDir
                            + ": start 'j8s server --data-dir "
                            + dataDir
                            + "' once first");
        }
        return text;
    }
}
