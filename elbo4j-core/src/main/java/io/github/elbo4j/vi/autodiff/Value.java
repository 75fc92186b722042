package io.github.elbo4j.vi.autodiff;

import java.util.Arrays;

/**
 * A value in reverse-mode automatic differentiation: a scalar, a vector or a row-major matrix of
 * doubles, either a constant (data) or recorded on a {@link Tape} together with the rule that sends
 * its adjoint back to its operands.
 *
 * <p>A value holds a whole array, not one object per number, so a vectorized model (a regression
 * over a thousand records) records a handful of values, and the backward pass of each is a plain
 * loop. Operations broadcast a one-element operand against any shape (as Stan's vectorized
 * functions do) and otherwise need equal shapes.
 *
 * <p>Whether a result is recorded follows from its operands: an operation on constants only gives
 * a constant and records nothing; otherwise the result is recorded on the operands' tape (values of
 * two different tapes cannot be combined). Values are immutable from the outside.
 *
 * <p>New operations with hand-derived partial derivatives (densities, linear algebra) are written
 * with {@link #derive(int[], double[], Backward, Value...)}: compute the result, then give the rule
 * that adds {@code adjoint × ∂result/∂operand} to each operand's {@link #adjoint()} when that is
 * not null. That is the whole extension contract; the operations below use nothing else.
 */
public final class Value {

    /** The adjoint rule of a derived value: adds the result's adjoint times its partials to the operands. */
    @FunctionalInterface
    public interface Backward {

        /**
         * Propagates the result's adjoint to the operands' adjoints.
         *
         * @param adjoint the result's adjoint, {@code ∂output/∂result}, one per element
         */
        void propagate(double[] adjoint);
    }

    final double[] value;
    final int[] shape;
    private final double[] adjoint;
    private final Tape tape;
    private Backward backward;

    private Value(Tape tape, double[] value, int[] shape) {
        this.tape = tape;
        this.value = value;
        this.shape = shape;
        this.adjoint = tape == null ? null : new double[value.length];
    }

    static Value recorded(Tape tape, double[] value, int[] shape) {
        Value result = new Value(tape, value, shape);
        tape.record(result);
        return result;
    }

    // ---------------------------------------------------------------- constants

    /** A scalar constant. */
    public static Value constant(double value) {
        return new Value(null, new double[] {value}, Shape.SCALAR);
    }

    /** A vector constant (the values are copied). */
    public static Value constant(double... values) {
        return new Value(null, values.clone(), new int[] {values.length});
    }

    /** A vector constant from integers, e.g. counts. */
    public static Value constant(int... values) {
        return new Value(null, Arrays.stream(values).asDoubleStream().toArray(), new int[] {values.length});
    }

    /**
     * A matrix constant (copied row by row).
     *
     * @param rows the rows, all of one length
     * @return a {@code [rows.length, rows[0].length]} constant
     */
    public static Value constant(double[][] rows) {
        int columns = rows.length == 0 ? 0 : rows[0].length;
        double[] flat = new double[rows.length * columns];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != columns) {
                throw new IllegalArgumentException(
                        "matrix row " + r + " has " + rows[r].length + " columns, row 0 has " + columns);
            }
            System.arraycopy(rows[r], 0, flat, r * columns, columns);
        }
        return new Value(null, flat, new int[] {rows.length, columns});
    }

    /**
     * A constant of any shape.
     *
     * @param shape {@code []}, {@code [n]} or {@code [rows, cols]}
     * @param values as many values as the shape holds, row by row (copied)
     * @return the constant
     */
    public static Value constant(int[] shape, double[] values) {
        Shape.checkSize(shape, values.length);
        return new Value(null, values.clone(), shape.clone());
    }

    // ---------------------------------------------------------------- extension point

    /**
     * A value computed from {@code operands} with a hand-written adjoint rule: the building block of
     * every operation. The result is recorded when any operand is recorded, and then {@code
     * backward} runs once during {@link Tape#backward(Value)}; it must add to the {@link #adjoint()}
     * of each operand that has one (constants have none).
     *
     * @param shape the result's shape
     * @param values the result's values (taken, not copied)
     * @param backward the adjoint rule
     * @param operands every value the result depends on
     * @return the result
     * @throws IllegalArgumentException if the operands belong to different tapes
     */
    public static Value derive(int[] shape, double[] values, Backward backward, Value... operands) {
        Tape tape = null;
        for (Value operand : operands) {
            if (operand.tape != null) {
                if (tape != null && tape != operand.tape) {
                    throw new IllegalArgumentException("values from two different tapes cannot be combined");
                }
                tape = operand.tape;
            }
        }
        Shape.checkSize(shape, values.length);
        if (tape == null) {
            return new Value(null, values, shape);
        }
        Value result = recorded(tape, values, shape);
        result.backward = backward;
        return result;
    }

    void propagate() {
        if (backward != null) {
            backward.propagate(adjoint);
        }
    }

    // ---------------------------------------------------------------- accessors

    /** The shape: {@code []}, {@code [n]} or {@code [rows, cols]} (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * Whether this value has the same shape as {@code other}, without copying either shape: for the
     * argument checks of densities, which run on every evaluation.
     */
    public boolean hasShapeOf(Value other) {
        return Shape.equal(shape, other.shape);
    }

    /** The number of elements. */
    public int size() {
        return value.length;
    }

    /** Whether this value is data rather than a function of a tape's variables. */
    public boolean isConstant() {
        return tape == null;
    }

    /** The tape this value is recorded on; null for a constant. */
    Tape tape() {
        return tape;
    }

    /**
     * The values, without a copy, for operations written with {@link #derive}; never modify them.
     *
     * @return the internal array
     */
    public double[] values() {
        return value;
    }

    /**
     * The adjoints {@code ∂output/∂this} during and after the backward pass, without a copy, for
     * adjoint rules to add to; null for a constant.
     *
     * @return the internal array, or null
     */
    public double[] adjoint() {
        return adjoint;
    }

    /** The value of a one-element value (a scalar, or a vector or matrix of one element). */
    public double doubleValue() {
        if (value.length != 1) {
            throw new IllegalStateException("doubleValue() needs one element, got shape " + Shape.describe(shape));
        }
        return value[0];
    }

    /** Element {@code i} (row-major for a matrix). */
    public double value(int i) {
        return value[i];
    }

    /** A copy of the values, row by row. */
    public double[] toArray() {
        return value.clone();
    }

    /**
     * A copy of the gradient {@code ∂output/∂this} after {@link Tape#backward(Value)}.
     *
     * @throws IllegalStateException for a constant
     */
    public double[] gradient() {
        if (adjoint == null) {
            throw new IllegalStateException("a constant has no gradient");
        }
        return adjoint.clone();
    }

    @Override
    public String toString() {
        String values = value.length == 1 ? Double.toString(value[0]) : Arrays.toString(value);
        return (isConstant() ? "constant " : "") + Shape.describe(shape) + " " + values;
    }

    // ---------------------------------------------------------------- arithmetic

    /** {@code this + other}, elementwise with broadcasting. */
    public Value plus(Value other) {
        int[] shape = Shape.broadcast("plus", this, other);
        int n = Shape.size(shape);
        int sa = stride(this, n);
        int sb = stride(other, n);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = value[i * sa] + other.value[i * sb];
        }
        Value a = this;
        return derive(
                shape,
                out,
                g -> {
                    accumulate(a, sa, g, 1.0);
                    accumulate(other, sb, g, 1.0);
                },
                this,
                other);
    }

    /** {@code this − other}, elementwise with broadcasting. */
    public Value minus(Value other) {
        int[] shape = Shape.broadcast("minus", this, other);
        int n = Shape.size(shape);
        int sa = stride(this, n);
        int sb = stride(other, n);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = value[i * sa] - other.value[i * sb];
        }
        Value a = this;
        return derive(
                shape,
                out,
                g -> {
                    accumulate(a, sa, g, 1.0);
                    accumulate(other, sb, g, -1.0);
                },
                this,
                other);
    }

    /** {@code this × other}, elementwise with broadcasting. */
    public Value times(Value other) {
        int[] shape = Shape.broadcast("times", this, other);
        int n = Shape.size(shape);
        int sa = stride(this, n);
        int sb = stride(other, n);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = value[i * sa] * other.value[i * sb];
        }
        Value a = this;
        return derive(
                shape,
                out,
                g -> {
                    double[] ga = a.adjoint;
                    double[] gb = other.adjoint;
                    for (int i = 0; i < n; i++) {
                        if (ga != null) {
                            ga[i * sa] += g[i] * other.value[i * sb];
                        }
                        if (gb != null) {
                            gb[i * sb] += g[i] * a.value[i * sa];
                        }
                    }
                },
                this,
                other);
    }

    /** {@code this / other}, elementwise with broadcasting. */
    public Value div(Value other) {
        int[] shape = Shape.broadcast("div", this, other);
        int n = Shape.size(shape);
        int sa = stride(this, n);
        int sb = stride(other, n);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = value[i * sa] / other.value[i * sb];
        }
        Value a = this;
        return derive(
                shape,
                out,
                g -> {
                    double[] ga = a.adjoint;
                    double[] gb = other.adjoint;
                    for (int i = 0; i < n; i++) {
                        double inverse = 1.0 / other.value[i * sb];
                        if (ga != null) {
                            ga[i * sa] += g[i] * inverse;
                        }
                        if (gb != null) {
                            gb[i * sb] -= g[i] * out[i] * inverse;
                        }
                    }
                },
                this,
                other);
    }

    /** {@code this + c}. */
    public Value plus(double c) {
        return affine(1.0, c);
    }

    /** {@code this − c}. */
    public Value minus(double c) {
        return affine(1.0, -c);
    }

    /** {@code this × c}. */
    public Value times(double c) {
        return affine(c, 0.0);
    }

    /** {@code this / c}. */
    public Value div(double c) {
        return affine(1.0 / c, 0.0);
    }

    /** {@code −this}. */
    public Value negate() {
        return affine(-1.0, 0.0);
    }

    /** {@code c − this}. */
    public Value subtractedFrom(double c) {
        return affine(-1.0, c);
    }

    /** {@code scale × this + shift}, elementwise. */
    public Value affine(double scale, double shift) {
        double[] out = new double[value.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = scale * value[i] + shift;
        }
        Value a = this;
        return derive(shape, out, g -> accumulate(a, 1, g, scale), this);
    }

    private static int stride(Value operand, int n) {
        return operand.value.length == 1 && n != 1 ? 0 : 1;
    }

    /** Adds {@code factor × g} to the operand's adjoint, summing over broadcast elements (stride 0). */
    private static void accumulate(Value operand, int stride, double[] g, double factor) {
        double[] target = operand.adjoint;
        if (target == null) {
            return;
        }
        if (stride == 0) {
            double sum = 0.0;
            for (double x : g) {
                sum += x;
            }
            target[0] += factor * sum;
        } else {
            for (int i = 0; i < g.length; i++) {
                target[i] += factor * g[i];
            }
        }
    }

    // ---------------------------------------------------------------- elementwise functions

    /** {@code e^this}. */
    public Value exp() {
        double[] out = new double[value.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.exp(value[i]);
        }
        return elementwise(out, out);
    }

    /** {@code log(this)}. */
    public Value log() {
        double[] out = new double[value.length];
        double[] partial = new double[value.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.log(value[i]);
            partial[i] = 1.0 / value[i];
        }
        return elementwise(out, partial);
    }

    /** {@code log(1 + this)}, accurate for small values. */
    public Value log1p() {
        double[] out = new double[value.length];
        double[] partial = new double[value.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.log1p(value[i]);
            partial[i] = 1.0 / (1.0 + value[i]);
        }
        return elementwise(out, partial);
    }

    /** {@code e^this − 1}, accurate for small values. */
    public Value expm1() {
        double[] out = new double[value.length];
        double[] partial = new double[value.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.expm1(value[i]);
            partial[i] = out[i] + 1.0;
        }
        return elementwise(out, partial);
    }

    /** {@code √this}. */
    public Value sqrt() {
        double[] out = new double[value.length];
        double[] partial = new double[value.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.sqrt(value[i]);
            partial[i] = 0.5 / out[i];
        }
        return elementwise(out, partial);
    }

    /** {@code this²}. */
    public Value square() {
        double[] out = new double[value.length];
        double[] partial = new double[value.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = value[i] * value[i];
            partial[i] = 2.0 * value[i];
        }
        return elementwise(out, partial);
    }

    /** {@code this^p} for a constant exponent. */
    public Value pow(double p) {
        double[] out = new double[value.length];
        double[] partial = new double[value.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.pow(value[i], p);
            partial[i] = p * Math.pow(value[i], p - 1.0);
        }
        return elementwise(out, partial);
    }

    /** {@code |this|} (the derivative at 0 is taken as 0). */
    public Value abs() {
        double[] out = new double[value.length];
        double[] partial = new double[value.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.abs(value[i]);
            partial[i] = Math.signum(value[i]);
        }
        return elementwise(out, partial);
    }

    /** {@code tanh(this)}. */
    public Value tanh() {
        double[] out = new double[value.length];
        double[] partial = new double[value.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.tanh(value[i]);
            partial[i] = 1.0 - out[i] * out[i];
        }
        return elementwise(out, partial);
    }

    /** {@code log(1 + e^this)} (softplus, Stan's {@code log1p_exp}), without overflow. */
    public Value log1pExp() {
        double[] out = new double[value.length];
        double[] partial = new double[value.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = log1pExp(value[i]);
            partial[i] = inverseLogit(value[i]);
        }
        return elementwise(out, partial);
    }

    /** The logistic function {@code 1 / (1 + e^−this)} (Stan's {@code inv_logit}). */
    public Value invLogit() {
        double[] out = new double[value.length];
        double[] partial = new double[value.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = inverseLogit(value[i]);
            partial[i] = out[i] * (1.0 - out[i]);
        }
        return elementwise(out, partial);
    }

    /** {@code log(inv_logit(this)) = −log1p_exp(−this)}, without underflow. */
    public Value logInvLogit() {
        double[] out = new double[value.length];
        double[] partial = new double[value.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = -log1pExp(-value[i]);
            partial[i] = inverseLogit(-value[i]);
        }
        return elementwise(out, partial);
    }

    /** A result whose element i depends only on element i of this, with the given partials. */
    private Value elementwise(double[] out, double[] partial) {
        Value a = this;
        return derive(
                shape,
                out,
                g -> {
                    double[] target = a.adjoint;
                    for (int i = 0; i < g.length; i++) {
                        target[i] += g[i] * partial[i];
                    }
                },
                this);
    }

    /**
     * {@code log(1 + e^x)} of a plain double, without overflow: for large x the result is x plus a
     * term below one ulp. For densities written with {@link #derive}.
     */
    public static double log1pExp(double x) {
        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }

    /**
     * {@code 1 / (1 + e^−x)} of a plain double, evaluated on the side where the exponential cannot
     * overflow. For densities written with {@link #derive}.
     */
    public static double inverseLogit(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    // ---------------------------------------------------------------- reductions

    /** The sum of all elements, a scalar. */
    public Value sum() {
        double total = 0.0;
        for (double x : value) {
            total += x;
        }
        Value a = this;
        return derive(
                Shape.SCALAR,
                new double[] {total},
                g -> {
                    double[] target = a.adjoint;
                    for (int i = 0; i < target.length; i++) {
                        target[i] += g[0];
                    }
                },
                this);
    }

    /** The inner product {@code Σ this_i other_i} of two values with equal shapes, a scalar. */
    public Value dot(Value other) {
        if (value.length != other.value.length) {
            throw new IllegalArgumentException("dot: sizes " + value.length + " and " + other.value.length + " differ");
        }
        double total = 0.0;
        for (int i = 0; i < value.length; i++) {
            total += value[i] * other.value[i];
        }
        Value a = this;
        return derive(
                Shape.SCALAR,
                new double[] {total},
                g -> {
                    double[] ga = a.adjoint;
                    double[] gb = other.adjoint;
                    for (int i = 0; i < a.value.length; i++) {
                        if (ga != null) {
                            ga[i] += g[0] * other.value[i];
                        }
                        if (gb != null) {
                            gb[i] += g[0] * a.value[i];
                        }
                    }
                },
                this,
                other);
    }

    /** {@code log Σ e^{this_i}}, a scalar, without overflow (Stan's {@code log_sum_exp}). */
    public Value logSumExp() {
        double max = Double.NEGATIVE_INFINITY;
        for (double x : value) {
            max = Math.max(max, x);
        }
        double total;
        if (max == Double.NEGATIVE_INFINITY || max == Double.POSITIVE_INFINITY) {
            total = max;
        } else {
            double sum = 0.0;
            for (double x : value) {
                sum += Math.exp(x - max);
            }
            total = max + Math.log(sum);
        }
        Value a = this;
        return derive(
                Shape.SCALAR,
                new double[] {total},
                g -> {
                    double[] target = a.adjoint;
                    for (int i = 0; i < target.length; i++) {
                        target[i] += g[0] * Math.exp(a.value[i] - total);
                    }
                },
                this);
    }

    // ---------------------------------------------------------------- indexing and assembly

    /** Element {@code i} (0-based; row-major for a matrix) as a scalar. */
    public Value get(int i) {
        checkIndex(i, value.length, "index");
        Value a = this;
        return derive(Shape.SCALAR, new double[] {value[i]}, g -> a.adjoint[i] += g[0], this);
    }

    /** Element {@code (row, col)} of a matrix (0-based) as a scalar. */
    public Value get(int row, int col) {
        requireMatrix("get(row, col)");
        checkIndex(row, shape[0], "row");
        checkIndex(col, shape[1], "column");
        return get(row * shape[1] + col);
    }

    /** Elements {@code from} (inclusive) to {@code to} (exclusive), 0-based, as a vector. */
    public Value slice(int from, int to) {
        if (from < 0 || to > value.length || from > to) {
            throw new IndexOutOfBoundsException(
                    "slice [" + from + ", " + to + ") of a value of " + value.length + " elements");
        }
        Value a = this;
        return derive(
                new int[] {to - from},
                Arrays.copyOfRange(value, from, to),
                g -> {
                    for (int i = 0; i < g.length; i++) {
                        a.adjoint[from + i] += g[i];
                    }
                },
                this);
    }

    /** Row {@code row} of a matrix (0-based) as a vector. */
    public Value row(int row) {
        requireMatrix("row");
        checkIndex(row, shape[0], "row");
        return slice(row * shape[1], (row + 1) * shape[1]);
    }

    /** Column {@code col} of a matrix (0-based) as a vector (Stan's {@code col}). */
    public Value column(int col) {
        requireMatrix("column");
        checkIndex(col, shape[1], "column");
        int rows = shape[0];
        int cols = shape[1];
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            out[r] = value[r * cols + col];
        }
        Value a = this;
        return derive(
                new int[] {rows},
                out,
                g -> {
                    for (int r = 0; r < rows; r++) {
                        a.adjoint[r * cols + col] += g[r];
                    }
                },
                this);
    }

    /** The transpose of a matrix. */
    public Value transpose() {
        requireMatrix("transpose");
        int rows = shape[0];
        int cols = shape[1];
        double[] out = new double[value.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = value[r * cols + c];
            }
        }
        Value a = this;
        return derive(
                new int[] {cols, rows},
                out,
                g -> {
                    for (int r = 0; r < rows; r++) {
                        for (int c = 0; c < cols; c++) {
                            a.adjoint[r * cols + c] += g[c * rows + r];
                        }
                    }
                },
                this);
    }

    /**
     * The values of {@code parts} (scalars and vectors, in order) as one vector, e.g. a vector built
     * element by element in a loop.
     */
    public static Value concat(Value... parts) {
        // the backward rule runs later: keep our own array, as callers may reuse theirs (a
        // recursion that overwrites each step's values in place)
        Value[] operands = parts.clone();
        int n = 0;
        for (Value part : operands) {
            n += part.value.length;
        }
        double[] out = new double[n];
        int offset = 0;
        for (Value part : operands) {
            System.arraycopy(part.value, 0, out, offset, part.value.length);
            offset += part.value.length;
        }
        return derive(
                new int[] {n},
                out,
                g -> {
                    int start = 0;
                    for (Value part : operands) {
                        double[] target = part.adjoint;
                        if (target != null) {
                            for (int i = 0; i < target.length; i++) {
                                target[i] += g[start + i];
                            }
                        }
                        start += part.value.length;
                    }
                },
                operands);
    }

    // ---------------------------------------------------------------- linear algebra

    /**
     * The matrix–vector product {@code this · x} of a {@code [r, c]} matrix and a vector of c
     * elements, a vector of r elements.
     */
    public Value multiply(Value x) {
        requireMatrix("multiply");
        int rows = shape[0];
        int cols = shape[1];
        if (x.shape.length == 2) {
            return multiplyMatrix(x);
        }
        if (x.value.length != cols) {
            throw new IllegalArgumentException("multiply: a " + Shape.describe(shape) + " matrix needs a vector of "
                    + cols + " elements, got " + Shape.describe(x.shape));
        }
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double total = 0.0;
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                total += value[base + c] * x.value[c];
            }
            out[r] = total;
        }
        Value a = this;
        return derive(
                new int[] {rows},
                out,
                g -> {
                    double[] ga = a.adjoint;
                    double[] gx = x.adjoint;
                    for (int r = 0; r < rows; r++) {
                        int base = r * cols;
                        double gr = g[r];
                        for (int c = 0; c < cols; c++) {
                            if (ga != null) {
                                ga[base + c] += gr * x.value[c];
                            }
                            if (gx != null) {
                                gx[c] += gr * a.value[base + c];
                            }
                        }
                    }
                },
                this,
                x);
    }

    private Value multiplyMatrix(Value b) {
        int rows = shape[0];
        int inner = shape[1];
        int cols = b.shape[1];
        if (b.shape[0] != inner) {
            throw new IllegalArgumentException(
                    "multiply: shapes " + Shape.describe(shape) + " and " + Shape.describe(b.shape) + " do not chain");
        }
        double[] out = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < inner; k++) {
                double ark = value[r * inner + k];
                for (int c = 0; c < cols; c++) {
                    out[r * cols + c] += ark * b.value[k * cols + c];
                }
            }
        }
        Value a = this;
        return derive(
                new int[] {rows, cols},
                out,
                g -> {
                    double[] ga = a.adjoint;
                    double[] gb = b.adjoint;
                    for (int r = 0; r < rows; r++) {
                        for (int k = 0; k < inner; k++) {
                            double ark = a.value[r * inner + k];
                            double sum = 0.0;
                            for (int c = 0; c < cols; c++) {
                                double grc = g[r * cols + c];
                                sum += grc * b.value[k * cols + c];
                                if (gb != null) {
                                    gb[k * cols + c] += ark * grc;
                                }
                            }
                            if (ga != null) {
                                ga[r * inner + k] += sum;
                            }
                        }
                    }
                },
                this,
                b);
    }

    private void requireMatrix(String operation) {
        if (shape.length != 2) {
            throw new IllegalArgumentException(operation + " needs a matrix, got shape " + Shape.describe(shape));
        }
    }

    private static void checkIndex(int index, int extent, String what) {
        if (index < 0 || index >= extent) {
            throw new IndexOutOfBoundsException(what + " " + index + " out of range [0, " + extent + ")");
        }
    }
}
