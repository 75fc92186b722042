package io.github.elbo4j.vi;

import io.github.elbo4j.vi.autodiff.Value;
import io.github.elbo4j.vi.transform.Constrained;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The unconstrained vector of a model: its blocks laid end to end, and the map back to the
 * constrained parameters with the summed log-Jacobian.
 */
final class ParameterSpace {

    private final List<ParameterBlock> blocks;
    private final int[] offsets;
    private final int dimension;

    ParameterSpace(List<ParameterBlock> blocks) {
        this.blocks = List.copyOf(blocks);
        this.offsets = new int[blocks.size() + 1];
        for (int b = 0; b < blocks.size(); b++) {
            offsets[b + 1] = offsets[b] + blocks.get(b).unconstrainedSize();
        }
        this.dimension = offsets[blocks.size()];
    }

    /** The number of unconstrained coordinates D. */
    int dimension() {
        return dimension;
    }

    List<ParameterBlock> blocks() {
        return blocks;
    }

    /** The first unconstrained coordinate of block {@code b}. */
    int offset(int b) {
        return offsets[b];
    }

    /**
     * The constrained values of every block at each point, in plain doubles: each block mapped alone
     * by its {@link Constraint}, or, when a block's bounds are values of the model ({@link
     * Constraint.VaryingBounds}), whole points mapped by the model ({@link Model#constrain(double[])},
     * which may run the model's code once per point; a {@code JavaModel} runs it up to the last
     * declaration).
     *
     * @param model the model
     * @param points unconstrained points {@code [n][D]}
     * @return for each block, {@code [n][size]}
     */
    Map<String, double[][]> constrainedDraws(Model model, double[][] points) {
        boolean byBlock = blocks.stream().noneMatch(block -> block.constraint() instanceof Constraint.VaryingBounds);
        Map<String, double[][]> draws = new LinkedHashMap<>();
        for (ParameterBlock block : blocks) {
            draws.put(block.name(), new double[points.length][]);
        }
        List<double[][]> byBlockDraws =
                blocks.stream().map(block -> draws.get(block.name())).toList();
        // Mapping whole points runs (some of) the model's code once per point: in parallel, as its log density.
        ParallelPoints.forEach(points.length, s -> {
            double[][] values = byBlock ? constrainByBlock(points[s]) : model.constrain(points[s]);
            for (int b = 0; b < values.length; b++) {
                byBlockDraws.get(b)[s] = values[b];
            }
        });
        return draws;
    }

    /**
     * Maps one point block by block, each with its {@link Constraint} alone (which a block whose
     * bounds vary cannot do).
     *
     * @param z the point, D values
     * @return each block's values, in block order
     */
    double[][] constrainByBlock(double[] z) {
        double[][] values = new double[blocks.size()][];
        for (int b = 0; b < values.length; b++) {
            values[b] = blocks.get(b).constraint().toConstrained(Arrays.copyOfRange(z, offsets[b], offsets[b + 1]));
        }
        return values;
    }

    /** The constrained values of one point, block by block, and the summed log-Jacobian. */
    record Point(Value[] values, Value logJacobian) {}

    /**
     * Maps one point to the constrained space with each block's {@link Constraint}.
     *
     * @param z the point, D values, on a tape for gradients or a constant
     * @return each block's values (vectors) and {@code Σ_blocks log|J|}, a scalar
     */
    Point constrain(Value z) {
        Value[] values = new Value[blocks.size()];
        Value logJacobian = Value.constant(0.0);
        for (int b = 0; b < blocks.size(); b++) {
            Value u = blocks.size() == 1 ? z : z.slice(offsets[b], offsets[b + 1]);
            Constrained x = blocks.get(b).constraint().transform(u);
            values[b] = x.value();
            if (!(blocks.get(b).constraint() instanceof Constraint.Real)) {
                logJacobian = logJacobian.plus(x.logJacobian());
            }
        }
        return new Point(values, logJacobian);
    }
}
