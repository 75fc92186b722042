package io.github.elbo4j.bench.posteriordb.models;

import static io.github.elbo4j.vi.autodiff.Functions.odeRk45;
import static io.github.elbo4j.vi.autodiff.Value.concat;
import static io.github.elbo4j.vi.autodiff.Value.constant;
import static io.github.elbo4j.vi.density.Densities.cauchy;
import static io.github.elbo4j.vi.density.Densities.lognormal;

import io.github.elbo4j.vi.autodiff.OdeSystem;
import io.github.elbo4j.vi.autodiff.Value;
import io.github.elbo4j.vi.data.StanData;
import io.github.elbo4j.vi.model.JavaModel;

/** Models whose likelihood integrates an ordinary differential equation. */
final class Pharmacokinetics {

    private Pharmacokinetics() {}

    /**
     * {@code one_comp_mm_elim_abs-one_comp_mm_elim_abs}: a one-compartment model with first-order
     * absorption and Michaelis–Menten elimination, the concentration C(t) from C(t0) = 0 by the ODE
     * {@code dC/dt = e^{−k_a t} D k_a / V − (V_m / V) C / (K_m + C)} (the dose term from t > 0, as in
     * the Stan program). Stan integrates it with {@code integrate_ode_bdf}; the equation is not stiff
     * over the posterior, and {@code odeRk45} solves it to the same tolerances.
     */
    static JavaModel oneCompMmElimAbs(StanData data) {
        double t0 = data.real("t0");
        double dose = data.real("D");
        double volume = data.real("V");
        int n = data.integer("N_t");
        double[] times = data.vector("times", n);
        Value concentrations = constant(data.vector("C_hat", n));
        Value c0 = constant(new double[] {0.0});
        OdeSystem system = (t, y, theta) -> {
            Value kA = theta.get(0);
            Value elimination =
                    theta.get(2).div(volume).times(y).div(theta.get(1).plus(y));
            return t > 0 ? kA.times(-t).exp().times(kA).times(dose / volume).minus(elimination) : elimination.negate();
        };
        return JavaModel.of(m -> {
            Value kA = m.positive("k_a");
            Value kM = m.positive("K_m");
            Value vM = m.positive("V_m");
            Value sigma = m.positive("sigma");
            Value c = odeRk45(system, c0, t0, times, concat(kA, kM, vM)).column(0);
            m.add(cauchy(kA, 0, 1));
            m.add(cauchy(kM, 0, 1));
            m.add(cauchy(vM, 0, 1));
            m.add(cauchy(sigma, 0, 1));
            m.add(lognormal(concentrations, c.log(), sigma));
        });
    }
}
