package io.github.elbo4j.web;

import io.github.elbo4j.vae.RunDirectory;
import java.nio.file.Path;

/**
 * One run directory the dashboard shows.
 *
 * @param id the name used in URLs: the folder name, made unique among the served runs
 * @param directory the run directory (its file layout is {@link RunDirectory}'s)
 */
public record ServedRun(String id, RunDirectory directory) {

    /** The run directory's folder. */
    public Path root() {
        return directory.root();
    }
}
