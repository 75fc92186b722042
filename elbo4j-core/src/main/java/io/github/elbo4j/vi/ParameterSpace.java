package io.github.elbo4j.vi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

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
    private final long[] splitPoints;
    private final int dimension;

    ParameterSpace(List<ParameterBlock> blocks) {
        this.blocks = List.copyOf(blocks);
        this.splitPoints = new long[blocks.size() - 1];
        int offset = 0;
        for (int b = 0; b < blocks.size(); b++) {
            offset += blocks.get(b).unconstrainedSize();
            if (b < splitPoints.length) {
                splitPoints[b] = offset;
            }
        }
        this.dimension = offset;
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
        return b == 0 ? 0 : (int) splitPoints[b - 1];
    }

    /**
     * The constrained values of every block at each point, in plain doubles.
     *
     * @param points unconstrained points {@code [n][D]}
     * @return for each block, {@code [n][size]}
     */
    Map<String, double[][]> constrainedDraws(double[][] points) {
        Map<String, double[][]> draws = new LinkedHashMap<>();
        for (int b = 0; b < blocks.size(); b++) {
            ParameterBlock block = blocks.get(b);
            int from = offset(b);
            double[][] values = new double[points.length][];
            for (int s = 0; s < points.length; s++) {
                values[s] = block.constraint().toConstrained(
                        Arrays.copyOfRange(points[s], from, from + block.unconstrainedSize()));
            }
            draws.put(block.name(), values);
        }
        return draws;
    }

    /** Constrained values of a batch of unconstrained points, and the log-Jacobian. */
    record Constrained(Map<String, NDArray> values, NDArray logJacobian) {}

    /**
     * Maps {@code z} to the constrained space.
     *
     * @param z float64 {@code [S, D]}
     * @return each block's values {@code [S, shape...]} and {@code Σ_blocks log|J|}, shape {@code [S]}
     */
    Constrained constrain(NDArray z) {
        long particles = z.getShape().get(0);
        NDList pieces = splitPoints.length == 0 ? new NDList(z) : z.split(splitPoints, 1);
        Map<String, NDArray> values = new LinkedHashMap<>();
        NDArray logJacobian = null;
        for (int b = 0; b < blocks.size(); b++) {
            ParameterBlock block = blocks.get(b);
            NDArray u = pieces.get(b);
            NDArray x = block.constraint().toConstrained(u);
            int[] shape = block.shape();
            long[] full = new long[Math.max(shape.length, 1) + 1];
            full[0] = particles;
            full[1] = 1;
            for (int i = 0; i < shape.length; i++) {
                full[i + 1] = shape[i];
            }
            values.put(block.name(), x.reshape(new Shape(full)));
            if (!(block.constraint() instanceof Constraint.Real)) {
                NDArray jacobian = block.constraint().logAbsDetJacobian(u);
                logJacobian = logJacobian == null ? jacobian : logJacobian.add(jacobian);
            }
        }
        if (logJacobian == null) {
            logJacobian = z.get(":, 0").zerosLike();
        }
        return new Constrained(values, logJacobian);
    }
}
