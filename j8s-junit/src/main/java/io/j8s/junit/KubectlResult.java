package io.j8s.junit;

/**
 * What a {@code kubectl} run gave: its exit code and output.
 *
 * @param exitCode the process's exit code (0: success)
 * @param stdout its standard output
 * @param stderr its standard error
 */
public record KubectlResult(int exitCode, String stdout, String stderr) {

    /**
     * The standard output, when kubectl succeeded; otherwise a {@link J8sException} with its error
     * output.
     */
    public String ok() {
        if (exitCode != 0) {
            throw new J8sException("kubectl exited with " + exitCode + ": " + stderr.strip());
        }
        return stdout;
    }
}
