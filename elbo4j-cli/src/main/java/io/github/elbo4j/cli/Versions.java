package io.github.elbo4j.cli;

import ai.djl.engine.Engine;
import io.github.elbo4j.vae.run.Version;
import picocli.CommandLine;

/** Versions of elbo4j, DJL and its engine, for {@code --version} and {@code config.json}. */
public final class Versions implements CommandLine.IVersionProvider {

    /** This build's version. */
    public static String elbo4j() {
        return Version.elbo4j();
    }

    /** The DJL version. */
    public static String djl() {
        return Engine.getDjlVersion();
    }

    /** The name and version of the engine DJL runs on. */
    public static String engine() {
        Engine engine = Engine.getInstance();
        return engine.getEngineName() + " " + engine.getVersion();
    }

    @Override
    public String[] getVersion() {
        return new String[] {"elbo4j " + elbo4j(), "DJL " + djl() + ", " + engine(), "Java " + Runtime.version()};
    }
}
