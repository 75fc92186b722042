package io.github.elbo4j.vi;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Builds a {@link DjlModel} from parameter declarations, data and a log-joint lambda written with DJL. */
public final class ModelBuilder {

    private final List<ParameterBlock> blocks = new ArrayList<>();
    private final List<DataArray> data = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private LogDensity logJoint;

    ModelBuilder() {}

    /** Declares a real scalar. */
    public ModelBuilder real(String name) {
        return block(ParameterBlock.scalar(name, Constraint.real()));
    }

    /** Declares a real vector of {@code size} values. */
    public ModelBuilder real(String name, int size) {
        return block(new ParameterBlock(name, new int[] {size}, Constraint.real()));
    }

    /** Declares a positive scalar (a scale, a rate). */
    public ModelBuilder positive(String name) {
        return block(ParameterBlock.scalar(name, Constraint.positive()));
    }

    /** Declares a scalar in {@code (lower, upper)}, e.g. a probability with {@code (0, 1)}. */
    public ModelBuilder bounded(String name, double lower, double upper) {
        return block(ParameterBlock.scalar(name, Constraint.interval(lower, upper)));
    }

    /**
     * Declares any block.
     *
     * @param block the block; its name must be new
     * @return this builder
     */
    public ModelBuilder block(ParameterBlock block) {
        if (!names.add(block.name())) {
            throw new IllegalArgumentException("duplicate parameter or data name '" + block.name() + "'");
        }
        blocks.add(block);
        return this;
    }

    /**
     * Declares observed data.
     *
     * @param array the data; its name must be new
     * @return this builder
     */
    public ModelBuilder data(DataArray array) {
        if (!names.add(array.name())) {
            throw new IllegalArgumentException("duplicate parameter or data name '" + array.name() + "'");
        }
        data.add(array);
        return this;
    }

    /**
     * Sets the log joint density {@code log p(data, θ)} on the constrained scale (no Jacobian).
     *
     * @param density returns shape {@code [S]}
     * @return this builder
     */
    public ModelBuilder logJoint(LogDensity density) {
        this.logJoint = Objects.requireNonNull(density, "density");
        return this;
    }

    /**
     * Builds the model.
     *
     * @throws IllegalStateException if no block or no log joint was given
     */
    public Model build() {
        if (blocks.isEmpty()) {
            throw new IllegalStateException("a model needs at least one parameter block: call real(),"
                    + " positive(), bounded() or block() before build()");
        }
        if (logJoint == null) {
            throw new IllegalStateException("a model needs a log joint density: call logJoint() before build()");
        }
        return new LambdaModel(List.copyOf(blocks), List.copyOf(data), logJoint);
    }

    private record LambdaModel(List<ParameterBlock> blocks, List<DataArray> data, LogDensity density)
            implements DjlModel {

        @Override
        public NDArray logJoint(ParameterValues values) {
            return density.logDensity(values);
        }
    }
}
