package io.github.elbo4j.vi.autodiff;

import java.util.ArrayList;
import java.util.List;

/**
 * The record of one evaluation for reverse-mode automatic differentiation: every {@link Value}
 * computed from this tape's variables, in the order it was made.
 *
 * <p>A tape serves one evaluation of one function: create its inputs with {@link #variable}, compute
 * with {@link Value}'s operations (each appends its result and the rule that sends the result's
 * adjoint back to its operands), then call {@link #backward(Value)} once and read each input's
 * {@link Value#gradient()}. Building a new tape per evaluation is the intended use; a tape is cheap
 * (one list) and not thread-safe, so each thread evaluates on its own tape.
 *
 * <p>Why a tape and not a graph walk: operations are appended in an order that is already
 * topological, so the backward pass is one reverse loop with no sorting, no visited sets and no
 * recursion, which is what keeps the gradient of a small model in the microseconds (Griewank and
 * Walther, <i>Evaluating Derivatives</i>, 2nd ed., §3.2; Carpenter et al., "The Stan Math Library:
 * Reverse-Mode Automatic Differentiation in C++", 2015).
 */
public final class Tape {

    private final List<Value> nodes = new ArrayList<>();
    private boolean used;

    /** A new, empty tape. */
    public Tape() {}

    /**
     * An input vector to differentiate with respect to.
     *
     * @param values its values (copied)
     * @return a 1-d variable of {@code values.length} elements
     */
    public Value variable(double... values) {
        return variable(new int[] {values.length}, values);
    }

    /**
     * An input scalar to differentiate with respect to.
     *
     * @param value its value
     * @return a 0-d variable
     */
    public Value scalar(double value) {
        return variable(Shape.SCALAR, new double[] {value});
    }

    /**
     * An input of any shape to differentiate with respect to.
     *
     * @param shape its shape: {@code []} for a scalar, {@code [n]} for a vector, {@code [rows, cols]}
     *     for a matrix stored row by row
     * @param values its values, as many as the shape holds (copied)
     * @return the variable
     */
    public Value variable(int[] shape, double[] values) {
        Shape.checkSize(shape, values.length);
        return Value.recorded(this, values.clone(), shape.clone());
    }

    /**
     * Propagates adjoints from {@code output} back to every value on this tape, so that each
     * variable's {@link Value#gradient()} is {@code ∂output/∂variable}.
     *
     * @param output a one-element value computed on this tape
     * @throws IllegalArgumentException if {@code output} has more than one element or belongs to
     *     another tape
     * @throws IllegalStateException if this tape has already run its backward pass
     */
    public void backward(Value output) {
        if (output.tape() != this) {
            throw new IllegalArgumentException("the output was not computed on this tape"
                    + (output.isConstant() ? " (it does not depend on any variable)" : ""));
        }
        if (output.size() != 1) {
            throw new IllegalArgumentException(
                    "backward needs a one-element output, got shape " + Shape.describe(output.shape()));
        }
        if (used) {
            throw new IllegalStateException("a tape runs its backward pass once; record a new tape");
        }
        used = true;
        output.adjoint()[0] = 1.0;
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).propagate();
        }
    }

    /** The number of values recorded, for tests and profiling. */
    public int size() {
        return nodes.size();
    }

    void record(Value value) {
        nodes.add(value);
    }
}
