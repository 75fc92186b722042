package io.github.elbo4j.vae.run;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of elbo4j, for {@code --version} and the {@code config.json} of a run. */
public final class Version {

    private static final String VERSION = read();

    private Version() {}

    /** This build's version, e.g. {@code 0.1.0}; written into {@code version.properties} by the build. */
    public static String elbo4j() {
        return VERSION;
    }

    private static String read() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("version.properties is missing from the elbo4j-vae build");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read elbo4j's version.properties", e);
        }
    }
}
