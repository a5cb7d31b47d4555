package io.j8s.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ServerArgsTest {

    /** What picocli makes of {@code args}, as {@code j8s server} parses them. */
    private static ServerOptions picocli(List<String> args) {
        ServerCommand command = new ServerCommand();
        new CommandLine(command)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .parseArgs(args.toArray(String[]::new));
        return command.toOptions();
    }

    @Test
    void theCommonFlagsGiveWhatPicocliGives() {
        for (List<String> args :
                List.of(
                        List.<String>of(),
                        List.of("--nodes=node01", "--store=sqlite", "--proxy"),
                        List.of(
                                "--nodes=node01,node02",
                                "--simulated-nodes=3",
                                "--store=SQLite",
                                "--no-proxy",
                                "--data-dir=/tmp/j8s-args-test",
                                "--secure-port=0",
                                "--kubelet-port=0",
                                "--store-fsync=false",
                                "--leader-elect=false"),
                        List.of("--proxy=false", "--store-fsync", "--leader-elect"),
                        List.of("--store=etcd"))) {
            ServerOptions common = ServerArgs.parseCommon(args);
            assertThat(common).as("%s", args).isNotNull().isEqualTo(picocli(args));
            assertThat(ServerArgs.parse(args)).isEqualTo(common);
        }
    }

    @Test
    void anythingElseGoesToPicocli() {
        for (List<String> args :
                List.of(
                        List.of("--lb-policy=random"),
                        List.of("--nodes", "node01"),
                        List.of("--nodes=", "--store=sqlite"),
                        List.of("--nodes=a,,b"),
                        List.of("--proxy", "--no-proxy"),
                        List.of("--store=mysql"),
                        List.of("--secure-port=http"),
                        List.of("--store-fsync=yes"))) {
            assertThat(ServerArgs.parseCommon(args)).as("%s", args).isNull();
        }
        // and picocli's messages are the ones a user sees
        assertThatThrownBy(() -> ServerArgs.parse(List.of("--store=mysql")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--store");
        assertThatThrownBy(() -> ServerArgs.parse(List.of("--proxy", "--no-proxy")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--proxy");
        assertThat(ServerArgs.parse(List.of("--lb-policy=random")))
                .isEqualTo(picocli(List.of("--lb-policy=random")));
    }
}
