package io.j8s.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default data dirs follow {@code $HOME}, as any Unix command's do. */
class HomeDirectoryTest {
    @TempDir Path home;

    @Test
    void home_isTheHomeVariable_elseJavasUserHome() {
        assertThat(ServerDataDir.home("/tmp/x")).isEqualTo(Path.of("/tmp/x"));
        assertThat(ServerDataDir.home(null)).isEqualTo(Path.of(System.getProperty("user.home")));
        assertThat(ServerDataDir.home("")).isEqualTo(Path.of(System.getProperty("user.home")));
    }

    @Test
    void everyCommand_defaultsToADataDirUnderHome() throws Exception {
        assertThat(j8s("kubeconfig")).contains("no kubeconfig in " + home.resolve(".j8s") + ":");
        assertThat(j8s("token")).contains(" in " + home.resolve(".j8s") + ":");
        // picocli wraps the help at dots too, so compare without white space
        assertThat(j8s("server", "--help").replace(" ", ""))
                .contains("(default:" + home.resolve(".j8s") + ")");
        assertThat(j8s("agent", "--help").replace(" ", ""))
                .contains("(default:" + home.resolve(".j8s-agent") + ")");
    }

    /**
     * Runs {@code j8s args} in a JVM of its own with {@code HOME} set to the temporary directory.
     */
    private String j8s(String... args) throws IOException, InterruptedException {
        List<String> command =
                new java.util.ArrayList<>(
                        List.of(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-cp",
                                System.getProperty("java.class.path"),
                                Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("HOME", home.toString());
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return output.replaceAll("\\s+", " ");
    }
}
