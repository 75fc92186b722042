package io.github.elbo4j.bench.posteriordb;

import io.github.elbo4j.vi.GaussianVi;
import io.github.elbo4j.vi.ParameterBlock;
import io.github.elbo4j.vi.ParameterSummary;
import io.github.elbo4j.vi.VariationalPosterior;
import io.github.elbo4j.vi.model.JavaModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Fits a posterior's model by one method and judges the fit against the reference. */
public final class PosteriorFitter {

    private PosteriorFitter() {}

    /**
     * Fits and judges. A fit that throws is reported as failed, with the exception's message.
     *
     * @param posterior the posterior and its reference
     * @param model its model
     * @param method how to fit it
     * @return the report; its time covers {@link GaussianVi#fit} only
     */
    public static FitReport fit(Posterior posterior, JavaModel model, FitMethod method) {
        long start = System.nanoTime();
        VariationalPosterior fit;
        try {
            fit = GaussianVi.fit(model, method.config());
        } catch (RuntimeException e) {
            return FitReport.failed(posterior.name(), method.label(), (System.nanoTime() - start) * 1e-9, e);
        }
        double seconds = (System.nanoTime() - start) * 1e-9;
        Accuracy accuracy = Accuracy.of(
                posterior.reference(), moments(model, fit, method.config().seed()));
        return new FitReport(
                posterior.name(),
                method.label(),
                accuracy,
                fit.khat(),
                fit.provenance().converged(),
                fit.reliable(),
                fit.reliabilityReasons(),
                seconds);
    }

    /**
     * The moments of every scalar a fit gives, under Stan's names: each parameter block's elements
     * ({@code beta[2]}, row-major {@code L[1,2]} for a matrix) as its {@link
     * VariationalPosterior#summary(String) summary} gives them, and each generated quantity's (a
     * one-value quantity is named without an index) weighted by the fit's importance weights as the
     * summaries are.
     *
     * @param model the model
     * @param fit its fit
     * @param seed the seed of the generated quantities
     * @return the moments by name
     */
    public static Map<String, Moments> moments(JavaModel model, VariationalPosterior fit, long seed) {
        Map<String, Moments> moments = new LinkedHashMap<>();
        for (ParameterBlock block : model.blocks()) {
            int[] shape = block.shape();
            List<ParameterSummary> summaries = fit.summary(block.name());
            for (int i = 0; i < block.size(); i++) {
                String index = shape.length == 0
                        ? ""
                        : shape.length == 1
                                ? "[" + (i + 1) + "]"
                                : "[" + (i / shape[1] + 1) + "," + (i % shape[1] + 1) + "]";
                moments.put(block.name() + index, Moments.of(summaries.get(i)));
            }
        }
        double[] weights = fit.importanceWeights().orElse(null);
        for (Map.Entry<String, double[][]> quantity :
                model.generatedQuantities(fit, seed).entrySet()) {
            double[][] draws = quantity.getValue();
            int size = draws[0].length;
            for (int i = 0; i < size; i++) {
                double[] column = column(draws, i);
                moments.put(
                        quantity.getKey() + (size == 1 ? "" : "[" + (i + 1) + "]"),
                        Moments.of(
                                weights == null ? ParameterSummary.of(column) : ParameterSummary.of(column, weights)));
            }
        }
        return moments;
    }

    private static double[] column(double[][] draws, int i) {
        double[] column = new double[draws.length];
        for (int s = 0; s < column.length; s++) {
            column[s] = draws[s][i];
        }
        return column;
    }
}
