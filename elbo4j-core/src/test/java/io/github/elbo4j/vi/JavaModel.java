package io.github.elbo4j.vi;

import java.util.Arrays;
import java.util.List;

/**
 * A test model written as f(z) and ∇f(z) over the unconstrained space in plain Java: the plug point
 * through which every model reaches the fit ({@link UnconstrainedDensity}).
 */
public final class JavaModel implements Model {

    /** f at one point, writing ∇f into {@code gradient} (which may be null). */
    @FunctionalInterface
    public interface PointDensity {
        double at(double[] z, double[] gradient);
    }

    private final List<ParameterBlock> blocks;
    private final PointDensity density;

    public JavaModel(List<ParameterBlock> blocks, PointDensity density) {
        this.blocks = List.copyOf(blocks);
        this.density = density;
    }

    /** D real scalar blocks named x0, x1, …. */
    public static JavaModel reals(int dimension, PointDensity density) {
        ParameterBlock[] blocks = new ParameterBlock[dimension];
        for (int i = 0; i < dimension; i++) {
            blocks[i] = ParameterBlock.scalar("x" + i, Constraint.real());
        }
        return new JavaModel(Arrays.asList(blocks), density);
    }

    /** N(mean, Σ) with precision Λ = Σ⁻¹: f(z) = −½ (z − m)ᵀ Λ (z − m). */
    public static JavaModel gaussian(double[] mean, double[][] precision) {
        int d = mean.length;
        return reals(d, (z, gradient) -> {
            double value = 0;
            for (int i = 0; i < d; i++) {
                double row = 0;
                for (int j = 0; j < d; j++) {
                    row += precision[i][j] * (z[j] - mean[j]);
                }
                value -= 0.5 * (z[i] - mean[i]) * row;
                if (gradient != null) {
                    gradient[i] = -row;
                }
            }
            return value;
        });
    }

    @Override
    public List<ParameterBlock> blocks() {
        return blocks;
    }

    @Override
    public UnconstrainedDensity unconstrainedDensity() {
        int d = blocks.stream().mapToInt(ParameterBlock::unconstrainedSize).sum();
        return (z, count, records, logDensity, gradient) -> {
            double[] point = new double[d];
            double[] g = new double[d];
            for (int s = 0; s < count; s++) {
                System.arraycopy(z, s * d, point, 0, d);
                logDensity[s] = density.at(point, gradient == null ? null : g);
                if (gradient != null) {
                    System.arraycopy(g, 0, gradient, s * d, d);
                }
            }
        };
    }
}
