package io.j8s.server;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code j8s kubeconfig}: prints the admin kubeconfig the server wrote. */
@Command(
        name = "kubeconfig",
        mixinStandardHelpOptions = true,
        description =
                "Print the admin kubeconfig of the server whose data dir this is (it holds a client key).")
final class KubeconfigCommand implements Callable<Integer> {
    @Mixin ServerDataDir dataDir;

    @Override
    public Integer call() {
        String text = dataDir.read(J8sServer.KUBECONFIG, "kubeconfig");
        if (text == null) {
            return 1;
        }
        System.out.print(text);
        return 0;
    }
}
