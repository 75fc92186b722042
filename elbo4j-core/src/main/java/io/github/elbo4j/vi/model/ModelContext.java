package io.github.elbo4j.vi.model;

import io.github.elbo4j.vi.Constraint;
import io.github.elbo4j.vi.ParameterBlock;
import io.github.elbo4j.vi.autodiff.Tape;
import io.github.elbo4j.vi.autodiff.Value;
import io.github.elbo4j.vi.transform.Constrained;
import io.github.elbo4j.vi.transform.Transforms;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * What the code of a {@link JavaModel} sees in one run: parameter declarations, which read the next
 * coordinates of the unconstrained point and return the constrained values, and the target, the log
 * density that {@link #add} accumulates (Stan's {@code target +=}).
 *
 * <p>Each declaration applies its constraint transform and adds the transform's log-Jacobian to the
 * target itself, so model code never writes one. Declarations must come in the same order, with the
 * same names, shapes and supports, in every run; the first run (when the model is built) fixes
 * them. Bounds may be numbers, data ({@link Value#constant}) or other parameters, e.g. {@code
 * m.lowerBounded("y", mu)} for {@code real<lower=mu> y}.
 *
 * <p>Returned values are scalars ({@code []}), vectors ({@code [n]}) or row-major matrices ({@code
 * [r, c]}); compute with {@link Value}'s operations and the densities of {@code
 * io.github.elbo4j.vi.density}.
 */
public final class ModelContext {

    /** What a run is for. */
    enum Mode {
        /** The run at build time: records the blocks, at the point z = 0 (each block a tape variable). */
        DISCOVER,
        /** A log density (and gradient, when z is a tape variable) at a point z. */
        DENSITY,
        /** The constrained values of every block at a point z, and each term (for error messages). */
        CONSTRAIN,
        /**
         * The constrained values of every block at a point z alone: the run stops at the last
         * declaration ({@link AllDeclared}), since what follows only adds terms.
         */
        VALUES,
        /** Generated quantities at given constrained values. */
        GENERATE
    }

    private static final int[] SCALAR = {};

    private final Mode mode;
    /** The blocks found when the model was built; null while discovering them. */
    private final Layout layout;

    private final List<ParameterBlock> blocks;
    /** While discovering, the tape of the parameters' coordinates, so that values show what depends on them. */
    private final Tape discoveryTape;

    private final Value z;
    private final double[][] given;
    private final RandomGenerator random;

    private final Set<String> names;
    private final double[][] constrained;
    private final Map<String, double[]> generated;
    private final List<String> termLabels;

    private Value[] terms = new Value[8];
    private int termCount;
    private int declared;
    private int offset;

    private ModelContext(Mode mode, Layout layout, Value z, double[][] given, RandomGenerator random) {
        this.mode = mode;
        this.layout = layout;
        this.blocks = layout == null ? new ArrayList<>() : layout.blocks();
        this.discoveryTape = mode == Mode.DISCOVER ? new Tape() : null;
        this.z = z;
        this.given = given;
        this.random = random;
        this.names = mode == Mode.DISCOVER ? new HashSet<>() : null;
        this.constrained = mode == Mode.CONSTRAIN || mode == Mode.VALUES ? new double[blocks.size()][] : null;
        this.generated = mode == Mode.GENERATE || mode == Mode.DISCOVER ? new LinkedHashMap<>() : null;
        this.termLabels = mode == Mode.CONSTRAIN ? new ArrayList<>() : null;
    }

    static ModelContext discover() {
        return new ModelContext(Mode.DISCOVER, null, null, null, null);
    }

    static ModelContext density(Layout layout, Value z) {
        return new ModelContext(Mode.DENSITY, layout, z, null, null);
    }

    static ModelContext constrain(Layout layout, Value z) {
        return new ModelContext(Mode.CONSTRAIN, layout, z, null, null);
    }

    static ModelContext values(Layout layout, Value z) {
        return new ModelContext(Mode.VALUES, layout, z, null, null);
    }

    static ModelContext generate(Layout layout, double[][] constrainedValues, RandomGenerator random) {
        return new ModelContext(Mode.GENERATE, layout, null, constrainedValues, random);
    }

    // ---------------------------------------------------------------- declarations: unconstrained

    /** A real scalar ({@code real name;}). */
    public Value real(String name) {
        return declare(name, SCALAR, Constraint.real(), null, null);
    }

    /** A real vector of {@code size} elements ({@code vector[size] name;}). */
    public Value real(String name, int size) {
        return declare(name, vector(size), Constraint.real(), null, null);
    }

    /** A real {@code rows × cols} matrix, row-major ({@code matrix[rows, cols] name;}). */
    public Value matrix(String name, int rows, int cols) {
        return declare(name, new int[] {rows, cols}, Constraint.real(), null, null);
    }

    // ---------------------------------------------------------------- declarations: bounds

    /** A positive scalar, e.g. a scale ({@code real<lower=0> name;}). */
    public Value positive(String name) {
        return declare(name, SCALAR, Constraint.positive(), null, null);
    }

    /** A vector of {@code size} positive values ({@code vector<lower=0>[size] name;}). */
    public Value positive(String name, int size) {
        return declare(name, vector(size), Constraint.positive(), null, null);
    }

    /** A scalar above {@code lower} ({@code real<lower=lower> name;}). */
    public Value lowerBounded(String name, double lower) {
        return declare(name, SCALAR, Constraint.lowerBounded(lower), null, null);
    }

    /** A scalar above {@code lower}, a value that may depend on other parameters. */
    public Value lowerBounded(String name, Value lower) {
        return bounded(name, SCALAR, lower, null);
    }

    /** A vector of {@code size} values above {@code lower}. */
    public Value lowerBounded(String name, int size, double lower) {
        return declare(name, vector(size), Constraint.lowerBounded(lower), null, null);
    }

    /** A vector of {@code size} values above {@code lower}: one bound, or one per element. */
    public Value lowerBounded(String name, int size, Value lower) {
        return bounded(name, vector(size), lower, null);
    }

    /** A scalar below {@code upper} ({@code real<upper=upper> name;}). */
    public Value upperBounded(String name, double upper) {
        return declare(name, SCALAR, Constraint.upperBounded(upper), null, null);
    }

    /** A scalar below {@code upper}, a value that may depend on other parameters. */
    public Value upperBounded(String name, Value upper) {
        return bounded(name, SCALAR, null, upper);
    }

    /** A vector of {@code size} values below {@code upper}. */
    public Value upperBounded(String name, int size, double upper) {
        return declare(name, vector(size), Constraint.upperBounded(upper), null, null);
    }

    /** A vector of {@code size} values below {@code upper}: one bound, or one per element. */
    public Value upperBounded(String name, int size, Value upper) {
        return bounded(name, vector(size), null, upper);
    }

    /** A scalar in {@code (lower, upper)}, e.g. a probability ({@code real<lower=0, upper=1> p;}). */
    public Value bounded(String name, double lower, double upper) {
        return declare(name, SCALAR, Constraint.interval(lower, upper), null, null);
    }

    /** A scalar in {@code (lower, upper)}, bounds that may depend on other parameters. */
    public Value bounded(String name, Value lower, Value upper) {
        return bounded(name, SCALAR, lower, upper);
    }

    /** A vector of {@code size} values in {@code (lower, upper)}. */
    public Value bounded(String name, int size, double lower, double upper) {
        return declare(name, vector(size), Constraint.interval(lower, upper), null, null);
    }

    /** A vector of {@code size} values in {@code (lower, upper)}: bounds of one value or one per element. */
    public Value bounded(String name, int size, Value lower, Value upper) {
        return bounded(name, vector(size), lower, upper);
    }

    // ---------------------------------------------------------------- declarations: structured

    /** A probability vector of {@code k} components ({@code simplex[k] name;}), k − 1 coordinates. */
    public Value simplex(String name, int k) {
        return declare(name, vector(k), Constraint.simplex(), null, null);
    }

    /** A strictly increasing vector of {@code k} values ({@code ordered[k] name;}). */
    public Value ordered(String name, int k) {
        return declare(name, vector(k), Constraint.ordered(), null, null);
    }

    /** A strictly increasing vector of {@code k} positive values ({@code positive_ordered[k] name;}). */
    public Value positiveOrdered(String name, int k) {
        return declare(name, vector(k), Constraint.positiveOrdered(), null, null);
    }

    /**
     * The lower-triangular Cholesky factor of a {@code k × k} correlation matrix ({@code
     * cholesky_factor_corr[k] name;}), a {@code [k, k]} matrix from k(k − 1)/2 coordinates.
     */
    public Value choleskyFactorCorr(String name, int k) {
        return declare(name, new int[] {k, k}, Constraint.choleskyFactorCorr(), null, null);
    }

    /**
     * A block of any shape with a constraint of fixed bounds, e.g. a matrix of positive values.
     *
     * @param name the parameter's name
     * @param shape {@code []}, {@code [n]} or {@code [rows, cols]}
     * @param constraint its support
     * @return the constrained values, of that shape
     */
    public Value parameter(String name, int[] shape, Constraint constraint) {
        return declare(name, shape.clone(), constraint, null, null);
    }

    // ---------------------------------------------------------------- target and generated quantities

    /**
     * Adds {@code term} to the log density ({@code target += term}): a log density from {@code
     * io.github.elbo4j.vi.density}, or any value, whose elements are summed.
     *
     * @param term the term, on this run's tape or a constant
     */
    public void add(Value term) {
        if (mode == Mode.GENERATE) {
            return;
        }
        if (termLabels != null) {
            termLabels.add("the term added at " + callerSite());
        }
        push(term);
    }

    /**
     * Declares a generated quantity (Stan's {@code generated quantities}), drawn from each posterior
     * draw by {@link JavaModel#generatedQuantities}; while fitting, {@code generator} is never run.
     *
     * @param name its name, distinct from every parameter's and other quantity's
     * @param generator draws it from the values declared so far (constants in a drawing run)
     */
    public void generated(String name, Generator generator) {
        if (mode == Mode.DISCOVER) {
            if (!names.add(name)) {
                throw new IllegalArgumentException("duplicate name '" + name
                        + "': a generated quantity must not reuse a parameter's or another quantity's name");
            }
            generated.put(name, null);
        } else if (mode == Mode.GENERATE) {
            double[] values = generator.draw(random);
            if (values == null) {
                throw new IllegalArgumentException("generated quantity '" + name + "' returned null");
            }
            generated.put(name, values);
        }
    }

    // ---------------------------------------------------------------- the run's results

    /** The target: the sum of every term and log-Jacobian added in this run, one value. */
    Value target() {
        if (termCount == 0) {
            return Value.constant(0.0);
        }
        Value[] operands = Arrays.copyOf(terms, termCount);
        double total = 0.0;
        for (Value term : operands) {
            for (double x : term.values()) {
                total += x;
            }
        }
        return Value.derive(
                SCALAR,
                new double[] {total},
                g -> {
                    for (Value term : operands) {
                        double[] adjoint = term.adjoint();
                        if (adjoint != null) {
                            for (int i = 0; i < adjoint.length; i++) {
                                adjoint[i] += g[0];
                            }
                        }
                    }
                },
                operands);
    }

    /** Checks that this run declared every block the model was built with. */
    void finish() {
        if (mode != Mode.DISCOVER && declared < blocks.size()) {
            throw new IllegalArgumentException(
                    "parameter '" + blocks.get(declared).name()
                            + "' was declared when the model was built but not in this run; declarations must not change"
                            + " between runs");
        }
    }

    List<ParameterBlock> blocks() {
        return blocks;
    }

    double[][] constrainedValues() {
        return constrained;
    }

    Map<String, double[]> generatedValues() {
        return generated;
    }

    /** What each term of this run is, in order, for {@link Mode#CONSTRAIN} runs. */
    List<String> termLabels() {
        return termLabels;
    }

    Value term(int i) {
        return terms[i];
    }

    int termCount() {
        return termCount;
    }

    /** The parameter declared last, for error messages; null before the first declaration. */
    String lastDeclared() {
        return declared == 0 ? null : blocks.get(declared - 1).name();
    }

    /** The blocks declared so far in this run, for error messages. */
    List<ParameterBlock> declaredBlocks() {
        return blocks.subList(0, Math.min(declared, blocks.size()));
    }

    /**
     * Ends a {@link Mode#VALUES} run at its last declaration: the rest of the model's code (for a
     * time series, the whole likelihood) would only add terms, which such a run does not need, and
     * would cost as much as the log density itself. Thrown through the model's code and caught by
     * {@link JavaModel#run}; one shared instance without a stack trace, so stopping costs nothing.
     */
    static final class AllDeclared extends RuntimeException {

        private static final long serialVersionUID = 1L;

        static final AllDeclared INSTANCE = new AllDeclared();

        private AllDeclared() {
            super("every parameter is declared", null, false, false);
        }
    }

    // ---------------------------------------------------------------- implementation

    private Value bounded(String name, int[] shape, Value lower, Value upper) {
        int size = shape.length == 0 ? 1 : shape[0];
        checkBound(name, "lower", lower, size);
        checkBound(name, "upper", upper, size);
        Constraint constraint;
        if (boundsVary(lower, upper)) {
            constraint = Constraint.varyingBounds(lower != null, upper != null);
        } else if (lower == null) {
            constraint = Constraint.upperBounded(upper.doubleValue());
        } else {
            constraint = upper == null
                    ? Constraint.lowerBounded(lower.doubleValue())
                    : Constraint.interval(lower.doubleValue(), upper.doubleValue());
        }
        return declare(name, shape, constraint, lower, upper);
    }

    private Value declare(String name, int[] shape, Constraint constraint, Value lower, Value upper) {
        ParameterBlock block = checkDeclaration(name, shape, constraint);
        int index = declared++;
        if (mode == Mode.GENERATE) {
            return Value.constant(shape, given[index]);
        }
        int n = layout == null ? block.unconstrainedSize() : layout.unconstrainedSizes()[index];
        Value u = coordinates(n, constraint.isElementwise() ? shape : vector(n));
        Constrained x = constraint instanceof Constraint.VaryingBounds
                ? transformWithBounds(u, lower, upper)
                : constraint.transform(u);
        Value value = x.value();
        if (!constraint.isElementwise() && !Arrays.equals(value.shape(), shape)) {
            value = Reshape.of(value, shape);
        }
        if (constrained != null) {
            constrained[index] = value.toArray();
        }
        if (mode == Mode.VALUES && declared == blocks.size()) {
            throw AllDeclared.INSTANCE;
        }
        if (!(constraint instanceof Constraint.Real)) {
            if (termLabels != null) {
                termLabels.add("the log-Jacobian of parameter '" + name + "'");
            }
            push(x.logJacobian());
        }
        return value;
    }

    private static Constrained transformWithBounds(Value u, Value lower, Value upper) {
        if (lower == null) {
            return Transforms.upperBounded(u, upper);
        }
        return upper == null ? Transforms.lowerBounded(u, lower) : Transforms.interval(u, lower, upper);
    }

    /** The next n coordinates of z as a value of the given shape (zeros while discovering). */
    private Value coordinates(int n, int[] shape) {
        int from = offset;
        offset += n;
        if (z == null) {
            return discoveryTape.variable(shape, new double[n]);
        }
        double[] values = Arrays.copyOfRange(z.values(), from, from + n);
        Value point = z;
        return Value.derive(
                shape,
                values,
                g -> {
                    double[] target = point.adjoint();
                    for (int i = 0; i < g.length; i++) {
                        target[from + i] += g[i];
                    }
                },
                point);
    }

    private ParameterBlock checkDeclaration(String name, int[] shape, Constraint constraint) {
        if (mode == Mode.DISCOVER) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException(
                        "a parameter needs a non-empty name (declaration " + (declared + 1) + ")");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException("duplicate parameter name '" + name + "'");
            }
            ParameterBlock block;
            try {
                block = new ParameterBlock(name, shape, constraint);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("parameter '" + name + "': " + e.getMessage(), e);
            }
            blocks.add(block);
            return block;
        }
        if (declared >= blocks.size()) {
            throw new IllegalArgumentException("parameter '" + name + "' is declared in this run but was not"
                    + " when the model was built; declarations must not change between runs");
        }
        ParameterBlock block = blocks.get(declared);
        if (!block.name().equals(name)
                || !Arrays.equals(layout.shapes()[declared], shape)
                || !block.constraint().equals(constraint)) {
            throw new IllegalArgumentException("declaration " + (declared + 1) + " is " + name
                    + Arrays.toString(shape) + " " + constraint + " in this run but was " + block
                    + " when the model was built; declarations must not change between runs");
        }
        return block;
    }

    private static void checkBound(String name, String which, Value bound, int size) {
        if (bound != null && bound.size() != 1 && bound.size() != size) {
            throw new IllegalArgumentException("the " + which + " bound of parameter '" + name + "' has " + bound.size()
                    + " values; it needs 1 or " + size);
        }
    }

    /**
     * Whether bounds are values of the model (a vector, or a function of parameters) rather than
     * numbers a {@link Constraint} can hold. That is decided when the model is built, where
     * parameters are tape variables; later runs, on constants when drawing, keep the answer.
     */
    private boolean boundsVary(Value lower, Value upper) {
        boolean numbers = (lower == null || lower.size() == 1) && (upper == null || upper.size() == 1);
        if (mode != Mode.DISCOVER && declared < blocks.size()) {
            return !numbers || blocks.get(declared).constraint() instanceof Constraint.VaryingBounds;
        }
        return !numbers || lower != null && !lower.isConstant() || upper != null && !upper.isConstant();
    }

    private void push(Value term) {
        if (term == null) {
            throw new IllegalArgumentException("add(null): a term must be a value");
        }
        if (termCount == terms.length) {
            terms = Arrays.copyOf(terms, 2 * termCount);
        }
        terms[termCount++] = term;
    }

    private static int[] vector(int size) {
        return new int[] {size};
    }

    /** The model code's line that called into this class, e.g. {@code EightSchools.java:42}. */
    private static String callerSite() {
        return StackWalker.getInstance()
                .walk(frames -> frames.filter(f -> !f.getClassName().equals(ModelContext.class.getName()))
                        .findFirst()
                        .map(f -> f.getFileName() + ":" + f.getLineNumber())
                        .orElse("an unknown line"));
    }
}
