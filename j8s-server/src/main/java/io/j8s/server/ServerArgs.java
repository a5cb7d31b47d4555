package io.j8s.server;

import java.util.List;
import picocli.CommandLine;

/**
 * The flags of {@code j8s server} as {@link ServerOptions}, for programs that start servers
 * themselves.
 */
public final class ServerArgs {
    private ServerArgs() {}

    /**
     * Parses {@code args} as {@code j8s server} does.
     *
     * @throws IllegalArgumentException naming the bad flag or value, as the command would print it
     */
    public static ServerOptions parse(List<String> args) {
        ServerCommand command = new ServerCommand();
        try {
            new CommandLine(command)
                    .setCaseInsensitiveEnumValuesAllowed(true)
                    .parseArgs(args.toArray(String[]::new));
            return command.toOptions();
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
