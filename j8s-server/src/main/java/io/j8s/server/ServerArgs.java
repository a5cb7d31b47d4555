package io.j8s.server;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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
        ServerOptions common = parseCommon(args);
        if (common != null) {
            return common;
        }
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

    /**
     * {@link #parse} without picocli for the flags a test cluster is mostly started with (those
     * j8s-junit's builder and cluster host give, each once, in their {@code --flag=value} or bare
     * boolean form, with well-formed values), or null: picocli's classes are older than class data
     * sharing can archive, and building its command model by reflection takes some 50 ms of a fresh
     * JVM's first cluster (docs/architecture.md, "Start-up"). The values go into the same {@link
     * ServerCommand} fields picocli sets, and {@link ServerCommand#toOptions} does the rest, so the
     * two paths give equal options (ServerArgsTest compares them).
     */
    static ServerOptions parseCommon(List<String> args) {
        ServerCommand command = new ServerCommand();
        Set<String> seen = new HashSet<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            String flag = eq < 0 ? arg : arg.substring(0, eq);
            String value = eq < 0 ? null : arg.substring(eq + 1);
            if (!seen.add(flag.equals("--no-proxy") ? "--proxy" : flag)) {
                return null; // picocli says what is wrong with a repeated flag
            }
            try {
                switch (flag) {
                    case "--nodes" -> {
                        if (value == null
                                || value.isEmpty()
                                || value.endsWith(",")
                                || value.contains(",,")) {
                            return null;
                        }
                        command.nodes = Arrays.asList(value.split(","));
                    }
                    case "--simulated-nodes" -> command.simulatedNodes = number(value);
                    case "--secure-port" -> command.securePort = number(value);
                    case "--kubelet-port" -> command.kubeletPort = number(value);
                    case "--data-dir" -> {
                        if (value == null || value.isEmpty()) {
                            return null;
                        }
                        command.dataDir = Path.of(value);
                    }
                    case "--store" -> {
                        if (value == null) {
                            return null;
                        }
                        command.store =
                                ServerOptions.StoreKind.valueOf(value.toUpperCase(Locale.ROOT));
                    }
                    case "--store-fsync" -> command.storeFsync = bool(value);
                    case "--leader-elect" -> command.leaderElect = bool(value);
                    case "--proxy" -> command.proxy = bool(value);
                    case "--no-proxy" -> {
                        if (value != null) {
                            return null;
                        }
                        command.proxy = false;
                    }
                    default -> {
                        return null;
                    }
                }
            } catch (IllegalArgumentException notCommon) {
                return null; // picocli's message for it
            }
        }
        try {
            return command.toOptions();
        } catch (CommandLine.ParameterException e) {
            return null; // reported by the full parse, as the command would
        }
    }

    private static int number(String value) {
        if (value == null) {
            throw new IllegalArgumentException("no value");
        }
        return Integer.parseInt(value);
    }

    /** A bare flag is true (picocli's fallback value); else exactly true or false. */
    private static boolean bool(String value) {
        if (value == null || value.equals("true")) {
            return true;
        }
        if (value.equals("false")) {
            return false;
        }
        throw new IllegalArgumentException(value);
    }
}
