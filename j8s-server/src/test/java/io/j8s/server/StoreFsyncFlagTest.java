package io.j8s.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class StoreFsyncFlagTest {

    @Test
    void storeFsync_isOnByDefault_andOffOnlyWhenAsked() {
        ServerCommand defaults = new ServerCommand();
        new CommandLine(defaults).parseArgs();
        assertThat(defaults.toOptions().storeFsync()).isTrue();
        assertThat(ServerOptions.defaults(Path.of("/tmp/x")).storeFsync()).isTrue();

        ServerCommand off = new ServerCommand();
        new CommandLine(off).parseArgs("--store-fsync=false");
        assertThat(off.toOptions().storeFsync()).isFalse();

        ServerCommand on = new ServerCommand();
        new CommandLine(on).parseArgs("--store-fsync");
        assertThat(on.toOptions().storeFsync()).isTrue();

        ServerOptions test = StartupTraining.testMode(ServerOptions.defaults(Path.of("/tmp/x")));
        assertThat(test.storeFsync()).isFalse();
        assertThat(test.withSecurePort(1234).storeFsync())
                .as("kept by the with... methods")
                .isFalse();
    }
}
