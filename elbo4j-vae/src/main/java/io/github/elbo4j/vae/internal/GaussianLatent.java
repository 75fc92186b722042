package io.github.elbo4j.vae.internal;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The diagonal Gaussian latent layer of the fused training steps ({@link FusedElboStep},
 * {@link FusedConvStep}): z = μ + σ ε, the closed-form KL of q(z|x) = N(μ, σ²) to N(0, I) with free
 * bits, and the ELBO's gradient through both. Arrays are feature-major: row r of a {@code [latent, ld]}
 * array holds dimension r of the batch's columns, ld a multiple of the vector length.
 */
final class GaussianLatent {

    private static final VectorSpecies<Float> S = VectorMath.S;
    private static final int V = S.length();

    private GaussianLatent() {}

    /**
     * σ = exp(½ log σ²) {@code [latent, ld]}, and z = μ + σ ε {@code [latent, K·ld]} for K particles,
     * particle k in columns k·ld + b of each row.
     */
    static void sample(
            float[] locT,
            float[] logVarT,
            float[] noiseT,
            int latent,
            int ld,
            int particles,
            float[] sigmaT,
            float[] z) {
        int columns = particles * ld;
        for (int r = 0; r < latent; r++) {
            for (int c = r * ld, end = c + ld; c < end; c += V) {
                VectorMath.exp(FloatVector.fromArray(S, logVarT, c).mul(0.5f)).intoArray(sigmaT, c);
            }
            for (int k = 0; k < particles; k++) {
                for (int b = 0; b < ld; b += V) {
                    int c = r * columns + k * ld + b;
                    FloatVector sigma = FloatVector.fromArray(S, sigmaT, r * ld + b);
                    FloatVector mu = FloatVector.fromArray(S, locT, r * ld + b);
                    sigma.fma(FloatVector.fromArray(S, noiseT, c), mu).intoArray(z, c);
                }
            }
        }
    }

    /**
     * KL(N(μ, σ²) ‖ N(0, I)) = ½ Σ (μ² + σ² − log σ² − 1), summed over the batch's first
     * {@code batch} columns: per dimension into {@code klPerDimension}, the total returned.
     */
    static double kl(
            float[] locT, float[] logVarT, float[] sigmaT, int latent, int ld, int batch, double[] klPerDimension) {
        double kl = 0;
        for (int r = 0; r < latent; r++) {
            double sum = 0;
            for (int b = 0, c = r * ld; b < batch; b++, c++) {
                float mu = locT[c];
                float variance = sigmaT[c] * sigmaT[c];
                sum += 0.5f * (mu * mu + variance - logVarT[c] - 1f);
            }
            klPerDimension[r] = sum;
            kl += sum;
        }
        return kl;
    }

    /**
     * ∂loss/∂KL_bj per dimension: w/B, or 0 where free bits hold the dimension's mean KL at or below
     * its floor (the floor's constant has no gradient).
     */
    static void klGradientWeights(
            double[] klPerDimension, int latent, int batch, double freeBits, double klWeight, float[] weights) {
        for (int r = 0; r < latent; r++) {
            boolean floored = freeBits > 0 && klPerDimension[r] / batch <= freeBits;
            weights[r] = floored ? 0f : (float) (klWeight / batch);
        }
    }

    /**
     * The ELBO's gradient through z = μ + σ ε and the analytic KL, from dz {@code [latent, ld]}:
     * dμ = dz + w μ, d log σ² = ½ σ ε dz + w ½ (σ² − 1), w the dimension's KL gradient weight.
     */
    static void elboGradient(
            float[] latentGradT,
            float[] locT,
            float[] sigmaT,
            float[] noiseT,
            float[] klGradientWeight,
            int latent,
            int ld,
            float[] locGradT,
            float[] logVarGradT) {
        for (int r = 0; r < latent; r++) {
            FloatVector weight = FloatVector.broadcast(S, klGradientWeight[r]);
            for (int c = r * ld, end = c + ld; c < end; c += V) {
                FloatVector dz = FloatVector.fromArray(S, latentGradT, c);
                FloatVector mu = FloatVector.fromArray(S, locT, c);
                FloatVector sigma = FloatVector.fromArray(S, sigmaT, c);
                FloatVector eps = FloatVector.fromArray(S, noiseT, c);
                dz.add(mu.mul(weight)).intoArray(locGradT, c);
                FloatVector path = dz.mul(sigma).mul(eps);
                FloatVector klPart = sigma.mul(sigma).sub(1f).mul(weight);
                path.add(klPart).mul(0.5f).intoArray(logVarGradT, c);
            }
        }
    }
}
