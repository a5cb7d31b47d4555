package io.j8s.bench.support;

import java.util.ArrayList;
import java.util.List;

/**
 * One {@code --name=value} option of a benchmark's command line.
 *
 * @param name without the leading {@code --}
 * @param value everything after the first {@code =}, possibly empty
 */
public record Option(String name, String value) {
    /**
     * The options in the order given.
     *
     * @throws IllegalArgumentException naming the first argument not of the form {@code
     *     --name=value}
     */
    public static List<Option> parse(String[] args) {
        List<Option> options = new ArrayList<>(args.length);
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException(
                        "arguments look like --name=value but got " + arg);
            }
            options.add(new Option(arg.substring(2, eq), arg.substring(eq + 1)));
        }
        return options;
    }
}
