package io.j8s.server;

import io.j8s.server.pki.PrivateFiles;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code j8s kubeconfig}: prints the admin kubeconfig the server wrote. */
@Command(name = "kubeconfig", mixinStandardHelpOptions = true,
        description = "Print the admin kubeconfig of the server whose data dir this is (it holds a client key).")
final class KubeconfigCommand implements Callable<Integer> {
    @Option(names = "--data-dir", paramLabel = "DIR", description = "The server's data dir (default: ${DEFAULT-VALUE}).")
    Path dataDir = Path.of(System.getProperty("user.home"), ".j8s");

    @Override
    public Integer call() {
        String text = PrivateFiles.readIfExists(dataDir.resolve(J8sServer.KUBECONFIG));
        if (text == null) {
            System.err.println("no kubeconfig in " + dataDir + ": start 'j8s server --data-dir " + dataDir
                    + "' once first");
            return 1;
        }
        System.out.print(text);
        return 0;
    }
}
