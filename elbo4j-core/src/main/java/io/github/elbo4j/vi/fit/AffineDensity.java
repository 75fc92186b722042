package io.github.elbo4j.vi.fit;

import io.github.elbo4j.vi.UnconstrainedDensity;

/**
 * A log density seen through an affine change of variables {@code z = shift + A u} with A lower
 * triangular: {@code g(u) = f(shift + A u) + log|det A|}, {@code ∇g(u) = Aᵀ ∇f(z)}.
 *
 * <p>With shift the mode and A the Cholesky factor of the Laplace covariance (or its diagonal), the
 * posterior in u is close to a standard normal: every coordinate has unit scale, so one gradient
 * tolerance means the same accuracy for every parameter, and optimizers that start at q = N(0, I)
 * start at the Laplace approximation. The constant {@code log|det A|} makes the ELBO of a q in u
 * equal to the ELBO of its image in z.
 */
public final class AffineDensity implements UnconstrainedDensity {

    private final UnconstrainedDensity inner;
    private final double[] shift;
    private final double[][] scaleTril;
    private final double logDeterminant;
    private double[] z = new double[0];
    private double[] zGradient = new double[0];

    /**
     * Wraps f.
     *
     * @param inner f over z (not closed by this wrapper)
     * @param shift the shift, {@code [D]}
     * @param scaleTril A, lower triangular with a positive diagonal, {@code [D][D]}
     */
    public AffineDensity(UnconstrainedDensity inner, double[] shift, double[][] scaleTril) {
        this.inner = inner;
        this.shift = shift.clone();
        int d = shift.length;
        this.scaleTril = new double[d][];
        double logDet = 0;
        for (int i = 0; i < d; i++) {
            this.scaleTril[i] = scaleTril[i].clone();
            logDet += Math.log(scaleTril[i][i]);
        }
        this.logDeterminant = logDet;
    }

    /** The shift. */
    public double[] shift() {
        return shift.clone();
    }

    /** A. */
    public double[][] scaleTril() {
        double[][] copy = new double[scaleTril.length][];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = scaleTril[i].clone();
        }
        return copy;
    }

    /** {@code shift + A u}. */
    public double[] toZ(double[] u) {
        double[] result = new double[u.length];
        map(u, 0, result, 0);
        return result;
    }

    @Override
    public void evaluate(double[] u, int count, int[] records, double[] logDensity, double[] gradient) {
        int d = shift.length;
        if (z.length < count * d) {
            z = new double[count * d];
            zGradient = new double[count * d];
        }
        for (int s = 0; s < count; s++) {
            map(u, s * d, z, s * d);
        }
        inner.evaluate(z, count, records, logDensity, gradient == null ? null : zGradient);
        for (int s = 0; s < count; s++) {
            logDensity[s] += logDeterminant;
            if (gradient != null) {
                int row = s * d;
                for (int j = 0; j < d; j++) {
                    double sum = 0;
                    for (int i = j; i < d; i++) {
                        sum += scaleTril[i][j] * zGradient[row + i];
                    }
                    gradient[row + j] = sum;
                }
            }
        }
    }

    private void map(double[] u, int from, double[] target, int to) {
        int d = shift.length;
        for (int i = 0; i < d; i++) {
            double value = shift[i];
            for (int k = 0; k <= i; k++) {
                value += scaleTril[i][k] * u[from + k];
            }
            target[to + i] = value;
        }
    }

    @Override
    public String engine() {
        return inner.engine();
    }
}
