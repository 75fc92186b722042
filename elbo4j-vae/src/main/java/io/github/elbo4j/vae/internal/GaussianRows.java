package io.github.elbo4j.vae.internal;

import io.github.elbo4j.vae.model.Likelihood;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Independent Gaussian features on rows [from, to): the output holds the means m, and
 * log p = Σ_r [−½ ((x_r − m_r)/σ_r)² − log σ_r − ½ log 2π], with σ fixed, or learned (one log σ for
 * all rows, or one per row) and floored at log {@link Likelihood#MIN_LEARNED_SCALE} as the engine's
 * network does.
 */
final class GaussianRows implements OutputLikelihood {

    private static final VectorSpecies<Float> S = VectorMath.S;
    private static final int V = S.length();
    private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
    /** The floor of a learned log σ, in the engine's single precision. */
    static final float LOG_SCALE_FLOOR = (float) Math.log(Likelihood.MIN_LEARNED_SCALE);

    private final int from;
    private final int to;
    /** The fixed σ, when nothing is learned. */
    private final float scale;
    /** Offset of the learned log σ in the flat parameters, or −1 for a fixed σ. */
    private final int logScale;
    /** Whether each row has a log σ of its own (else all share one). */
    private final boolean perRow;
    /** Per row: 1/σ of the current parameters. */
    private final float[] rowInverseScale;

    private GaussianRows(int from, int to, float scale, int logScale, boolean perRow) {
        this.from = from;
        this.to = to;
        this.scale = scale;
        this.logScale = logScale;
        this.perRow = perRow;
        this.rowInverseScale = new float[to - from];
    }

    /** Rows [from, to) with the fixed σ {@code scale}. */
    static GaussianRows fixed(int from, int to, double scale) {
        return new GaussianRows(from, to, (float) scale, -1, false);
    }

    /**
     * Rows [from, to) with a learned log σ at offset {@code logScale} of the parameters: one per
     * row when {@code perRow}, else one for all.
     */
    static GaussianRows learned(int from, int to, int logScale, boolean perRow) {
        if (logScale < 0) {
            throw new IllegalArgumentException("a learned σ needs its log σ in the parameters");
        }
        return new GaussianRows(from, to, Float.NaN, logScale, perRow);
    }

    @Override
    public void addLogLikelihood(float[] p, float[] outputT, float[] xT, int ld, float[] out) {
        if (logScale < 0) {
            ColumnKernels.gaussianLogLikelihood(outputT, from * ld, xT, from * ld, to - from, ld, scale, out);
            return;
        }
        double logDeterminant = readScales(p);
        int rows = to - from;
        FloatVector constant = FloatVector.broadcast(S, (float) (-logDeterminant - rows * HALF_LOG_TWO_PI));
        for (int c = 0; c < ld; c += V) {
            FloatVector sum = FloatVector.zero(S);
            for (int r = 0, i = from * ld + c; r < rows; r++, i += ld) {
                FloatVector z = FloatVector.fromArray(S, outputT, i)
                        .sub(FloatVector.fromArray(S, xT, i))
                        .mul(rowInverseScale[r]);
                sum = z.mul(-0.5f).fma(z, sum);
            }
            FloatVector.fromArray(S, out, c).add(sum.add(constant)).intoArray(out, c);
        }
    }

    /**
     * gradT = a_c·(m − x)/σ², and for a learned σ, ∂loss/∂log σ = Σ_c a_c (1 − z²) with
     * z = (x − m)/σ, summed over the rows that share it, times the floor's derivative: 1 above
     * it, 0 below, and ½ exactly at it, where the engine's maximum splits the gradient between
     * its two equal arguments.
     */
    @Override
    public void gradient(
            float[] p, float[] outputT, float[] xT, float[] columnWeight, int ld, float[] gradT, float[] gradient) {
        if (logScale < 0) {
            float precision = 1f / (scale * scale);
            for (int i = from * ld, end = to * ld; i < end; i += ld) {
                for (int c = 0; c < ld; c += V) {
                    FloatVector residual =
                            FloatVector.fromArray(S, outputT, i + c).sub(FloatVector.fromArray(S, xT, i + c));
                    residual.mul(precision)
                            .mul(FloatVector.fromArray(S, columnWeight, c))
                            .intoArray(gradT, i + c);
                }
            }
            return;
        }
        readScales(p);
        double shared = 0;
        for (int r = 0; r < to - from; r++) {
            float inverse = rowInverseScale[r];
            float precision = inverse * inverse;
            FloatVector scaleSum = FloatVector.zero(S);
            for (int c = 0, i = (from + r) * ld; c < ld; c += V, i += V) {
                FloatVector a = FloatVector.fromArray(S, columnWeight, c);
                FloatVector residual = FloatVector.fromArray(S, outputT, i).sub(FloatVector.fromArray(S, xT, i));
                residual.mul(precision).mul(a).intoArray(gradT, i);
                FloatVector z = residual.mul(inverse);
                scaleSum = a.sub(a.mul(z).mul(z)).add(scaleSum);
            }
            float rowSum = scaleSum.reduceLanes(VectorOperators.ADD);
            if (perRow) {
                gradient[logScale + r] = floorDerivative(p[logScale + r]) * rowSum;
            } else {
                shared += rowSum;
            }
        }
        if (!perRow) {
            gradient[logScale] = (float) (floorDerivative(p[logScale]) * shared);
        }
    }

    /** Each row's 1/σ from the parameters, log σ floored; returns Σ_r log σ_r. */
    private double readScales(float[] p) {
        double sum = 0;
        for (int r = 0; r < rowInverseScale.length; r++) {
            float floored = Math.max(p[logScale + (perRow ? r : 0)], LOG_SCALE_FLOOR);
            rowInverseScale[r] = (float) Math.exp(-floored);
            sum += floored;
        }
        return sum;
    }

    /** d max(s, floor)/ds as the engine takes it: 1 above the floor, ½ at it, 0 below. */
    private static float floorDerivative(float s) {
        return s > LOG_SCALE_FLOOR ? 1f : s == LOG_SCALE_FLOOR ? 0.5f : 0f;
    }
}
