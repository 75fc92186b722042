package io.github.elbo4j.vi.density;

import io.github.elbo4j.vi.autodiff.Value;

/**
 * The partial derivatives of one log density with respect to its operands, filled by the density's
 * loop and turned into one recorded scalar: Stan Math's "operands and partials". A constant operand
 * (data) gets no array, so a density spends nothing on derivatives nobody needs, and a vectorized
 * density records one value on the tape whatever the number of elements.
 *
 * <p>Each array has one entry per element of its operand; a broadcast operand (one element used
 * for every element of the outcome) accumulates all its contributions in entry 0.
 */
final class Partials {

    private static final int[] SCALAR = {};

    private final Value[] operands;
    private final double[][] partials;

    /** Partials for {@code operands}, in order; the arrays of constants are null. */
    Partials(Value... operands) {
        this.operands = operands;
        this.partials = new double[operands.length][];
        for (int k = 0; k < operands.length; k++) {
            partials[k] = operands[k].isConstant() ? null : new double[operands[k].size()];
        }
    }

    /** The partials of operand {@code k} to add to, or null when it is a constant. */
    double[] of(int k) {
        return partials[k];
    }

    /** The log density as a scalar value whose adjoint rule applies these partials. */
    Value result(double logDensity) {
        return Value.derive(
                SCALAR,
                new double[] {logDensity},
                g -> {
                    for (int k = 0; k < operands.length; k++) {
                        double[] partial = partials[k];
                        if (partial != null) {
                            double[] target = operands[k].adjoint();
                            for (int i = 0; i < partial.length; i++) {
                                target[i] += g[0] * partial[i];
                            }
                        }
                    }
                },
                operands);
    }

    /**
     * A log density of −∞ (a parameter outside its domain, e.g. a scale ≤ 0), recorded like any
     * other result so that a fit's backward pass still runs; its partials are zero.
     */
    static Value impossible(Value... operands) {
        return Value.derive(SCALAR, new double[] {Double.NEGATIVE_INFINITY}, g -> {}, operands);
    }
}
