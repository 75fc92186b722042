package io.github.elbo4j.vae.train;

/** Receives progress of a long loop (evaluation chunks, sampling); the CLI draws a bar from it. */
@FunctionalInterface
public interface ProgressListener {

    /** A listener that ignores progress. */
    ProgressListener NONE = (done, total) -> {};

    /** {@code done} of {@code total} units are finished. */
    void progress(long done, long total);

    /** A note on the work under way, e.g. a size chosen for it; ignored unless a listener shows it. */
    default void message(String message) {}
}
