package io.github.elbo4j.vae;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import java.util.Arrays;

/**
 * The first encoder layer's two products with the input, for a batch that is mostly zeros
 * (binarized MNIST is 13% ones): the pre-activations Σ_j x_bj W[:, j] and the weight gradient
 * Σ_b x_bj δ_b, summed over the non-zero inputs only.
 *
 * <p>Each output is the same fused multiply-adds in the same order as {@link Gemm}'s dense product
 * (over j, or over b, ascending), less the ones with a zero factor, which leave a sum unchanged; the
 * results are therefore the dense product's, bit for bit. The pre-activations read contiguous rows
 * of Wᵀ and the gradient writes contiguous rows of dWᵀ, so the weights are transposed in and the
 * gradient out (0.07 ms each for the standard model's 200 × 784). {@link #index} decides per batch:
 * at most {@link #MAX_DENSITY} non-zeros, the sparse path, else the dense product.
 */
final class SparseInputLayer {

    /**
     * The largest share of non-zero inputs that takes the sparse path. Its fixed cost (indexing,
     * two transpositions) and its cost per non-zero break even with the dense products at about
     * 30% for the standard model.
     */
    static final double MAX_DENSITY = 0.25;

    private static final VectorSpecies<Float> S = VectorMath.S;
    private static final int V = S.length();

    private final int inputs;
    private final int outputs;
    /** The non-zeros by example: example b's input indices are inputIndex[exampleStart[b] .. exampleStart[b + 1]). */
    private final int[] exampleStart;
    private final int[] inputIndex;
    /** The non-zeros by input: input j's example indices are exampleIndex[inputStart[j] .. inputStart[j + 1]). */
    private final int[] inputStart;
    private final int[] exampleIndex;
    /** Wᵀ and dWᵀ, [inputs, outputs]. */
    private final float[] weightT;
    private final float[] gradientT;

    SparseInputLayer(int inputs, int outputs, int maxBatch) {
        this.inputs = inputs;
        this.outputs = outputs;
        exampleStart = new int[maxBatch + 1];
        inputIndex = new int[maxBatch * inputs];
        inputStart = new int[inputs + 1];
        exampleIndex = new int[maxBatch * inputs];
        weightT = new float[inputs * outputs];
        gradientT = new float[inputs * outputs];
    }

    /**
     * Indexes the non-zeros of {@code x} (row-major [batch, inputs]) and returns whether they are
     * few enough for the sparse path; the other methods use the last batch indexed.
     */
    boolean index(float[] x, int batch) {
        int count = 0;
        for (int b = 0; b < batch; b++) {
            exampleStart[b] = count;
            int row = b * inputs;
            // Branch-free: every index is written, and kept by advancing past it when non-zero.
            for (int j = 0; j < inputs; j++) {
                inputIndex[count] = j;
                count += x[row + j] != 0f ? 1 : 0;
            }
        }
        exampleStart[batch] = count;
        if (count > MAX_DENSITY * batch * inputs) {
            return false;
        }
        // The same non-zeros by input, each input's examples in ascending order (a counting sort).
        Arrays.fill(inputStart, 0);
        for (int q = 0; q < count; q++) {
            inputStart[inputIndex[q] + 1]++;
        }
        for (int j = 0; j < inputs; j++) {
            inputStart[j + 1] += inputStart[j];
        }
        for (int b = 0; b < batch; b++) {
            for (int q = exampleStart[b]; q < exampleStart[b + 1]; q++) {
                int j = inputIndex[q];
                exampleIndex[inputStart[j]++] = b;
            }
        }
        // The fill advanced each start to the next input's: shift them back.
        System.arraycopy(inputStart, 0, inputStart, 1, inputs);
        inputStart[0] = 0;
        return true;
    }

    /** preRows[b, :] = Σ_j x_bj W[:, j], with W the [outputs, inputs] weight at {@code p[weight]}. */
    void preActivations(float[] p, int weight, float[] x, int batch, float[] preRows) {
        Transpose.copy(p, weight, inputs, outputs, inputs, weightT, 0, outputs);
        int whole = outputs - outputs % V;
        for (int b = 0; b < batch; b++) {
            int row = b * outputs;
            Arrays.fill(preRows, row, row + outputs, 0f);
            int q = exampleStart[b];
            int end = exampleStart[b + 1];
            // Four inputs per pass over the row: a quarter of the loads and stores of the sums.
            for (; q + 4 <= end; q += 4) {
                int w0 = inputIndex[q] * outputs;
                int w1 = inputIndex[q + 1] * outputs;
                int w2 = inputIndex[q + 2] * outputs;
                int w3 = inputIndex[q + 3] * outputs;
                FloatVector x0 = FloatVector.broadcast(S, x[b * inputs + inputIndex[q]]);
                FloatVector x1 = FloatVector.broadcast(S, x[b * inputs + inputIndex[q + 1]]);
                FloatVector x2 = FloatVector.broadcast(S, x[b * inputs + inputIndex[q + 2]]);
                FloatVector x3 = FloatVector.broadcast(S, x[b * inputs + inputIndex[q + 3]]);
                for (int c = 0; c < whole; c += V) {
                    FloatVector sum = FloatVector.fromArray(S, preRows, row + c);
                    sum = FloatVector.fromArray(S, weightT, w0 + c).fma(x0, sum);
                    sum = FloatVector.fromArray(S, weightT, w1 + c).fma(x1, sum);
                    sum = FloatVector.fromArray(S, weightT, w2 + c).fma(x2, sum);
                    sum = FloatVector.fromArray(S, weightT, w3 + c).fma(x3, sum);
                    sum.intoArray(preRows, row + c);
                }
                for (int c = whole; c < outputs; c++) {
                    float sum = preRows[row + c];
                    sum = Math.fma(weightT[w0 + c], x[b * inputs + inputIndex[q]], sum);
                    sum = Math.fma(weightT[w1 + c], x[b * inputs + inputIndex[q + 1]], sum);
                    sum = Math.fma(weightT[w2 + c], x[b * inputs + inputIndex[q + 2]], sum);
                    preRows[row + c] = Math.fma(weightT[w3 + c], x[b * inputs + inputIndex[q + 3]], sum);
                }
            }
            for (; q < end; q++) {
                int w = inputIndex[q] * outputs;
                float value = x[b * inputs + inputIndex[q]];
                FloatVector xq = FloatVector.broadcast(S, value);
                for (int c = 0; c < whole; c += V) {
                    FloatVector.fromArray(S, weightT, w + c).fma(xq, FloatVector.fromArray(S, preRows, row + c))
                            .intoArray(preRows, row + c);
                }
                for (int c = whole; c < outputs; c++) {
                    preRows[row + c] = Math.fma(weightT[w + c], value, preRows[row + c]);
                }
            }
        }
    }

    /**
     * Writes dW[:, j] = Σ_b x_bj δ_b into the [outputs, inputs] block at {@code gradient[weight]},
     * with δ the pre-activation gradients, row-major [batch, outputs].
     */
    void weightGradient(float[] x, float[] deltaRows, float[] gradient, int weight) {
        int blocks = outputs - outputs % (4 * V);
        int whole = outputs - outputs % V;
        for (int j = 0; j < inputs; j++) {
            int row = j * outputs;
            int from = inputStart[j];
            int to = inputStart[j + 1];
            // Four vectors of sums per pass over input j's examples.
            for (int c = 0; c < blocks; c += 4 * V) {
                FloatVector s0 = FloatVector.zero(S);
                FloatVector s1 = FloatVector.zero(S);
                FloatVector s2 = FloatVector.zero(S);
                FloatVector s3 = FloatVector.zero(S);
                for (int q = from; q < to; q++) {
                    int b = exampleIndex[q];
                    int d = b * outputs + c;
                    FloatVector xq = FloatVector.broadcast(S, x[b * inputs + j]);
                    s0 = FloatVector.fromArray(S, deltaRows, d).fma(xq, s0);
                    s1 = FloatVector.fromArray(S, deltaRows, d + V).fma(xq, s1);
                    s2 = FloatVector.fromArray(S, deltaRows, d + 2 * V).fma(xq, s2);
                    s3 = FloatVector.fromArray(S, deltaRows, d + 3 * V).fma(xq, s3);
                }
                s0.intoArray(gradientT, row + c);
                s1.intoArray(gradientT, row + c + V);
                s2.intoArray(gradientT, row + c + 2 * V);
                s3.intoArray(gradientT, row + c + 3 * V);
            }
            for (int c = blocks; c < whole; c += V) {
                FloatVector sum = FloatVector.zero(S);
                for (int q = from; q < to; q++) {
                    int b = exampleIndex[q];
                    sum = FloatVector.fromArray(S, deltaRows, b * outputs + c)
                            .fma(FloatVector.broadcast(S, x[b * inputs + j]), sum);
                }
                sum.intoArray(gradientT, row + c);
            }
            for (int c = whole; c < outputs; c++) {
                float sum = 0f;
                for (int q = from; q < to; q++) {
                    int b = exampleIndex[q];
                    sum = Math.fma(deltaRows[b * outputs + c], x[b * inputs + j], sum);
                }
                gradientT[row + c] = sum;
            }
        }
        Transpose.copy(gradientT, 0, outputs, inputs, outputs, gradient, weight, inputs);
    }
}
