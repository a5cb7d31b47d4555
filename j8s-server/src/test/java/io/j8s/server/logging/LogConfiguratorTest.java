package io.j8s.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;

class LogConfiguratorTest {
    @Test
    void levelComesFromTheEnvironmentNameAndFallsBackToInfo() {
        assertThat(LogConfigurator.level(null)).isEqualTo(Level.INFO);
        assertThat(LogConfigurator.level(" ")).isEqualTo(Level.INFO);
        assertThat(LogConfigurator.level("debug")).isEqualTo(Level.DEBUG);
        assertThat(LogConfigurator.level("WARN")).isEqualTo(Level.WARN);
        assertThat(LogConfigurator.level("chatty")).isEqualTo(Level.INFO);
    }

    @Test
    void aLogbackTestXmlOnTheClassPathWins() {
        // this module's tests carry src/test/resources/logback-test.xml: the user's file is read
        LoggerContext context = new LoggerContext();
        LogConfigurator configurator = new LogConfigurator();
        configurator.setContext(context);
        assertThat(configurator.configure(context))
                .isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(context.getLogger("ROOT").iteratorForAppenders().hasNext()).isFalse();
    }

    @Test
    void configuresStructuredStderrLinesWhenNothingElseIsGiven() {
        LoggerContext context = new LoggerContext();
        // a loader that hides logback-test.xml, as the server jar has none
        ClassLoader hiding =
                new ClassLoader(LogConfigurator.class.getClassLoader()) {
                    @Override
                    public java.net.URL getResource(String name) {
                        return name.startsWith("logback") ? null : super.getResource(name);
                    }
                };
        assertThat(LogConfigurator.configure(context, hiding))
                .isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        var root = context.getLogger("ROOT");
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        var appender = (ConsoleAppender<?>) root.getAppender("STDERR");
        assertThat(appender.getTarget()).isEqualTo("System.err");
        assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("io.fabric8").getLevel()).isEqualTo(Level.WARN);
        assertThat(
                        ((ch.qos.logback.classic.encoder.PatternLayoutEncoder)
                                        appender.getEncoder())
                                .getPattern())
                .isEqualTo(LogConfigurator.PATTERN);
    }
}
