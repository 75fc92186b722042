package io.github.elbo4j.vae.internal;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Independent Bernoulli features on rows [from, to): the output holds logits l, log p = x·l − softplus(l). */
final class BernoulliRows implements OutputLikelihood {

    private static final VectorSpecies<Float> S = VectorMath.S;
    private static final int V = S.length();

    private final int from;
    private final int to;

    BernoulliRows(int from, int to) {
        this.from = from;
        this.to = to;
    }

    @Override
    public void addLogLikelihood(float[] p, float[] outputT, float[] xT, int ld, float[] out) {
        ColumnKernels.bernoulliLogLikelihood(outputT, from * ld, xT, from * ld, to - from, ld, out);
    }

    // The gradient is a method of its own, apart from the log-likelihood, each computing e^{−|l|}:
    // in one method the compiler reaches its node limit, stops inlining VectorMath and boxes every
    // vector (3.3 ns an element inside the step, against 2.4 for the two passes).

    /** gradT = a_c·(σ(l) − x). */
    @Override
    public void gradient(
            float[] p, float[] outputT, float[] xT, float[] columnWeight, int ld, float[] gradT, float[] gradient) {
        for (int r = from; r < to; r++) {
            for (int c = 0, i = r * ld; c < ld; c += V, i += V) {
                FloatVector l = FloatVector.fromArray(S, outputT, i);
                FloatVector t = VectorMath.exp(l.abs().neg());
                FloatVector residual = VectorMath.sigmoid(l, t).sub(FloatVector.fromArray(S, xT, i));
                residual.mul(FloatVector.fromArray(S, columnWeight, c)).intoArray(gradT, i);
            }
        }
    }
}
