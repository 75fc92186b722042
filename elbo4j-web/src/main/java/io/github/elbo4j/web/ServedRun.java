package io.github.elbo4j.web;

import java.nio.file.Path;

/**
 * One run directory the dashboard shows.
 *
 * @param id the name used in URLs: the folder name, made unique among the served runs
 * @param root the run directory
 */
public record ServedRun(String id, Path root) {

    /** {@code RUN/metrics.jsonl}. */
    public Path metricsFile() {
        return root.resolve("metrics.jsonl");
    }

    /** {@code RUN/plots}. */
    public Path plotsDirectory() {
        return root.resolve("plots");
    }

    /** {@code RUN/config.json}. */
    public Path configFile() {
        return root.resolve("config.json");
    }
}
