package io.j8s.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/** The j8s version (from the build) and the Kubernetes API version it serves. */
public final class Version {
    public static final String KUBERNETES = "v1.32.4";

    private Version() {}

    public static String j8s() {
        try (InputStream in = Version.class.getResourceAsStream("/j8s-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One line: {@code j8s 0.1.0 (Kubernetes API v1.32.4, Java 17)}. */
    public static String line() {
        return "j8s "
                + j8s()
                + " (Kubernetes API "
                + KUBERNETES
                + ", Java "
                + Runtime.version().feature()
                + ")";
    }

    /** picocli's {@code --version}. */
    public static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {line()};
        }
    }
}
