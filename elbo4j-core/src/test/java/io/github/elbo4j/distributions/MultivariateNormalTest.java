package io.github.elbo4j.distributions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.elbo4j.testing.Samples;
import org.hipparchus.distribution.multivariate.MultivariateNormalDistribution;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.LUDecomposition;
import org.hipparchus.linear.RealMatrix;
import org.junit.jupiter.api.Test;

class MultivariateNormalTest {

    private static final float[] LOC = {0.5f, -1f, 2f};
    private static final float[][] TRIL = {{1.2f, 0f, 0f}, {-0.6f, 0.7f, 0f}, {0.3f, 0.9f, 1.5f}};

    @Test
    void logProbMatchesHipparchusAtManyPoints() {
        int n = 200;
        RealMatrix sigma = covariance(TRIL);
        MultivariateNormalDistribution oracle = new MultivariateNormalDistribution(toDouble(LOC), sigma.getData());
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(31);
            NDArray points = m.randomNormal(0f, 2.5f, new Shape(n, 3), DataType.FLOAT32);
            MultivariateNormal mvn = new MultivariateNormal(m.create(LOC), m.create(TRIL));
            NDArray logProb = mvn.logProb(points);
            assertThat(logProb.getShape()).isEqualTo(new Shape(n));
            double[] x = Samples.toDoubles(points);
            double[] got = Samples.toDoubles(logProb);
            for (int i = 0; i < n; i++) {
                double expected = Math.log(oracle.density(new double[] {x[3 * i], x[3 * i + 1], x[3 * i + 2]}));
                assertThat(got[i]).isCloseTo(expected, within(Samples.tolerance(expected, 1e-5)));
            }
        }
    }

    @Test
    void entropyIsHalfLogDetOfTwoPiECovarianceByHipparchusLu() {
        double det = new LUDecomposition(covariance(TRIL)).getDeterminant();
        double expected = 0.5 * Math.log(Math.pow(2 * Math.PI * Math.E, 3) * det);
        try (NDManager m = NDManager.newBaseManager()) {
            MultivariateNormal mvn = new MultivariateNormal(m.create(LOC), m.create(TRIL));
            assertThat((double) mvn.entropy().getFloat())
                    .isCloseTo(expected, within(Samples.tolerance(expected, 1e-5)));
            double[] cov = Samples.toDoubles(mvn.covariance());
            RealMatrix sigma = covariance(TRIL);
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    assertThat(cov[3 * i + j]).isCloseTo(sigma.getEntry(i, j), within(1e-6));
                }
            }
        }
    }

    @Test
    void entropyEqualsMonteCarloNegativeMeanLogDensityWithinFourStandardErrors() {
        int n = 20_000;
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(404);
            MultivariateNormal mvn = new MultivariateNormal(m.create(LOC), m.create(TRIL));
            double[] negLogDensity =
                    Samples.toDoubles(mvn.logProb(mvn.sample(m, n)).neg());
            assertThat((double) mvn.entropy().getFloat())
                    .isCloseTo(Samples.mean(negLogDensity), within(4 * Samples.standardError(negLogDensity)));
        }
    }

    @Test
    void samplesHaveTheCovarianceLLTransposeWithinFourStandardErrors() {
        int n = 40_000;
        RealMatrix sigma = covariance(TRIL);
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(17);
            double[] draws = Samples.toDoubles(new MultivariateNormal(m.create(LOC), m.create(TRIL)).sample(m, n));
            for (int i = 0; i < 3; i++) {
                double[] ci = Samples.column(draws, 3, i);
                assertThat(Samples.mean(ci)).isCloseTo(LOC[i], within(4 * Samples.standardError(ci)));
                for (int j = 0; j <= i; j++) {
                    double[] cj = Samples.column(draws, 3, j);
                    double[] products = new double[n];
                    for (int s = 0; s < n; s++) {
                        products[s] = (ci[s] - LOC[i]) * (cj[s] - LOC[j]);
                    }
                    assertThat(Samples.mean(products))
                            .as("Σ[%s][%s]", i, j)
                            .isCloseTo(sigma.getEntry(i, j), within(4 * Samples.standardError(products)));
                }
            }
        }
    }

    @Test
    void batchedFactorsBroadcastAgainstParticles() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray locs = m.create(new float[][] {{0f, 0f}, {1f, -1f}});
            NDArray trils = m.create(new float[] {1f, 0f, 0.5f, 2f, 0.5f, 0f, 0f, 0.25f}, new Shape(2, 2, 2));
            MultivariateNormal mvn = new MultivariateNormal(locs, trils);
            assertThat(mvn.batchShape()).isEqualTo(new Shape(2));
            NDArray noise =
                    m.create(new float[] {1f, -1f, 2f, 0f, 0f, 1f, 1f, 1f, -1f, 0.5f, 0f, 0f}, new Shape(3, 2, 2));
            NDArray z = mvn.rsample(noise);
            assertThat(z.getShape()).isEqualTo(new Shape(3, 2, 2));
            double[] zs = Samples.toDoubles(z);
            // first particle, batch 0: L ε = [1, 0.5 − 2] ; batch 1: μ + [0.5·2, 0] = [2, −1]
            assertThat(zs[0]).isCloseTo(1.0, within(1e-6));
            assertThat(zs[1]).isCloseTo(-1.5, within(1e-6));
            assertThat(zs[2]).isCloseTo(2.0, within(1e-6));
            assertThat(zs[3]).isCloseTo(-1.0, within(1e-6));
            NDArray logProb = mvn.logProb(z);
            assertThat(logProb.getShape()).isEqualTo(new Shape(3, 2));
            // log N(μ + L ε; μ, LLᵀ) = −½‖ε‖² − Σ log L_ii − log 2π
            double[] eps = Samples.toDoubles(noise);
            double[] got = Samples.toDoubles(logProb);
            double[] logDet = {Math.log(1.0 * 2.0), Math.log(0.5 * 0.25)};
            for (int s = 0; s < 3; s++) {
                for (int b = 0; b < 2; b++) {
                    double e0 = eps[(s * 2 + b) * 2];
                    double e1 = eps[(s * 2 + b) * 2 + 1];
                    double expected = -0.5 * (e0 * e0 + e1 * e1) - logDet[b] - Math.log(2 * Math.PI);
                    assertThat(got[s * 2 + b]).isCloseTo(expected, within(Samples.tolerance(expected, 1e-5)));
                }
            }
        }
    }

    @Test
    void diagonalFactorReducesToDiagonalNormal() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray loc = m.create(new float[] {0.3f, -0.2f});
            NDArray scale = m.create(new float[] {0.5f, 2f});
            MultivariateNormal mvn = new MultivariateNormal(loc, m.create(new float[][] {{0.5f, 0f}, {0f, 2f}}));
            DiagonalNormal diag = DiagonalNormal.fromLogScale(loc, scale.log());
            NDArray x = m.create(new float[][] {{1f, 1f}, {-2f, 0.5f}});
            assertThat(Samples.toDoubles(mvn.logProb(x)))
                    .containsExactly(Samples.toDoubles(diag.logProb(x)), within(1e-5));
            assertThat((double) mvn.entropy().getFloat())
                    .isCloseTo(diag.entropy().getFloat(), within(1e-5));
        }
    }

    @Test
    void gradientsReachLocAndFactor() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray loc = m.create(new float[] {0f, 0f});
            NDArray tril = m.create(new float[][] {{2f, 0f}, {1f, 1f}});
            loc.setRequiresGradient(true);
            tril.setRequiresGradient(true);
            NDArray x = m.create(new float[] {2f, 3f});
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(new MultivariateNormal(loc, tril).logProb(x));
            }
            // ∂ log p / ∂μ = Σ⁻¹ (x − μ); Σ = [[4, 2], [2, 2]], Σ⁻¹ = [[0.5, −0.5], [−0.5, 1]]
            double[] g = Samples.toDoubles(loc.getGradient());
            assertThat(g[0]).isCloseTo(0.5 * 2 - 0.5 * 3, within(1e-6));
            assertThat(g[1]).isCloseTo(-0.5 * 2 + 1.0 * 3, within(1e-6));
            assertThat(tril.getGradient().getShape()).isEqualTo(new Shape(2, 2));
        }
    }

    @Test
    void rejectsAFactorOfTheWrongShape() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> new MultivariateNormal(m.zeros(new Shape(3)), m.eye(2)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("scaleTril must have shape [..., 3, 3]");
        }
    }

    static RealMatrix covariance(float[][] tril) {
        RealMatrix l = new Array2DRowRealMatrix(toDouble(tril));
        return l.multiply(l.transpose());
    }

    static double[][] toDouble(float[][] a) {
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = toDouble(a[i]);
        }
        return out;
    }

    static double[] toDouble(float[] a) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }
}
