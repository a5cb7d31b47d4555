package io.j8s.server;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code j8s} command. */
@Command(
        name = "j8s",
        mixinStandardHelpOptions = true,
        versionProvider = Version.Provider.class,
        description =
                "A lightweight, Kubernetes-compatible control plane and data plane for Services and"
                        + " Endpoints.",
        subcommands = {
            ServerCommand.class,
            AgentCommand.class,
            KubeconfigCommand.class,
            TokenCommand.class,
            VersionCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured picocli command line (also used by tests). */
    public static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
