package io.github.elbo4j.web;

import io.github.elbo4j.vae.run.RunLayout;
import java.nio.file.Path;

/**
 * One run directory the dashboard shows.
 *
 * @param id the name used in URLs: the folder name, made unique among the served runs
 * @param directory the run directory's files: the dashboard reads them as files (the metrics rows
 *     as JSON, the plots as images) and needs none of the model code
 */
public record ServedRun(String id, RunLayout directory) {

    /** The run directory's folder. */
    public Path root() {
        return directory.root();
    }
}
