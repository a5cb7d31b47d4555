package io.j8s.server;

import io.j8s.apiserver.auth.authn.JoinToken;
import io.j8s.server.join.AgentBootstrap;
import io.j8s.server.join.JoinException;
import io.j8s.server.pki.PrivateFiles;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code j8s agent}: joins a node to a server with a join token ({@link AgentBootstrap}) and writes
 * the node's kubeconfig. Running the node agent with it is wired separately.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Join this machine to a j8s server as a node: verify the server by the CA hash in the"
                + " token, obtain the node's credential, write <data-dir>/kubeconfig.yaml.")
final class AgentCommand implements Callable<Integer> {
    @Option(names = "--server", required = true, paramLabel = "URL", description = "The server, https://host:port.")
    URI server;

    @Option(names = "--token", paramLabel = "TOKEN", description = "The join token ('j8s token' on the server).")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE", description = "A file holding the join token.")
    Path tokenFile;

    @Option(names = "--node-name", paramLabel = "NAME", description = "This node's name (default: the host name).")
    String nodeName;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where the node's kubeconfig and state live (default: ${DEFAULT-VALUE}).")
    Path dataDir = Path.of(System.getProperty("user.home"), ".j8s-agent");

    @Override
    public Integer call() {
        String text = token != null ? token : tokenFile != null ? PrivateFiles.readIfExists(tokenFile) : null;
        if (text == null || text.isBlank()) {
            System.err.println("a join token is needed: --token or --token-file");
            return 2;
        }
        JoinToken parsed;
        try {
            parsed = JoinToken.parse(text);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        String name = nodeName != null ? nodeName : hostName();
        try {
            AgentBootstrap.Joined joined = new AgentBootstrap(Clock.systemUTC()).join(server, parsed, name,
                    dataDir.toAbsolutePath());
            System.err.println((joined.reused() ? "Already joined" : "Joined") + " " + server + " as node " + name
                    + "; its kubeconfig is " + joined.kubeconfig());
            System.err.println("Running the node agent from 'j8s agent' is not wired yet.");
            return 0;
        } catch (JoinException e) {
            System.err.println("joining failed: " + e.getMessage());
            return 1;
        }
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName().toLowerCase(java.util.Locale.ROOT);
        } catch (java.net.UnknownHostException e) {
            return "node";
        }
    }
}
