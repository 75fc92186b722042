package io.github.elbo4j.vi;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named block of model parameters with a shape and a support.
 *
 * <p>Inside a log density a block appears as an array of shape {@code [S, shape...]} with the
 * particles first; a scalar block (empty shape) appears as {@code [S, 1]} so that it broadcasts
 * against vector blocks.
 *
 * @param name unique name, used in summaries, draws and error messages
 * @param shape the shape of one value; empty for a scalar
 * @param constraint the support
 */
public record ParameterBlock(String name, int[] shape, Constraint constraint) {

    /** Validates the name and shape. */
    public ParameterBlock {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(constraint, "constraint");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a parameter block needs a non-empty name");
        }
        shape = shape.clone();
        for (int extent : shape) {
            if (extent < 1) {
                throw new IllegalArgumentException("parameter block '" + name + "' has shape " + Arrays.toString(shape)
                        + "; every extent must be >= 1");
            }
        }
        constraint.unconstrainedSize(Arrays.stream(shape).reduce(1, Math::multiplyExact));
    }

    /** A scalar block. */
    public static ParameterBlock scalar(String name, Constraint constraint) {
        return new ParameterBlock(name, new int[0], constraint);
    }

    /** The shape of one value (a copy). */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** The number of constrained values. */
    public int size() {
        return Arrays.stream(shape).reduce(1, Math::multiplyExact);
    }

    /** The number of unconstrained coordinates. */
    public int unconstrainedSize() {
        return constraint.unconstrainedSize(size());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ParameterBlock b
                && name.equals(b.name)
                && Arrays.equals(shape, b.shape)
                && constraint.equals(b.constraint);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(shape), constraint);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + " " + constraint;
    }
}
