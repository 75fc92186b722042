package io.github.elbo4j.spark;

/**
 * Adam (Kingma &amp; Ba 2015) on JVM float arrays, with the same update as
 * {@link io.github.elbo4j.optim.Adam} (PyTorch's {@code torch.optim.Adam}):
 *
 * <pre>
 *   m_t = β1 m + (1 − β1) g,   v_t = β2 v + (1 − β2) g²,
 *   θ_t = θ − α √(1 − β2^t) / (1 − β1^t) · m_t / (√v_t + ε √(1 − β2^t))
 * </pre>
 *
 * <p>The driver's state between rounds lives in plain arrays (it is broadcast, averaged and
 * checkpointed as such), so the update runs on the JVM rather than round-tripping to the engine.
 */
final class FlatAdam {

    static final float BETA1 = 0.9f;
    static final float BETA2 = 0.999f;
    static final float EPSILON = 1e-8f;

    private FlatAdam() {}

    /**
     * Applies update number {@code step} (1-based) in place.
     *
     * @param parameters θ
     * @param m first moment
     * @param v second moment
     * @param gradient g
     * @param learningRate α
     * @param step t after this update
     */
    static void update(float[] parameters, float[] m, float[] v, float[] gradient, double learningRate, long step) {
        double correction1 = 1 - Math.pow(BETA1, step);
        double correction2 = 1 - Math.pow(BETA2, step);
        float stepSize = (float) (learningRate * Math.sqrt(correction2) / correction1);
        float scaledEpsilon = (float) (EPSILON * Math.sqrt(correction2));
        for (int i = 0; i < parameters.length; i++) {
            float g = gradient[i];
            m[i] = BETA1 * m[i] + (1 - BETA1) * g;
            v[i] = BETA2 * v[i] + (1 - BETA2) * g * g;
            parameters[i] -= stepSize * m[i] / ((float) Math.sqrt(v[i]) + scaledEpsilon);
        }
    }
}
