package io.github.elbo4j.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.math.TensorUpload;
import java.nio.ByteOrder;

/**
 * Adam (Kingma &amp; Ba 2015) over one flat parameter vector, updated in place.
 *
 * <pre>
 *   m_t = β1 m_{t-1} + (1 − β1) g_t
 *   v_t = β2 v_{t-1} + (1 − β2) g_t²
 *   θ_t = θ_{t-1} − α √(1 − β2^t) / (1 − β1^t) · m_t / (√v_t + ε̂)
 * </pre>
 *
 * with ε̂ = ε √(1 − β2^t), which makes the update identical to PyTorch's {@code torch.optim.Adam}
 * (ε added to the bias-corrected √v̂). The state (m, v, t) is exposed so that a checkpoint can
 * restore it exactly.
 *
 * <p>The moments live in JVM arrays and the update is one loop that the JIT vectorizes: on the
 * standard model's 425,000 parameters it took 0.2 ms against 1.5 ms for the same update written as
 * a dozen engine operations, each a pass over the vector with its own temporary (BENCHMARKS.md). The engine sees
 * one upload of the step and one in-place subtraction. Not thread-safe: one instance per run.
 */
public final class Adam {

    /** The customary defaults, also PyTorch's. */
    public static final float DEFAULT_BETA1 = 0.9f;
    public static final float DEFAULT_BETA2 = 0.999f;
    public static final float DEFAULT_EPSILON = 1e-8f;

    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float[] firstMoment;
    private final float[] secondMoment;
    private final TensorUpload upload = new TensorUpload();
    /** The gradient, then the step, of the update in progress. */
    private final float[] delta;
    private long step;

    /**
     * Creates Adam state for a parameter vector of {@code size} elements.
     *
     * @param size number of parameters
     * @param beta1 decay of the first moment, in [0, 1)
     * @param beta2 decay of the second moment, in [0, 1)
     * @param epsilon added to the denominator for stability, &gt; 0
     */
    public Adam(int size, float beta1, float beta2, float epsilon) {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException(
                    "Adam betas must lie in [0, 1), got beta1=" + beta1 + ", beta2=" + beta2);
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("Adam epsilon must be positive, got " + epsilon);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.firstMoment = new float[size];
        this.secondMoment = new float[size];
        this.delta = new float[size];
    }

    /** Adam with the customary defaults β1 = 0.9, β2 = 0.999, ε = 1e-8. */
    public static Adam withDefaults(int size) {
        return new Adam(size, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON);
    }

    /**
     * Applies one update to {@code parameters} in place.
     *
     * @param parameters flat float32 parameter vector
     * @param gradient its gradient (same shape)
     * @param learningRate step size α
     * @param scope manager that owns the temporaries of this step
     */
    public void update(NDArray parameters, NDArray gradient, float learningRate, NDManager scope) {
        if (gradient.size() != delta.length || gradient.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("gradient has " + gradient.size() + " " + gradient.getDataType()
                    + " entries, Adam was made for " + delta.length + " float32 ones");
        }
        // Read through a view of the engine's memory where it offers one: toFloatArray() would
        // stage the vector in a fresh direct buffer every step.
        gradient.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer().get(delta);
        step++;
        toDeltas(delta, firstMoment, secondMoment, learningRate, step, beta1, beta2, epsilon);
        parameters.subi(upload.upload(scope, delta, new Shape(delta.length)));
    }

    /**
     * One update, number {@code step} (1-based), with the default hyperparameters, for a caller that
     * keeps θ, m and v in its own arrays (all updated in place; {@code gradient} is left as it is).
     */
    public static void update(float[] parameters, float[] m, float[] v, float[] gradient, double learningRate,
            long step) {
        float[] delta = gradient.clone();
        toDeltas(delta, m, v, learningRate, step, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON);
        for (int i = 0; i < parameters.length; i++) {
            parameters[i] -= delta[i];
        }
    }

    /** Advances m and v by the gradient held in {@code delta} and replaces it with the step θ_{t-1} − θ_t. */
    private static void toDeltas(float[] delta, float[] m, float[] v, double learningRate, long step, float beta1,
            float beta2, float epsilon) {
        double correction1 = 1 - Math.pow(beta1, step);
        double correction2 = 1 - Math.pow(beta2, step);
        float stepSize = (float) (learningRate * Math.sqrt(correction2) / correction1);
        float scaledEpsilon = (float) (epsilon * Math.sqrt(correction2));
        float keep1 = 1 - beta1;
        float keep2 = 1 - beta2;
        for (int i = 0; i < delta.length; i++) {
            float g = delta[i];
            float mi = beta1 * m[i] + keep1 * g;
            float vi = beta2 * v[i] + keep2 * (g * g);
            m[i] = mi;
            v[i] = vi;
            delta[i] = stepSize * mi / ((float) Math.sqrt(vi) + scaledEpsilon);
        }
    }

    /** Number of updates applied so far (t). */
    public long step() {
        return step;
    }

    /** A copy of the first-moment estimate m. */
    public float[] firstMoment() {
        return firstMoment.clone();
    }

    /** A copy of the second-moment estimate v. */
    public float[] secondMoment() {
        return secondMoment.clone();
    }

    /** Restores the state written by a checkpoint: moments and step count. */
    public void restore(float[] m, float[] v, long stepCount) {
        if (m.length != firstMoment.length || v.length != secondMoment.length) {
            throw new IllegalArgumentException(
                    "Adam state has " + m.length + "/" + v.length + " entries, expected " + firstMoment.length);
        }
        if (stepCount < 0) {
            throw new IllegalArgumentException("Adam step count must be >= 0, got " + stepCount);
        }
        System.arraycopy(m, 0, firstMoment, 0, m.length);
        System.arraycopy(v, 0, secondMoment, 0, v.length);
        step = stepCount;
    }
}
