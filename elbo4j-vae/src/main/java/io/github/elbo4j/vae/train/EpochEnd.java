package io.github.elbo4j.vae.train;

import io.github.elbo4j.vae.run.Checkpoint;

/**
 * The end of a training epoch, as {@link TrainingListener#onEpochEnd} receives it.
 *
 * @param metrics the epoch's {@code metrics.jsonl} row
 * @param checkpoint the state after the epoch, from which the run goes on (and resumes)
 * @param best whether these are the best weights so far: the epoch improved the validation score,
 *     or the run has no validation split (then the latest weights are the best known)
 */
public record EpochEnd(EpochMetrics metrics, Checkpoint checkpoint, boolean best) {}
