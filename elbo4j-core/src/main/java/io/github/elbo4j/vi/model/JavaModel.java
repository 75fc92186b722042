package io.github.elbo4j.vi.model;

import io.github.elbo4j.vi.Model;
import io.github.elbo4j.vi.ParameterBlock;
import io.github.elbo4j.vi.UnconstrainedDensity;
import io.github.elbo4j.vi.VariationalPosterior;
import io.github.elbo4j.vi.autodiff.Tape;
import io.github.elbo4j.vi.autodiff.Value;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A model written in Java like a Stan program: one lambda declares the parameters and adds the log
 * density's terms, on plain doubles with reverse-mode automatic differentiation, so a log density
 * and its gradient cost microseconds and no tensor engine.
 *
 * <pre>{@code
 * Value y = Value.constant(28, 8, -3, 7, -1, 1, 18, 12);
 * Value sigma = Value.constant(15, 10, 16, 11, 9, 11, 10, 18);
 * Model eightSchools = JavaModel.of(m -> {
 *     Value mu = m.real("mu");
 *     Value tau = m.positive("tau");
 *     Value thetaRaw = m.real("theta_raw", 8);
 *     Value theta = thetaRaw.times(tau).plus(mu);
 *     m.add(normal(thetaRaw, 0, 1));
 *     m.add(normal(y, theta, sigma));
 *     m.add(normal(mu, 0, 5));
 *     m.add(cauchy(tau, 0, 5));
 * });
 * }</pre>
 *
 * <p>Why define-by-run: the code runs once per evaluation on a fresh {@link Tape}, so ordinary Java
 * (loops, conditionals, helper methods) builds the density, and nothing is compiled. Each
 * declaration reads the next coordinates of the unconstrained point, applies the constraint
 * transform and adds its log-Jacobian ({@link ModelContext}). The first run, when the model is
 * built, fixes the parameter blocks; each later run must declare the same ones in the same order.
 *
 * <p>Thread safety: the model is immutable once built and each evaluation has its own tape, so one
 * model may be evaluated from several threads if its code only reads shared data. A fit relies on
 * this: it evaluates the values at its output draws in parallel, so model code must not write to
 * data it shares between runs.
 */
public final class JavaModel implements Model {

    private final ModelCode code;
    private final Layout layout;
    private final List<ParameterBlock> blocks;
    private final List<String> generatedNames;
    private final int dimension;

    private JavaModel(ModelCode code, Layout layout, List<String> generatedNames) {
        this.code = code;
        this.layout = layout;
        this.blocks = layout.blocks();
        this.generatedNames = generatedNames;
        this.dimension = layout.dimension();
    }

    /**
     * Builds a model by running its code once, at the unconstrained point 0, to find its parameters.
     *
     * @param code the declarations and the log density
     * @return the model
     * @throws IllegalArgumentException in one line naming the parameter and the model line, if the
     *     code declares no parameter, declares a name twice or fails (e.g. shapes that do not match)
     */
    public static JavaModel of(ModelCode code) {
        Objects.requireNonNull(code, "code");
        ModelContext discovery = ModelContext.discover();
        run(code, discovery);
        if (discovery.blocks().isEmpty()) {
            throw new IllegalArgumentException("the model declares no parameter; declare one with m.real(...),"
                    + " m.positive(...) or another declaration of ModelContext");
        }
        return new JavaModel(
                code,
                Layout.of(discovery.blocks()),
                List.copyOf(discovery.generatedValues().keySet()));
    }

    @Override
    public List<ParameterBlock> blocks() {
        return blocks;
    }

    /** The number of unconstrained coordinates D. */
    public int dimension() {
        return dimension;
    }

    /** The names of the generated quantities, in declaration order. */
    public List<String> generatedNames() {
        return generatedNames;
    }

    @Override
    public UnconstrainedDensity unconstrainedDensity() {
        return new JavaDensity(this);
    }

    /**
     * The log density over the unconstrained space, {@code log p(data, T(z)) + log|det J_T(z)|}, and
     * its gradient at one point.
     *
     * @param z the point, D values
     * @param gradient receives ∇f, D values; null for the value only
     * @return f(z)
     */
    public double logDensity(double[] z, double[] gradient) {
        checkDimension(z);
        if (gradient == null) {
            ModelContext m = ModelContext.density(layout, Value.constant(z));
            run(code, m);
            return m.target().doubleValue();
        }
        Tape tape = new Tape();
        Value point = tape.variable(z);
        ModelContext m = ModelContext.density(layout, point);
        run(code, m);
        Value target = m.target();
        if (target.isConstant()) {
            // The density does not depend on the parameters (possible only in degenerate models).
            Arrays.fill(gradient, 0.0);
            return target.doubleValue();
        }
        tape.backward(target);
        System.arraycopy(point.adjoint(), 0, gradient, 0, dimension);
        return target.doubleValue();
    }

    /**
     * The constrained values of every block at one unconstrained point, including blocks whose
     * bounds depend on other parameters (which no block can map alone). The model's code runs only
     * up to its last declaration, so this costs the declarations, not the log density.
     *
     * @param z the point, D values
     * @return the values of each block, in {@link #blocks()} order
     */
    @Override
    public double[][] constrain(double[] z) {
        checkDimension(z);
        ModelContext m = ModelContext.values(layout, Value.constant(z));
        run(code, m);
        return m.constrainedValues();
    }

    /**
     * Says which term makes the log density non-finite at {@code z}: the first term or
     * log-Jacobian whose value is NaN or infinite, with the model line that added it.
     *
     * @param z the point, D values
     * @return e.g. {@code the term added at Model.java:42 is -Infinity}, or empty if f(z) is finite
     */
    @Override
    public Optional<String> explainNonFinite(double[] z) {
        checkDimension(z);
        ModelContext m = ModelContext.constrain(layout, Value.constant(z));
        run(code, m);
        double[][] values = m.constrainedValues();
        for (int b = 0; b < values.length; b++) {
            for (double x : values[b]) {
                if (!Double.isFinite(x)) {
                    return Optional.of("parameter '" + blocks.get(b).name() + "' is " + x
                            + " after its constraint transform (an unconstrained coordinate too large?)");
                }
            }
        }
        for (int i = 0; i < m.termCount(); i++) {
            double total = 0.0;
            for (double x : m.term(i).values()) {
                total += x;
            }
            if (!Double.isFinite(total)) {
                return Optional.of(m.termLabels().get(i) + " is " + total);
            }
        }
        return Optional.empty();
    }

    /**
     * Draws the generated quantities of each posterior draw (Stan's {@code generated quantities}):
     * the model code runs with the draw's constrained values and each {@link Generator} draws once.
     *
     * @param posterior a fit of this model
     * @param seed the seed of the generators' randomness; the same seed gives the same draws
     * @return for each generated quantity, {@code [draws][values]}, in declaration order
     */
    public Map<String, double[][]> generatedQuantities(VariationalPosterior posterior, long seed) {
        double[][][] draws = new double[blocks.size()][][];
        for (int b = 0; b < blocks.size(); b++) {
            draws[b] = posterior.draws(blocks.get(b).name());
        }
        int count = draws[0].length;
        Map<String, double[][]> result = new LinkedHashMap<>();
        for (String name : generatedNames) {
            result.put(name, new double[count][]);
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[][] values = new double[blocks.size()][];
        for (int s = 0; s < count; s++) {
            for (int b = 0; b < blocks.size(); b++) {
                values[b] = draws[b][s];
            }
            ModelContext m = ModelContext.generate(layout, values, random.split());
            run(code, m);
            for (Map.Entry<String, double[]> quantity : m.generatedValues().entrySet()) {
                double[][] target = result.get(quantity.getKey());
                if (target == null) {
                    throw new IllegalArgumentException("generated quantity '" + quantity.getKey()
                            + "' was not declared when the model was built; declarations must not change between runs");
                }
                target[s] = quantity.getValue();
            }
        }
        return result;
    }

    /** Runs the model code, turning a failure inside it into a one-line error that says where. */
    static void run(ModelCode code, ModelContext m) {
        try {
            code.define(m);
        } catch (ModelContext.AllDeclared stop) {
            // a values-only run ends at the last declaration, with every block declared
            return;
        } catch (ModelException e) {
            throw e;
        } catch (RuntimeException e) {
            throw ModelException.inModel(e, m.declaredBlocks());
        }
        m.finish();
    }

    private void checkDimension(double[] z) {
        if (z.length != dimension) {
            throw new IllegalArgumentException(
                    "the model has " + dimension + " unconstrained coordinates, got a point of " + z.length);
        }
    }
}
