package io.github.elbo4j.vae.train;

import io.github.elbo4j.vae.run.Checkpoint;
import io.github.elbo4j.vae.run.RunDirectory;

/**
 * Records a run in its directory: each epoch's {@code metrics.jsonl} row, then its {@code latest}
 * checkpoint (and {@code best} when the epoch is the best so far), and the exact position when a
 * stop is requested. The row goes first: a crash between the two leaves a row that the resumed
 * run drops and writes again, never a checkpoint without its row.
 */
final class RunRecorder implements TrainingListener {

    private final RunDirectory run;

    RunRecorder(RunDirectory run) {
        this.run = run;
    }

    @Override
    public void onEpochEnd(EpochEnd end) {
        run.appendMetrics(end.metrics());
        run.writeCheckpoint(end.checkpoint(), run.latestCheckpoint());
        if (end.best()) {
            run.writeCheckpoint(end.checkpoint(), run.bestCheckpoint());
        }
    }

    @Override
    public void onStopRequested(Checkpoint exact) {
        run.writeCheckpoint(exact, run.latestCheckpoint());
    }
}
