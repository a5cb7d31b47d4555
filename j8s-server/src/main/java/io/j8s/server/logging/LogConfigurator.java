package io.j8s.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Locale;

/**
 * j8s' log configuration, set up in code (registered as logback's {@link Configurator} service):
 * structured lines on stderr, the message then {@code key=value} pairs naming the object, at {@code
 * J8S_LOG_LEVEL} (default {@code INFO}), with Netty, Vert.x, gRPC and fabric8 at {@code WARN}. Done
 * in code rather than by a {@code logback.xml} because logback's XML configurator costs about 60 ms
 * of a fresh JVM's start, before anything else can log (docs/architecture.md, "Start-up"). A
 * configuration the user chose still wins: with {@code -Dlogback.configurationFile}, or a {@code
 * logback-test.xml} or {@code logback.xml} on the class path (j8s ships neither), logback's own
 * configurators run instead.
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {
    static final String PATTERN =
            "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level [%thread] %logger{20} - %msg %kvp%n%ex";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        return configure(context, LogConfigurator.class.getClassLoader());
    }

    /** {@link #configure(LoggerContext)}, looking for the user's files in {@code loader}. */
    static ExecutionStatus configure(LoggerContext context, ClassLoader loader) {
        if (userConfigured(loader)) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        for (String quiet : new String[] {"io.netty", "io.vertx", "io.grpc", "io.fabric8"}) {
            context.getLogger(quiet).setLevel(Level.WARN);
        }
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(level(System.getenv("J8S_LOG_LEVEL")));
        root.addAppender(stderr);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static boolean userConfigured(ClassLoader loader) {
        return System.getProperty(ContextInitializer.CONFIG_FILE_PROPERTY) != null
                || loader.getResource(ContextInitializer.TEST_AUTOCONFIG_FILE) != null
                || loader.getResource(ContextInitializer.AUTOCONFIG_FILE) != null;
    }

    /** {@code J8S_LOG_LEVEL} as logback reads a level name: unset or unknown is {@code INFO}. */
    static Level level(String name) {
        return name == null || name.isBlank()
                ? Level.INFO
                : Level.toLevel(name.strip().toUpperCase(Locale.ROOT), Level.INFO);
    }
}
