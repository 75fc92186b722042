package io.github.elbo4j.bench;

import static io.github.elbo4j.vi.density.Densities.cauchy;
import static io.github.elbo4j.vi.density.Densities.normal;

import ai.djl.ndarray.NDArray;
import io.github.elbo4j.math.SpecialFunctions;
import io.github.elbo4j.vi.Constraint;
import io.github.elbo4j.vi.DataArray;
import io.github.elbo4j.vi.DjlModel;
import io.github.elbo4j.vi.Model;
import io.github.elbo4j.vi.ParameterBlock;
import io.github.elbo4j.vi.ParameterValues;
import io.github.elbo4j.vi.UnconstrainedDensity;
import io.github.elbo4j.vi.autodiff.Value;
import io.github.elbo4j.vi.model.JavaModel;
import java.util.List;

/**
 * The README's non-centered eight schools, in the three ways a user can write a model: {@link
 * #javaModel()} with the Java modelling API (reverse-mode autodiff on doubles), {@link
 * #tensorModel()} with DJL operations (the fit differentiates it by autograd) and {@link
 * #closedForm()} with its gradient written out in plain doubles (no tensor engine). The last two
 * drop the same constants, so their log densities are equal; the Java model keeps every constant.
 *
 * <pre>
 *   μ ~ N(0, 5²),  τ ~ half-Cauchy(0, 5),  θ̃_j ~ N(0, 1),  y_j ~ N(μ + τ θ̃_j, σ_j²)
 * </pre>
 */
final class EightSchools {

    private static final double[] Y = {28, 8, -3, 7, -1, 1, 18, 12};
    private static final double[] SIGMA = {15, 10, 16, 11, 9, 11, 10, 18};
    private static final List<ParameterBlock> BLOCKS = List.of(
            ParameterBlock.scalar("mu", Constraint.real()),
            ParameterBlock.scalar("tau", Constraint.positive()),
            new ParameterBlock("theta_raw", new int[] {8}, Constraint.real()));

    private EightSchools() {}

    /** The model written with the Java modelling API. */
    static JavaModel javaModel() {
        Value y = Value.constant(Y);
        Value sigma = Value.constant(SIGMA);
        return JavaModel.of(m -> {
            Value mu = m.real("mu");
            Value tau = m.positive("tau");
            Value thetaRaw = m.real("theta_raw", 8);
            Value theta = thetaRaw.times(tau).plus(mu);
            m.add(normal(thetaRaw, 0, 1));
            m.add(normal(y, theta, sigma));
            m.add(normal(mu, 0, 5));
            m.add(cauchy(tau, 0, 5));
        });
    }

    /** The model written with DJL operations. */
    static Model tensorModel() {
        return Model.builder()
                .real("mu")
                .positive("tau")
                .real("theta_raw", 8)
                .data(DataArray.vector("y", Y))
                .data(DataArray.vector("sigma", SIGMA))
                .logJoint(EightSchools::logJoint)
                .build();
    }

    private static NDArray logJoint(ParameterValues p) {
        NDArray mu = p.get("mu");
        NDArray tau = p.get("tau");
        NDArray thetaRaw = p.get("theta_raw");
        NDArray theta = thetaRaw.mul(tau).add(mu);
        NDArray z = theta.sub(p.data("y")).div(p.data("sigma"));
        NDArray muPrior = standardNormal(mu.div(SpecialFunctions.scalar(mu, 5)));
        NDArray tauPrior = tau.div(SpecialFunctions.scalar(tau, 5))
                .square()
                .add(SpecialFunctions.scalar(tau, 1))
                .log()
                .neg()
                .sum(new int[] {1});
        return standardNormal(z).add(standardNormal(thetaRaw)).add(muPrior).add(tauPrior);
    }

    private static NDArray standardNormal(NDArray x) {
        return x.square().sum(new int[] {1}).mul(SpecialFunctions.scalar(x, -0.5));
    }

    /** The same model with its gradient written out: u = (μ, log τ, θ̃). */
    static Model closedForm() {
        return new DjlModel() {
            @Override
            public List<ParameterBlock> blocks() {
                return BLOCKS;
            }

            @Override
            public List<DataArray> data() {
                return List.of(DataArray.vector("y", Y), DataArray.vector("sigma", SIGMA));
            }

            @Override
            public NDArray logJoint(ParameterValues values) {
                return EightSchools.logJoint(values);
            }

            @Override
            public UnconstrainedDensity unconstrainedDensity() {
                return EightSchools::evaluate;
            }
        };
    }

    /**
     * f(u) = Σ_j −½ ((μ + τ θ̃_j − y_j)/σ_j)² − ½ ‖θ̃‖² − ½ (μ/5)² − log(1 + (τ/5)²) + log τ, with
     * e_j = (μ + τ θ̃_j − y_j)/σ_j²: ∂f/∂μ = −Σ e_j − μ/25, ∂f/∂θ̃_j = −τ e_j − θ̃_j and
     * ∂f/∂log τ = τ (−Σ e_j θ̃_j − (2τ/25)/(1 + (τ/5)²)) + 1.
     */
    private static void evaluate(double[] z, int count, int[] records, double[] logDensity, double[] gradient) {
        int d = 10;
        for (int s = 0; s < count; s++) {
            int row = s * d;
            double mu = z[row];
            double logTau = z[row + 1];
            double tau = Math.exp(logTau);
            double scaledTau = tau / 5;
            double f = -0.5 * (mu / 5) * (mu / 5) - Math.log1p(scaledTau * scaledTau) + logTau;
            double dMu = -mu / 25;
            double dTau = -(2 * tau / 25) / (1 + scaledTau * scaledTau);
            for (int j = 0; j < 8; j++) {
                double raw = z[row + 2 + j];
                double residual = mu + tau * raw - Y[j];
                double e = residual / (SIGMA[j] * SIGMA[j]);
                f -= 0.5 * (residual * e + raw * raw);
                dMu -= e;
                dTau -= e * raw;
                if (gradient != null) {
                    gradient[row + 2 + j] = -tau * e - raw;
                }
            }
            logDensity[s] = f;
            if (gradient != null) {
                gradient[row] = dMu;
                gradient[row + 1] = tau * dTau + 1;
            }
        }
    }
}
