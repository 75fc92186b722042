package io.github.elbo4j.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.elbo4j.testing.Samples;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.LUDecomposition;
import org.hipparchus.linear.RealMatrix;
import org.junit.jupiter.api.Test;

class LinearAlgebraTest {

    private static final double[][] L = {
        {1.5, 0, 0, 0},
        {-0.4, 0.8, 0, 0},
        {0.3, 0.2, 2.0, 0},
        {1.1, -0.7, 0.5, 0.6},
    };

    @Test
    void forwardSubstitutionAgreesWithHipparchusLu() {
        double[][] b = {{1, 0.5}, {-2, 1}, {0.25, 0}, {3, -1}};
        RealMatrix expected =
                new LUDecomposition(new Array2DRowRealMatrix(L)).getSolver().solve(new Array2DRowRealMatrix(b));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = LinearAlgebra.solveLowerTriangular(m.create(toFloat(L)), m.create(toFloat(b)));
            assertThat(x.getShape()).isEqualTo(new Shape(4, 2));
            double[] got = Samples.toDoubles(x);
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 2; j++) {
                    assertThat(got[i * 2 + j]).isCloseTo(expected.getEntry(i, j), within(1e-5));
                }
            }
        }
    }

    @Test
    void ignoresEntriesAboveTheDiagonal() {
        double[][] polluted = new double[4][];
        for (int i = 0; i < 4; i++) {
            polluted[i] = L[i].clone();
            for (int j = i + 1; j < 4; j++) {
                polluted[i][j] = 100 + i + j;
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray rhs = m.create(new float[] {1, 2, 3, 4});
            double[] clean = Samples.toDoubles(LinearAlgebra.solveLowerTriangularVector(m.create(toFloat(L)), rhs));
            double[] dirty =
                    Samples.toDoubles(LinearAlgebra.solveLowerTriangularVector(m.create(toFloat(polluted)), rhs));
            assertThat(dirty).containsExactly(clean);
            double[] lower = Samples.toDoubles(LinearAlgebra.lowerTriangle(m.create(toFloat(polluted))));
            double[] original = Samples.toDoubles(m.create(toFloat(L)));
            assertThat(lower).containsExactly(original);
        }
    }

    @Test
    void broadcastsBatchAxesOfFactorAndRightHandSide() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            NDArray factor = m.create(toFloat(L))
                    .expandDims(0)
                    .concat(m.eye(4).expandDims(0).mul(2f), 0);
            NDArray rhs = m.randomNormal(new Shape(5, 2, 4, 1));
            NDArray x = LinearAlgebra.solveLowerTriangular(factor, rhs);
            assertThat(x.getShape()).isEqualTo(new Shape(5, 2, 4, 1));
            NDArray reconstructed = factor.matMul(x);
            assertThat(Samples.toDoubles(reconstructed.sub(rhs).abs().max())[0]).isLessThan(1e-5);
        }
    }

    @Test
    void isDifferentiable() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray factor = m.create(new float[][] {{2f, 0f}, {1f, 4f}});
            NDArray b = m.create(new float[] {2f, 9f});
            factor.setRequiresGradient(true);
            b.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                // x = L⁻¹ b = [1, 2]; f = Σ x ⇒ ∂f/∂b = L⁻ᵀ 1, ∂f/∂L = −(L⁻ᵀ 1) xᵀ (lower part)
                gc.backward(LinearAlgebra.solveLowerTriangularVector(factor, b).sum());
            }
            double[] gb = Samples.toDoubles(b.getGradient());
            // L⁻ᵀ 1: solve Lᵀ y = 1 → y2 = 1/4, y1 = (1 − 1·y2)/2 = 3/8
            assertThat(gb[0]).isCloseTo(0.375, within(1e-6));
            assertThat(gb[1]).isCloseTo(0.25, within(1e-6));
            double[] gl = Samples.toDoubles(factor.getGradient());
            assertThat(gl[0]).isCloseTo(-0.375 * 1, within(1e-6));
            assertThat(gl[2]).isCloseTo(-0.25 * 1, within(1e-6));
            assertThat(gl[3]).isCloseTo(-0.25 * 2, within(1e-6));
            assertThat(gl[1]).isZero();
        }
    }

    @Test
    void rejectsMismatchedShapes() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() ->
                            LinearAlgebra.solveLowerTriangular(m.zeros(new Shape(3, 2)), m.zeros(new Shape(3, 1))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("[..., d, d]");
            assertThatThrownBy(() -> LinearAlgebra.solveLowerTriangular(m.eye(3), m.zeros(new Shape(2, 1))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("[..., 3, k]");
        }
    }

    private static float[][] toFloat(double[][] a) {
        float[][] out = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = new float[a[i].length];
            for (int j = 0; j < a[i].length; j++) {
                out[i][j] = (float) a[i][j];
            }
        }
        return out;
    }
}
