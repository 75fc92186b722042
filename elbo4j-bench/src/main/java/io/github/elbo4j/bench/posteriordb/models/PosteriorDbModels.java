package io.github.elbo4j.bench.posteriordb.models;

import static io.github.elbo4j.vi.autodiff.Functions.addDiag;
import static io.github.elbo4j.vi.autodiff.Functions.cholesky;
import static io.github.elbo4j.vi.autodiff.Functions.gpExpQuadCov;
import static io.github.elbo4j.vi.autodiff.Value.constant;
import static io.github.elbo4j.vi.density.Densities.cauchy;
import static io.github.elbo4j.vi.density.Densities.gamma;
import static io.github.elbo4j.vi.density.Densities.multiNormalCholesky;
import static io.github.elbo4j.vi.density.Densities.normal;

import io.github.elbo4j.vi.autodiff.Value;
import io.github.elbo4j.vi.data.StanData;
import io.github.elbo4j.vi.model.JavaModel;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The models of the posteriordb set, each written once with elbo4j's modelling API ({@link
 * JavaModel}) from its Stan program ({@code model.stan} in the posterior's folder), reading the
 * posterior's {@code data.json} through {@link StanData}: the same parameters, constraints and
 * priors, with no hand-written Jacobian, density or constant. Transformed parameters that the
 * reference reports (eight schools' {@code theta}) are generated quantities.
 */
public final class PosteriorDbModels {

    private static final Map<String, Function<StanData, JavaModel>> MODELS = Map.ofEntries(
            Map.entry("arma-arma11", TimeSeries::arma11),
            Map.entry("bball_drive_event_0-hmm_drive_0", TimeSeries::hmmDrive),
            Map.entry("earnings-earn_height", Regressions::earnHeight),
            Map.entry("earnings-logearn_interaction_z", Regressions::logearnInteractionZ),
            Map.entry("eight_schools-eight_schools_noncentered", PosteriorDbModels::eightSchoolsNoncentered),
            Map.entry("gp_pois_regr-gp_regr", PosteriorDbModels::gpRegr),
            Map.entry("kidiq-kidscore_interaction", Regressions::kidscoreInteraction),
            Map.entry("kidiq-kidscore_momiq", Regressions::kidscoreMomiq),
            Map.entry("kidiq_with_mom_work-kidscore_interaction_c", Regressions::kidscoreInteractionCentred),
            Map.entry("mesquite-logmesquite_logvash", Regressions::logmesquiteLogvash),
            Map.entry("nes1996-nes", Regressions::nes),
            Map.entry("one_comp_mm_elim_abs-one_comp_mm_elim_abs", Pharmacokinetics::oneCompMmElimAbs),
            Map.entry("sblri-blr", Regressions::blr));

    private PosteriorDbModels() {}

    /** @return the posteriors that have a model here */
    public static Set<String> posteriors() {
        return MODELS.keySet();
    }

    /**
     * The model of a posterior, on its data.
     *
     * @param posterior the posterior's posteriordb name
     * @param data its data
     * @return the model, or empty when none is written
     * @throws IllegalArgumentException naming the file and field if the data lacks what the model
     *     reads
     */
    public static Optional<JavaModel> of(String posterior, StanData data) {
        Function<StanData, JavaModel> model = MODELS.get(posterior);
        return model == null ? Optional.empty() : Optional.of(model.apply(data));
    }

    /**
     * A GARCH(1, 1) model of a return series, for the speed benchmark (not in the posteriordb set).
     *
     * @param returns the returns
     * @param sigma1 the first period's volatility
     * @return the model
     */
    public static JavaModel garch11(double[] returns, double sigma1) {
        return TimeSeries.garch11(returns, sigma1);
    }

    /** {@code eight_schools-eight_schools_noncentered}: theta = theta_trans * tau + mu. */
    static JavaModel eightSchoolsNoncentered(StanData data) {
        int schools = data.integer("J");
        Value y = constant(data.vector("y", schools));
        Value sigma = constant(data.vector("sigma", schools));
        return JavaModel.of(m -> {
            Value thetaTrans = m.real("theta_trans", schools);
            Value mu = m.real("mu");
            Value tau = m.positive("tau");
            Value theta = thetaTrans.times(tau).plus(mu);
            m.generated("theta", random -> theta.toArray());
            m.add(normal(thetaTrans, 0, 1));
            m.add(normal(y, theta, sigma));
            m.add(normal(mu, 0, 5));
            m.add(cauchy(tau, 0, 5));
        });
    }

    /**
     * {@code gp_pois_regr-gp_regr}: a Gaussian process with the squared-exponential kernel, its
     * marginal likelihood through the Cholesky factor. As in the Stan program, sigma (not sigma²) is
     * added to the kernel's diagonal.
     */
    static JavaModel gpRegr(StanData data) {
        int n = data.integer("N");
        double[] x = data.vector("x", n);
        Value y = constant(data.vector("y", n));
        Value zero = constant(new double[n]);
        return JavaModel.of(m -> {
            Value rho = m.positive("rho");
            Value alpha = m.positive("alpha");
            Value sigma = m.positive("sigma");
            Value cov = addDiag(gpExpQuadCov(x, alpha, rho), sigma);
            m.add(gamma(rho, 25, 4));
            m.add(normal(alpha, 0, 2));
            m.add(normal(sigma, 0, 1));
            m.add(multiNormalCholesky(y, zero, cholesky(cov)));
        });
    }
}
