package io.j8s.server;

import io.j8s.server.join.JoinTokens;
import io.j8s.server.pki.PrivateFiles;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code j8s token}: prints the join token node agents use ({@code j8s agent --token ...}). */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Print the cluster's join token (a secret): j8s agent --server https://... --token <it>.")
final class TokenCommand implements Callable<Integer> {
    @Option(names = "--data-dir", paramLabel = "DIR", description = "The server's data dir (default: ${DEFAULT-VALUE}).")
    Path dataDir = Path.of(System.getProperty("user.home"), ".j8s");

    @Override
    public Integer call() {
        String text = PrivateFiles.readIfExists(dataDir.resolve(JoinTokens.FILE));
        if (text == null) {
            System.err.println("no join token in " + dataDir + ": start 'j8s server --data-dir " + dataDir
                    + "' once first");
            return 1;
        }
        System.out.println(text.trim());
        return 0;
    }
}
