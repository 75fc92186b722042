package io.github.elbo4j.spark;

import java.io.Serializable;

/**
 * An order-independent sum of float vectors, for aggregating partition results with
 * {@code treeAggregate}.
 *
 * <p>Spark combines partial results in the order in which tasks finish, and floating-point
 * addition is not associative, so a plain sum of three or more partitions can differ in the last
 * bits from run to run (and between a run and its retried tasks). Here every value is rounded once
 * to a fixed-point integer with {@link #FRACTION_BITS} fractional bits (a resolution of about
 * 1e-12) and the integers are added exactly, so the total does not depend on the tree shape or on
 * the arrival order. Values whose magnitude reaches {@link #LIMIT}, non-finite values and integer
 * overflow mark the sum as non-finite instead of wrapping around; callers treat that like a
 * non-finite gradient (the step is skipped).
 */
public final class ExactSum implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Fractional bits of the fixed-point representation. */
    public static final int FRACTION_BITS = 40;
    /** Largest magnitude accepted: 2^22 (the integer part must leave room for many additions). */
    public static final double LIMIT = 1 << 22;

    private static final double SCALE = Math.scalb(1.0, FRACTION_BITS);

    private final long[] fixed;
    private boolean finite = true;

    /** A zero vector of {@code size} entries. */
    public ExactSum(int size) {
        this.fixed = new long[size];
    }

    /** Number of entries. */
    public int size() {
        return fixed.length;
    }

    /** Adds {@code weight · values[i]} to entry {@code offset + i}; returns this. */
    public ExactSum add(int offset, float[] values, double weight) {
        for (int i = 0; i < values.length; i++) {
            add(offset + i, values[i] * weight);
        }
        return this;
    }

    /** Adds one value to entry {@code index}; returns this. */
    public ExactSum add(int index, double value) {
        if (!finite) {
            return this;
        }
        if (!(Math.abs(value) < LIMIT)) {
            finite = false;
            return this;
        }
        try {
            fixed[index] = Math.addExact(fixed[index], Math.round(value * SCALE));
        } catch (ArithmeticException overflow) {
            finite = false;
        }
        return this;
    }

    /** Adds another sum into this one (exactly); returns this. */
    public ExactSum merge(ExactSum other) {
        if (other.fixed.length != fixed.length) {
            throw new IllegalArgumentException("cannot merge sums of " + other.fixed.length + " and "
                    + fixed.length + " entries");
        }
        if (!other.finite) {
            finite = false;
        }
        if (!finite) {
            return this;
        }
        try {
            for (int i = 0; i < fixed.length; i++) {
                fixed[i] = Math.addExact(fixed[i], other.fixed[i]);
            }
        } catch (ArithmeticException overflow) {
            finite = false;
        }
        return this;
    }

    /** False when a value was not finite, too large, or the sum overflowed. */
    public boolean isFinite() {
        return finite;
    }

    /** Entry {@code index} as a double. */
    public double get(int index) {
        return fixed[index] / SCALE;
    }

    /** Entries {@code [offset, offset + length)} as floats. */
    public float[] floats(int offset, int length) {
        float[] result = new float[length];
        for (int i = 0; i < length; i++) {
            result[i] = (float) (fixed[offset + i] / SCALE);
        }
        return result;
    }
}
