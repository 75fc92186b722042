package io.github.elbo4j.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

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
 */
public final class Adam implements AutoCloseable {

    private static final NDIndex EVERYTHING = new NDIndex(":");

    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final NDArray firstMoment;
    private final NDArray secondMoment;
    private long step;

    /**
     * Creates Adam state for a parameter vector of {@code size} elements.
     *
     * @param manager owns the moment buffers (closed with this optimizer)
     * @param size number of parameters
     * @param beta1 decay of the first moment, in [0, 1)
     * @param beta2 decay of the second moment, in [0, 1)
     * @param epsilon added to the denominator for stability, &gt; 0
     */
    public Adam(NDManager manager, long size, float beta1, float beta2, float epsilon) {
        this(manager, size, DataType.FLOAT32, beta1, beta2, epsilon);
    }

    /**
     * Creates Adam state whose moments have the parameters' floating-point type.
     *
     * @param manager owns the moment buffers (closed with this optimizer)
     * @param size number of parameters
     * @param dataType FLOAT32 or FLOAT64, the type of the parameters
     * @param beta1 decay of the first moment, in [0, 1)
     * @param beta2 decay of the second moment, in [0, 1)
     * @param epsilon added to the denominator for stability, &gt; 0
     */
    public Adam(NDManager manager, long size, DataType dataType, float beta1, float beta2, float epsilon) {
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
        this.firstMoment = manager.zeros(new Shape(size), dataType);
        this.secondMoment = manager.zeros(new Shape(size), dataType);
    }

    /** Adam with the customary defaults β1 = 0.9, β2 = 0.999, ε = 1e-8. */
    public static Adam withDefaults(NDManager manager, long size) {
        return withDefaults(manager, size, DataType.FLOAT32);
    }

    /** Adam with the customary defaults for parameters of the given floating-point type. */
    public static Adam withDefaults(NDManager manager, long size, DataType dataType) {
        return new Adam(manager, size, dataType, 0.9f, 0.999f, 1e-8f);
    }

    /**
     * Applies one update to {@code parameters} in place.
     *
     * @param parameters flat parameter vector
     * @param gradient its gradient (same shape); temporaries are attached to {@code scope}
     * @param learningRate step size α
     * @param scope manager that owns the temporaries of this step
     */
    public void update(NDArray parameters, NDArray gradient, float learningRate, NDManager scope) {
        step++;
        double correction1 = 1 - Math.pow(beta1, step);
        double correction2 = 1 - Math.pow(beta2, step);
        float stepSize = (float) (learningRate * Math.sqrt(correction2) / correction1);
        float scaledEpsilon = (float) (epsilon * Math.sqrt(correction2));

        NDArray scaledGradient = gradient.mul(1 - beta1);
        scaledGradient.attach(scope);
        firstMoment.muli(beta1).addi(scaledGradient);
        NDArray squaredGradient = gradient.square().muli(1 - beta2);
        squaredGradient.attach(scope);
        secondMoment.muli(beta2).addi(squaredGradient);
        NDArray denominator = secondMoment.sqrt().addi(scaledEpsilon);
        denominator.attach(scope);
        NDArray delta = firstMoment.mul(stepSize).divi(denominator);
        delta.attach(scope);
        parameters.subi(delta);
    }

    /** Number of updates applied so far (t). */
    public long step() {
        return step;
    }

    /** First-moment estimate m (live buffer; copy before storing). */
    public NDArray firstMoment() {
        return firstMoment;
    }

    /** Second-moment estimate v (live buffer; copy before storing). */
    public NDArray secondMoment() {
        return secondMoment;
    }

    /** Restores the state written by a checkpoint: moments and step count. */
    public void restore(float[] m, float[] v, long stepCount) {
        if (m.length != firstMoment.size() || v.length != secondMoment.size()) {
            throw new IllegalArgumentException(
                    "Adam state has " + m.length + "/" + v.length + " entries, expected "
                            + firstMoment.size());
        }
        if (stepCount < 0) {
            throw new IllegalArgumentException("Adam step count must be >= 0, got " + stepCount);
        }
        // Copied into the existing buffers: set(float[]) would re-point them at JVM memory.
        try (NDArray restoredM = firstMoment.getManager().create(m);
                NDArray restoredV = secondMoment.getManager().create(v)) {
            firstMoment.set(EVERYTHING, restoredM);
            secondMoment.set(EVERYTHING, restoredV);
        }
        step = stepCount;
    }

    @Override
    public void close() {
        firstMoment.close();
        secondMoment.close();
    }
}
