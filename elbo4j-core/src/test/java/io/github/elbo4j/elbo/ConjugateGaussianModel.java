package io.github.elbo4j.elbo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.elbo4j.distributions.DiagonalNormal;

/**
 * The 1-D conjugate model of docs/ARCHITECTURE.md, "The mathematics": z ~ N(0, 1), x | z ~ N(z, σ_x²), with its exact evidence
 * log p(x) = log N(x; 0, 1 + σ_x²) and posterior N(x/(1 + σ_x²), σ_x²/(1 + σ_x²)), all in double
 * precision.
 */
final class ConjugateGaussianModel {

    final double noiseVariance;

    ConjugateGaussianModel(double noiseVariance) {
        this.noiseVariance = noiseVariance;
    }

    double logEvidence(double x) {
        double v = 1 + noiseVariance;
        return -0.5 * Math.log(2 * Math.PI * v) - x * x / (2 * v);
    }

    double posteriorMean(double x) {
        return x / (1 + noiseVariance);
    }

    double posteriorVariance() {
        return noiseVariance / (1 + noiseVariance);
    }

    /** KL(N(m, s²) ‖ posterior(x)) in closed form. */
    double klToPosterior(double x, double m, double s) {
        double v = posteriorVariance();
        double d = m - posteriorMean(x);
        return 0.5 * (s * s / v + d * d / v - 1 - Math.log(s * s / v));
    }

    /**
     * p(x | z) as a DiagonalNormal over the 1-D observation: logProb([B, 1]) of z [S, B, 1] is [S,
     * B].
     */
    LikelihoodModel likelihood(NDManager manager) {
        NDArray logScale = manager.create(new float[] {(float) (0.5 * Math.log(noiseVariance))});
        return z -> DiagonalNormal.fromLogScale(z, logScale);
    }
}
