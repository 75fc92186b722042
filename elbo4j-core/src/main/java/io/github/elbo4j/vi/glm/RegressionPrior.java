package io.github.elbo4j.vi.glm;

import ai.djl.ndarray.NDArray;
import io.github.elbo4j.math.SpecialFunctions;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A prior density for one scalar parameter of a {@link GeneralizedLinearModel}, written as on the
 * command line: {@code normal(m,s)}, {@code cauchy(m,s)}, {@code student_t(nu,m,s)} or {@code
 * exponential(rate)}.
 *
 * <p>On a positive parameter (the residual scale σ) a normal, Cauchy or Student-t prior must be
 * centred at 0 and is the half distribution, density doubled on (0, ∞), so that log evidences stay
 * correctly normalised; the exponential is only for positive parameters.
 */
public sealed interface RegressionPrior {

    /**
     * The log density, elementwise.
     *
     * @param x values, any shape
     * @param positive whether the parameter is restricted to (0, ∞) (then the half density)
     * @return {@code log p(x)}, same shape, attached to {@code x}'s manager
     */
    NDArray logDensity(NDArray x, boolean positive);

    /**
     * The log density of one value, in plain doubles.
     *
     * @param x the value
     * @param positive whether the parameter is restricted to (0, ∞) (then the half density)
     * @return {@code log p(x)}
     */
    double logDensity(double x, boolean positive);

    /**
     * The derivative {@code d log p(x) / dx} (the same for the half density, which differs by a
     * constant).
     *
     * @param x the value
     * @return the derivative
     */
    double logDensityDerivative(double x);

    /**
     * Checks that this prior suits a parameter.
     *
     * @param parameter the parameter name, for the message
     * @param positive whether the parameter is positive
     * @throws IllegalArgumentException saying what to use instead
     */
    void checkSupport(String parameter, boolean positive);

    /** normal(location, scale). */
    record Normal(double location, double scale) implements RegressionPrior {
        /** Validates. */
        public Normal {
            checkLocationScale("normal", location, scale);
        }

        @Override
        public NDArray logDensity(NDArray x, boolean positive) {
            NDArray z = standardise(x, location, scale);
            return z.square()
                    .mul(SpecialFunctions.scalar(z, -0.5))
                    .add(SpecialFunctions.scalar(
                            z, -Math.log(scale) - SpecialFunctions.HALF_LOG_2PI + halfCorrection(positive)));
        }

        @Override
        public double logDensity(double x, boolean positive) {
            double z = (x - location) / scale;
            return -0.5 * z * z - Math.log(scale) - SpecialFunctions.HALF_LOG_2PI + halfCorrection(positive);
        }

        @Override
        public double logDensityDerivative(double x) {
            return -(x - location) / (scale * scale);
        }

        @Override
        public void checkSupport(String parameter, boolean positive) {
            requireCentredIfPositive(this, parameter, positive, location);
        }

        @Override
        public String toString() {
            return "normal(" + format(location) + ", " + format(scale) + ")";
        }
    }

    /** cauchy(location, scale). */
    record Cauchy(double location, double scale) implements RegressionPrior {
        /** Validates. */
        public Cauchy {
            checkLocationScale("cauchy", location, scale);
        }

        @Override
        public NDArray logDensity(NDArray x, boolean positive) {
            NDArray z = standardise(x, location, scale);
            NDArray log1pSquare =
                    z.square().add(SpecialFunctions.scalar(z, 1.0)).log();
            return log1pSquare
                    .neg()
                    .add(SpecialFunctions.scalar(z, -Math.log(Math.PI) - Math.log(scale) + halfCorrection(positive)));
        }

        @Override
        public double logDensity(double x, boolean positive) {
            double z = (x - location) / scale;
            return -Math.log1p(z * z) - Math.log(Math.PI) - Math.log(scale) + halfCorrection(positive);
        }

        @Override
        public double logDensityDerivative(double x) {
            double z = (x - location) / scale;
            return -2 * z / (scale * (1 + z * z));
        }

        @Override
        public void checkSupport(String parameter, boolean positive) {
            requireCentredIfPositive(this, parameter, positive, location);
        }

        @Override
        public String toString() {
            return "cauchy(" + format(location) + ", " + format(scale) + ")";
        }
    }

    /** student_t(degrees of freedom, location, scale). */
    record StudentT(double degreesOfFreedom, double location, double scale) implements RegressionPrior {
        /** Validates. */
        public StudentT {
            if (!(degreesOfFreedom > 0 && Double.isFinite(degreesOfFreedom))) {
                throw new IllegalArgumentException(
                        "student_t degrees of freedom must be positive, got " + degreesOfFreedom);
            }
            checkLocationScale("student_t", location, scale);
        }

        @Override
        public NDArray logDensity(NDArray x, boolean positive) {
            double nu = degreesOfFreedom;
            double constant = SpecialFunctions.logGamma((nu + 1) / 2)
                    - SpecialFunctions.logGamma(nu / 2)
                    - 0.5 * Math.log(nu * Math.PI)
                    - Math.log(scale)
                    + halfCorrection(positive);
            NDArray z = standardise(x, location, scale);
            NDArray log1p = z.square()
                    .div(SpecialFunctions.scalar(z, nu))
                    .add(SpecialFunctions.scalar(z, 1.0))
                    .log();
            return log1p.mul(SpecialFunctions.scalar(z, -(nu + 1) / 2)).add(SpecialFunctions.scalar(z, constant));
        }

        @Override
        public double logDensity(double x, boolean positive) {
            double nu = degreesOfFreedom;
            double z = (x - location) / scale;
            return -(nu + 1) / 2 * Math.log1p(z * z / nu)
                    + SpecialFunctions.logGamma((nu + 1) / 2)
                    - SpecialFunctions.logGamma(nu / 2)
                    - 0.5 * Math.log(nu * Math.PI)
                    - Math.log(scale)
                    + halfCorrection(positive);
        }

        @Override
        public double logDensityDerivative(double x) {
            double z = (x - location) / scale;
            return -(degreesOfFreedom + 1) * z / (scale * (degreesOfFreedom + z * z));
        }

        @Override
        public void checkSupport(String parameter, boolean positive) {
            requireCentredIfPositive(this, parameter, positive, location);
        }

        @Override
        public String toString() {
            return "student_t(" + format(degreesOfFreedom) + ", " + format(location) + ", " + format(scale) + ")";
        }
    }

    /** exponential(rate), for positive parameters. */
    record Exponential(double rate) implements RegressionPrior {
        /** Validates. */
        public Exponential {
            if (!(rate > 0 && Double.isFinite(rate))) {
                throw new IllegalArgumentException("exponential rate must be positive, got " + rate);
            }
            requireRepresentable("exponential rate", rate);
        }

        @Override
        public NDArray logDensity(NDArray x, boolean positive) {
            return x.mul(SpecialFunctions.scalar(x, -rate)).add(SpecialFunctions.scalar(x, Math.log(rate)));
        }

        @Override
        public double logDensity(double x, boolean positive) {
            return -rate * x + Math.log(rate);
        }

        @Override
        public double logDensityDerivative(double x) {
            return -rate;
        }

        @Override
        public void checkSupport(String parameter, boolean positive) {
            if (!positive) {
                throw new IllegalArgumentException("prior " + this + " for '" + parameter
                        + "' is only for positive parameters; use normal(m, s), cauchy(m, s) or student_t(nu, m, s)");
            }
        }

        @Override
        public String toString() {
            return "exponential(" + format(rate) + ")";
        }
    }

    /**
     * Parses {@code normal(0,100)}, {@code cauchy(0, 2.5)}, {@code student_t(3,0,1)} or {@code
     * exponential(1)} (case-insensitive, spaces allowed).
     *
     * @param text the prior
     * @return the prior
     * @throws IllegalArgumentException naming the accepted forms if the text does not parse
     */
    static RegressionPrior parse(String text) {
        Matcher m = Pattern.compile("\\s*([a-zA-Z_]+)\\s*\\(([^()]*)\\)\\s*").matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("cannot read prior '" + text + "'; " + FORMS);
        }
        String name = m.group(1).toLowerCase(Locale.ROOT);
        String[] parts = m.group(2).split(",", -1);
        double[] args = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                args[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "prior '" + text + "': '" + parts[i].trim() + "' is not a number; " + FORMS);
            }
        }
        int expected = switch (name) {
            case "normal", "cauchy" -> 2;
            case "student_t" -> 3;
            case "exponential" -> 1;
            default -> throw new IllegalArgumentException("unknown prior '" + name + "' in '" + text + "'; " + FORMS);
        };
        if (args.length != expected) {
            throw new IllegalArgumentException("prior " + name + " takes " + expected + " argument"
                    + (expected == 1 ? "" : "s") + ", got " + args.length + " in '" + text + "'; " + FORMS);
        }
        return switch (name) {
            case "normal" -> new Normal(args[0], args[1]);
            case "cauchy" -> new Cauchy(args[0], args[1]);
            case "student_t" -> new StudentT(args[0], args[1], args[2]);
            default -> new Exponential(args[0]);
        };
    }

    /** The accepted forms, for error messages. */
    String FORMS = "use normal(m,s), cauchy(m,s), student_t(nu,m,s) or exponential(rate)";

    private static NDArray standardise(NDArray x, double location, double scale) {
        return x.sub(SpecialFunctions.scalar(x, location)).div(SpecialFunctions.scalar(x, scale));
    }

    private static double halfCorrection(boolean positive) {
        return positive ? Math.log(2.0) : 0.0;
    }

    private static void checkLocationScale(String name, double location, double scale) {
        if (!Double.isFinite(location)) {
            throw new IllegalArgumentException(name + " location must be finite, got " + location);
        }
        if (!(scale > 0 && Double.isFinite(scale))) {
            throw new IllegalArgumentException(name + " scale must be positive, got " + scale);
        }
        requireRepresentable(name + " scale", scale);
    }

    /**
     * Refuses a scale or rate whose square or inverse square overflows: the standardised value or
     * the density's gradient is then infinite for ordinary parameter values, and the fit would fail
     * with a non-finite ELBO long after the prior was given.
     */
    private static void requireRepresentable(String what, double value) {
        double square = value * value;
        if (!(square > 0 && Double.isFinite(square) && Double.isFinite(1 / square))) {
            throw new IllegalArgumentException(what + " " + format(value) + " makes the density non-finite (its square"
                    + " or inverse square overflows); use a value between 1e-150 and 1e150");
        }
    }

    private static void requireCentredIfPositive(
            RegressionPrior prior, String parameter, boolean positive, double location) {
        if (positive && location != 0.0) {
            throw new IllegalArgumentException("prior " + prior + " for the positive parameter '" + parameter
                    + "' must be centred at 0 (it is used as a half distribution); use e.g. "
                    + "normal(0, s), cauchy(0, s) or exponential(rate)");
        }
    }

    /**
     * Four significant digits: priors derived from data print as e.g. normal(0, 5.638); beyond 1e15
     * or below 1e-6 in scientific notation (1E+300), never as hundreds of digits.
     */
    private static String format(double value) {
        java.math.BigDecimal rounded = new java.math.BigDecimal(value)
                .round(new java.math.MathContext(4))
                .stripTrailingZeros();
        double magnitude = Math.abs(value);
        return magnitude != 0 && (magnitude >= 1e15 || magnitude < 1e-6) ? rounded.toString() : rounded.toPlainString();
    }
}
