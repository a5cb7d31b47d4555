package io.j8s.server;

import io.j8s.server.join.JoinTokens;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code j8s token}: prints the join token node agents use ({@code j8s agent --token ...}). */
@Command(
        name = "token",
        mixinStandardHelpOptions = true,
        description =
                "Print the cluster's join token (a secret): j8s agent --server https://... --token <it>.")
final class TokenCommand implements Callable<Integer> {
    @Mixin ServerDataDir dataDir;

    @Override
    public Integer call() {
        String text = dataDir.read(JoinTokens.FILE, "join token");
        if (text == null) {
            return 1;
        }
        System.out.println(text.trim());
        return 0;
    }
}
