package io.github.elbo4j.vi;

/**
 * Adam (Kingma and Ba 2015) in plain doubles over the few variational parameters of a Gaussian
 * guide, taking ascent steps on the ELBO. The update is that of {@link io.github.elbo4j.optim.Adam}
 * (β1 = 0.9, β2 = 0.999, ε = 1e-8 added to the bias-corrected √v̂, as PyTorch); that class works on
 * DJL arrays for networks, where one fused tensor update beats a loop, while here φ has tens of
 * entries and a loop costs less than one call into the engine.
 */
final class AdamAscent {

    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;

    private final double[] firstMoment;
    private final double[] secondMoment;
    private long step;

    AdamAscent(int size) {
        this.firstMoment = new double[size];
        this.secondMoment = new double[size];
    }

    /**
     * Moves {@code phi} up the gradient by one step.
     *
     * @param phi the parameters, updated in place
     * @param gradient the gradient of the objective to maximise
     * @param learningRate the step size η
     */
    void ascend(double[] phi, double[] gradient, double learningRate) {
        step++;
        double correction1 = 1 - Math.pow(BETA1, step);
        double correction2 = 1 - Math.pow(BETA2, step);
        for (int i = 0; i < phi.length; i++) {
            double g = gradient[i];
            firstMoment[i] = BETA1 * firstMoment[i] + (1 - BETA1) * g;
            secondMoment[i] = BETA2 * secondMoment[i] + (1 - BETA2) * g * g;
            double meanHat = firstMoment[i] / correction1;
            double varianceHat = secondMoment[i] / correction2;
            phi[i] += learningRate * meanHat / (Math.sqrt(varianceHat) + EPSILON);
        }
    }
}
