package io.github.elbo4j.vae.internal;

import io.github.elbo4j.vae.model.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The forward elementwise passes of {@link FusedElboStep} and {@link FusedImportanceSampler} over
 * feature-major activations ([rows, ld], one column per decoded sample, rows padded to whole
 * vectors): bias and activation in one pass, and the per-column log-likelihood of the data.
 *
 * <p>Each likelihood and activation has a loop of its own: a vector assigned in two branches of one
 * loop is boxed by Java 17's compiler, one allocation per element group.
 */
public final class ColumnKernels {

    private static final VectorSpecies<Float> S = VectorMath.S;
    private static final int V = S.length();
    private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
    /** Rows whose log(1 + e^{−|l|}) terms {@link #bernoulliLogLikelihood} takes as one log of a product. */
    static final int PRODUCT_ROWS = 64;

    private ColumnKernels() {}

    /** Columns padded to whole vectors: the row stride of every feature-major buffer. */
    public static int padded(int columns) {
        return (columns + V - 1) / V * V;
    }

    /** One row's pass act(row + bias) over columns {@code [from, to)}, whole vectors. */
    @FunctionalInterface
    private interface RowActivation {
        void apply(float[] rowsT, float bias, int from, int to);
    }

    /**
     * rowsT[r, ·] = act(rowsT[r, ·] + bias[r]) over whole padded rows. The switch has no default:
     * an activation without a kernel here does not compile.
     */
    static void activate(Activation activation, float[] rowsT, float[] p, int bias, int rows, int ld) {
        RowActivation kernel = switch (activation) {
            case TANH -> ColumnKernels::tanhRow;
            case RELU -> ColumnKernels::reluRow;
            case SOFTPLUS -> ColumnKernels::softplusRow;
        };
        for (int r = 0; r < rows; r++) {
            kernel.apply(rowsT, p[bias + r], r * ld, r * ld + ld);
        }
    }

    private static void tanhRow(float[] rowsT, float bias, int from, int to) {
        FloatVector b = FloatVector.broadcast(S, bias);
        for (int c = from; c < to; c += V) {
            VectorMath.tanh(FloatVector.fromArray(S, rowsT, c).add(b)).intoArray(rowsT, c);
        }
    }

    private static void reluRow(float[] rowsT, float bias, int from, int to) {
        FloatVector b = FloatVector.broadcast(S, bias);
        for (int c = from; c < to; c += V) {
            FloatVector.fromArray(S, rowsT, c).add(b).max(0f).intoArray(rowsT, c);
        }
    }

    private static void softplusRow(float[] rowsT, float bias, int from, int to) {
        FloatVector b = FloatVector.broadcast(S, bias);
        for (int c = from; c < to; c += V) {
            FloatVector pre = FloatVector.fromArray(S, rowsT, c).add(b);
            VectorMath.softplus(pre, VectorMath.exp(pre.abs().neg())).intoArray(rowsT, c);
        }
    }

    /** rowsT[r, ·] += bias[r] over whole padded rows. */
    static void addBias(float[] rowsT, float[] p, int bias, int rows, int ld) {
        for (int r = 0; r < rows; r++) {
            FloatVector b = FloatVector.broadcast(S, p[bias + r]);
            for (int c = r * ld, end = c + ld; c < end; c += V) {
                FloatVector.fromArray(S, rowsT, c).add(b).intoArray(rowsT, c);
            }
        }
    }

    /**
     * out[c] += Σ_r x·l − softplus(l) over {@code rows} rows of column c, logits l from
     * {@code logitsOff} and data x from {@code xOff} (both with row stride {@code ld}): log p(x|z)
     * of a Bernoulli decoder, or its share from these rows.
     *
     * <p>softplus(l) = max(l, 0) + log(1 + e^{−|l|}), and the second terms of up to
     * {@link #PRODUCT_ROWS} rows are summed as the log of their product: one log per group of rows
     * in place of one per element. Each factor lies in [1, 2], so a group's product stays below
     * 2⁶⁴, and its rounding (about 4e-6 relative) moves the sum by about as much as summing the
     * group's terms in float would.
     */
    static void bernoulliLogLikelihood(
            float[] logitsT, int logitsOff, float[] xT, int xOff, int rows, int ld, float[] out) {
        for (int group = 0; group < rows; group += PRODUCT_ROWS) {
            int groupRows = Math.min(PRODUCT_ROWS, rows - group);
            for (int c = 0; c < ld; c += V) {
                FloatVector sum = FloatVector.zero(S);
                FloatVector product = FloatVector.broadcast(S, 1f);
                for (int r = group, l0 = logitsOff + group * ld + c, x0 = xOff + group * ld + c;
                        r < group + groupRows;
                        r++, l0 += ld, x0 += ld) {
                    FloatVector l = FloatVector.fromArray(S, logitsT, l0);
                    product = product.fma(VectorMath.expOfMinus(l.abs()), product);
                    sum = FloatVector.fromArray(S, xT, x0).fma(l, sum).sub(l.max(0f));
                }
                FloatVector.fromArray(S, out, c)
                        .add(sum.sub(VectorMath.log(product)))
                        .intoArray(out, c);
            }
        }
    }

    /**
     * out[c] −= Σ_r softplus(l[r, c] + bias[r]) over {@code rows} rows of column c: the part of a
     * Bernoulli decoder's log p(x|z) that does not depend on x, for logits without their bias
     * (the products' output). Summed as in {@link #bernoulliLogLikelihood}.
     */
    static void subtractSoftplusSums(float[] logitsT, float[] p, int bias, int rows, int ld, float[] out) {
        for (int group = 0; group < rows; group += PRODUCT_ROWS) {
            int groupRows = Math.min(PRODUCT_ROWS, rows - group);
            for (int c = 0; c < ld; c += V) {
                FloatVector sum = FloatVector.zero(S);
                FloatVector product = FloatVector.broadcast(S, 1f);
                for (int r = group, l0 = group * ld + c; r < group + groupRows; r++, l0 += ld) {
                    FloatVector l = FloatVector.fromArray(S, logitsT, l0).add(p[bias + r]);
                    product = product.fma(VectorMath.expOfMinus(l.abs()), product);
                    sum = sum.add(l.max(0f));
                }
                FloatVector.fromArray(S, out, c)
                        .sub(sum.add(VectorMath.log(product)))
                        .intoArray(out, c);
            }
        }
    }

    /**
     * out[c] += Σ_r log N(x | m, σ²) over {@code rows} rows of column c, means m from
     * {@code meanOff} and data x from {@code xOff} (both with row stride {@code ld}): log p(x|z) of
     * a fixed-σ Gaussian decoder, or its share from these rows.
     */
    static void gaussianLogLikelihood(
            float[] meanT, int meanOff, float[] xT, int xOff, int rows, int ld, float scale, float[] out) {
        FloatVector constant = FloatVector.broadcast(S, (float) (-rows * (Math.log(scale) + HALF_LOG_TWO_PI)));
        float halfPrecision = -0.5f / (scale * scale);
        for (int c = 0; c < ld; c += V) {
            FloatVector sum = FloatVector.zero(S);
            for (int r = 0, m0 = meanOff + c, x0 = xOff + c; r < rows; r++, m0 += ld, x0 += ld) {
                FloatVector residual = FloatVector.fromArray(S, meanT, m0).sub(FloatVector.fromArray(S, xT, x0));
                sum = residual.mul(halfPrecision).fma(residual, sum);
            }
            FloatVector.fromArray(S, out, c).add(sum.add(constant)).intoArray(out, c);
        }
    }
}
