package io.github.elbo4j.vae.internal;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * One-hot groups from row {@code from} on, one after another: the output holds each group's
 * logits l_g, and log p = Σ_g Σ_{r ∈ g} x_r·log_softmax(l_g)_r, as the engine's
 * {@link io.github.elbo4j.distributions.OneHotCategorical} takes it.
 */
final class CategoricalRows implements OutputLikelihood {

    private static final VectorSpecies<Float> S = VectorMath.S;
    private static final int V = S.length();

    private final int from;
    private final int[] categories;

    /** Groups of {@code categories[g]} rows each, the first at row {@code from}. */
    CategoricalRows(int from, int[] categories) {
        this.from = from;
        this.categories = categories.clone();
    }

    @Override
    public void addLogLikelihood(float[] p, float[] outputT, float[] xT, int ld, float[] out) {
        for (int g = 0, start = from; g < categories.length; start += categories[g], g++) {
            int end = start + categories[g];
            for (int c = 0; c < ld; c += V) {
                FloatVector logTotal = logSumExp(outputT, start, end, ld, c);
                FloatVector sum = FloatVector.zero(S);
                for (int i = start * ld + c; i < end * ld; i += ld) {
                    FloatVector logSoftmax =
                            FloatVector.fromArray(S, outputT, i).sub(logTotal);
                    sum = FloatVector.fromArray(S, xT, i).fma(logSoftmax, sum);
                }
                FloatVector.fromArray(S, out, c).add(sum).intoArray(out, c);
            }
        }
    }

    /** gradT = a_c·(softmax(l_g)_r·Σ_{s ∈ g} x_s − x_r): the derivative of x·log_softmax(l). */
    @Override
    public void gradient(
            float[] p, float[] outputT, float[] xT, float[] columnWeight, int ld, float[] gradT, float[] gradient) {
        for (int g = 0, start = from; g < categories.length; start += categories[g], g++) {
            int end = start + categories[g];
            for (int c = 0; c < ld; c += V) {
                FloatVector logTotal = logSumExp(outputT, start, end, ld, c);
                FloatVector count = FloatVector.zero(S);
                for (int i = start * ld + c; i < end * ld; i += ld) {
                    count = count.add(FloatVector.fromArray(S, xT, i));
                }
                FloatVector a = FloatVector.fromArray(S, columnWeight, c);
                for (int i = start * ld + c; i < end * ld; i += ld) {
                    FloatVector softmax =
                            VectorMath.exp(FloatVector.fromArray(S, outputT, i).sub(logTotal));
                    softmax.mul(count)
                            .sub(FloatVector.fromArray(S, xT, i))
                            .mul(a)
                            .intoArray(gradT, i);
                }
            }
        }
    }

    /** log Σ_{r ∈ [start, end)} e^{l_r} for the vector of columns at {@code c}, shifted by the group's maximum. */
    private static FloatVector logSumExp(float[] outputT, int start, int end, int ld, int c) {
        FloatVector max = FloatVector.fromArray(S, outputT, start * ld + c);
        for (int i = (start + 1) * ld + c; i < end * ld; i += ld) {
            max = max.max(FloatVector.fromArray(S, outputT, i));
        }
        FloatVector total = FloatVector.zero(S);
        for (int i = start * ld + c; i < end * ld; i += ld) {
            total = total.add(
                    VectorMath.exp(FloatVector.fromArray(S, outputT, i).sub(max)));
        }
        return max.add(VectorMath.log(total));
    }
}
