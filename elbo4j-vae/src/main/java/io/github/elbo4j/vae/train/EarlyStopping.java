package io.github.elbo4j.vae.train;

import io.github.elbo4j.vae.model.VaeModel;

/**
 * Ends a run once its validation score has not improved for {@code patience} epochs, and leaves
 * the model with its best epoch's weights (see {@link TrainingConfig#patience()}); a run stopped
 * on request keeps its exact weights, as its checkpoint does.
 */
final class EarlyStopping implements TrainingListener {

    private final int patience;
    private float[] bestParameters;

    /** Stops after {@code patience} epochs without improvement; {@code best} are the best weights so far. */
    EarlyStopping(int patience, float[] best) {
        this.patience = patience;
        this.bestParameters = best;
    }

    @Override
    public void onEpochEnd(EpochEnd end) {
        if (end.best()) {
            bestParameters = end.checkpoint().parameters();
        }
    }

    @Override
    public boolean stopsAfter(TrainingPosition completed) {
        return completed.epoch() - completed.bestEpoch() >= patience;
    }

    @Override
    public void onFinish(VaeModel model) {
        model.setParameterValues(bestParameters);
    }
}
