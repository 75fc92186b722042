package io.github.elbo4j.bench.posteriordb.models;

import static io.github.elbo4j.vi.autodiff.Value.constant;
import static io.github.elbo4j.vi.density.Densities.cauchy;
import static io.github.elbo4j.vi.density.Densities.normal;

import io.github.elbo4j.bench.posteriordb.Moments;
import io.github.elbo4j.vi.autodiff.Value;
import io.github.elbo4j.vi.data.StanData;
import io.github.elbo4j.vi.model.JavaModel;

/**
 * The linear regressions of the posteriordb set, each as its {@code model.stan} reads. The Stan
 * programs spell the linear predictor out term by term ({@code beta[1] + beta[2] * mom_iq}); here the
 * transformed data puts the same columns, with a leading column of ones, into one design matrix, so
 * the predictor is one matrix–vector product (one value on the tape instead of one per term).
 */
final class Regressions {

    private Regressions() {}

    /** {@code kidiq-kidscore_momiq}: kid_score ~ normal(beta[1] + beta[2] * mom_iq, sigma). */
    static JavaModel kidscoreMomiq(StanData data) {
        int n = data.integer("N");
        Value kidScore = constant(data.vector("kid_score", n));
        Value x = design(data.vector("mom_iq", n));
        return JavaModel.of(m -> {
            Value beta = m.real("beta", 2);
            Value sigma = m.positive("sigma");
            m.add(cauchy(sigma, 0, 2.5));
            m.add(normal(kidScore, x.multiply(beta), sigma));
        });
    }

    /** {@code kidiq-kidscore_interaction}: mom_hs, mom_iq and their product, sigma ~ cauchy(0, 2.5). */
    static JavaModel kidscoreInteraction(StanData data) {
        int n = data.integer("N");
        Value kidScore = constant(data.vector("kid_score", n));
        double[] momHs = data.vector("mom_hs", n);
        double[] momIq = data.vector("mom_iq", n);
        Value x = design(momHs, momIq, product(momHs, momIq));
        return JavaModel.of(m -> {
            Value beta = m.real("beta", 4);
            Value sigma = m.positive("sigma");
            m.add(cauchy(sigma, 0, 2.5));
            m.add(normal(kidScore, x.multiply(beta), sigma));
        });
    }

    /** {@code kidiq_with_mom_work-kidscore_interaction_c}: centred mom_hs, mom_iq and their product. */
    static JavaModel kidscoreInteractionCentred(StanData data) {
        int n = data.integer("N");
        Value kidScore = constant(data.vector("kid_score", n));
        double[] momHs = centred(data.vector("mom_hs", n));
        double[] momIq = centred(data.vector("mom_iq", n));
        Value x = design(momHs, momIq, product(momHs, momIq));
        return JavaModel.of(m -> {
            Value beta = m.real("beta", 4);
            Value sigma = m.positive("sigma");
            m.add(normal(kidScore, x.multiply(beta), sigma));
        });
    }

    /** {@code earnings-earn_height}: earn ~ normal(beta[1] + beta[2] * height, sigma), flat priors. */
    static JavaModel earnHeight(StanData data) {
        int n = data.integer("N");
        Value earn = constant(data.vector("earn", n));
        Value x = design(data.vector("height", n));
        return JavaModel.of(m -> {
            Value beta = m.real("beta", 2);
            Value sigma = m.positive("sigma");
            m.add(normal(earn, x.multiply(beta), sigma));
        });
    }

    /** {@code earnings-logearn_interaction_z}: log earnings on standardized height, male and their product. */
    static JavaModel logearnInteractionZ(StanData data) {
        int n = data.integer("N");
        Value logEarn = constant(data.vector("earn", n)).log();
        double[] height = data.vector("height", n);
        Moments heightMoments = Moments.of(height);
        double[] zHeight = constant(height)
                .minus(heightMoments.mean())
                .div(heightMoments.sd())
                .toArray();
        double[] male = data.vector("male", n);
        Value x = design(zHeight, male, product(zHeight, male));
        return JavaModel.of(m -> {
            Value beta = m.real("beta", 4);
            Value sigma = m.positive("sigma");
            m.add(normal(logEarn, x.multiply(beta), sigma));
        });
    }

    /** {@code mesquite-logmesquite_logvash}: log weight on log canopy volume, area, shape, height and group. */
    static JavaModel logmesquiteLogvash(StanData data) {
        int n = data.integer("N");
        Value logWeight = constant(data.vector("weight", n)).log();
        Value diam1 = constant(data.vector("diam1", n));
        Value diam2 = constant(data.vector("diam2", n));
        Value canopyHeight = constant(data.vector("canopy_height", n));
        Value x = design(
                diam1.times(diam2).times(canopyHeight).log().toArray(),
                diam1.times(diam2).log().toArray(),
                diam1.div(diam2).log().toArray(),
                constant(data.vector("total_height", n)).log().toArray(),
                data.vector("group", n));
        return JavaModel.of(m -> {
            Value beta = m.real("beta", 6);
            Value sigma = m.positive("sigma");
            m.add(normal(logWeight, x.multiply(beta), sigma));
        });
    }

    /** {@code nes1996-nes}: party identification on ideology, race, age groups, education, gender, income. */
    static JavaModel nes(StanData data) {
        int n = data.integer("N");
        Value partyid7 = constant(data.vector("partyid7", n));
        int[] age = data.intArray("age_discrete", n);
        Value x = design(
                data.vector("real_ideo", n),
                data.vector("race_adj", n),
                indicator(age, 2),
                indicator(age, 3),
                indicator(age, 4),
                data.vector("educ1", n),
                data.vector("gender", n),
                data.vector("income", n));
        return JavaModel.of(m -> {
            Value beta = m.real("beta", 9);
            Value sigma = m.positive("sigma");
            m.add(normal(partyid7, x.multiply(beta), sigma));
        });
    }

    /** {@code sblri-blr}: y ~ normal(X * beta, sigma) with normal(0, 10) priors on beta and sigma. */
    static JavaModel blr(StanData data) {
        int n = data.integer("N");
        int d = data.integer("D");
        Value x = constant(data.matrix("X", n, d));
        Value y = constant(data.vector("y", n));
        return JavaModel.of(m -> {
            Value beta = m.real("beta", d);
            Value sigma = m.positive("sigma");
            m.add(normal(beta, 0, 10));
            m.add(normal(sigma, 0, 10));
            m.add(normal(y, x.multiply(beta), sigma));
        });
    }

    /** A design matrix: a column of ones, then the given columns. */
    private static Value design(double[]... columns) {
        int n = columns[0].length;
        double[][] rows = new double[n][columns.length + 1];
        for (int i = 0; i < n; i++) {
            rows[i][0] = 1;
            for (int j = 0; j < columns.length; j++) {
                rows[i][j + 1] = columns[j][i];
            }
        }
        return constant(rows);
    }

    /** Stan's {@code a .* b}. */
    private static double[] product(double[] a, double[] b) {
        return constant(a).times(constant(b)).toArray();
    }

    /** Stan's {@code x - mean(x)}. */
    private static double[] centred(double[] x) {
        return constant(x).minus(Moments.of(x).mean()).toArray();
    }

    /** Stan's {@code x[n] == level}, one 0/1 value per record. */
    private static double[] indicator(int[] x, int level) {
        double[] indicator = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            indicator[i] = x[i] == level ? 1 : 0;
        }
        return indicator;
    }
}
