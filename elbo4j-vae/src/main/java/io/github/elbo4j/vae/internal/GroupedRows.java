package io.github.elbo4j.vae.internal;

import java.util.List;

/** A record of column groups, each its own likelihood over its rows: log p(x|z) is their sum. */
final class GroupedRows implements OutputLikelihood {

    private final List<OutputLikelihood> parts;

    /** The groups, over disjoint ranges of rows. */
    GroupedRows(List<OutputLikelihood> parts) {
        this.parts = List.copyOf(parts);
    }

    @Override
    public void addLogLikelihood(float[] p, float[] outputT, float[] xT, int ld, float[] out) {
        for (OutputLikelihood part : parts) {
            part.addLogLikelihood(p, outputT, xT, ld, out);
        }
    }

    @Override
    public void gradient(
            float[] p, float[] outputT, float[] xT, float[] columnWeight, int ld, float[] gradT, float[] gradient) {
        for (OutputLikelihood part : parts) {
            part.gradient(p, outputT, xT, columnWeight, ld, gradT, gradient);
        }
    }
}
