package io.github.elbo4j.vi.glm;

import ai.djl.ndarray.NDArray;
import io.github.elbo4j.vi.AffineMap;
import io.github.elbo4j.vi.DataArray;
import io.github.elbo4j.vi.GaussianExpectation;
import io.github.elbo4j.vi.ParameterBlock;
import io.github.elbo4j.vi.ParameterValues;
import io.github.elbo4j.vi.SubsampledModel;
import io.github.elbo4j.vi.UnconstrainedDensity;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A {@link RegressionModel} over the coordinates u of a {@link GlmPreconditioner}: the model
 * {@link io.github.elbo4j.vi.GaussianVi} fits when {@link GlmPreconditioner#fit} preconditions.
 * Its blocks have the model's names and constraints, but a block's values are those of u (σ's is
 * exp(u_σ)); the log joint is the model's at {@code θ = T(b + A u)} plus the constant that makes the
 * unconstrained density {@code f(b + A u) + log|det A|} ({@link AffineMap}), so the fit's ELBO,
 * evidence and k̂ are those of the model. {@link AffineMap#pushForward} turns the fit back into one
 * over the model's coordinates.
 */
final class PreconditionedGlm implements SubsampledModel {

    private final RegressionModel model;
    private final GlmPreconditioner preconditioner;
    private final double[] shift;
    private final double[][] matrix;
    /** log |det A| plus the shift of log σ: the difference of the two log-Jacobians of σ's exp. */
    private final double constant;

    private final int sigmaIndex;

    PreconditionedGlm(RegressionModel model, GlmPreconditioner preconditioner) {
        this.model = model;
        this.preconditioner = preconditioner;
        AffineMap map = preconditioner.map();
        this.shift = map.shift();
        this.matrix = map.matrix();
        List<ParameterBlock> blocks = model.blocks();
        int sigma = -1;
        for (int i = 0; i < blocks.size(); i++) {
            if (blocks.get(i).name().equals(GeneralizedLinearModel.SIGMA)) {
                sigma = i;
            }
        }
        this.sigmaIndex = sigma;
        this.constant = map.logAbsDeterminant() + (sigma >= 0 ? shift[sigma] : 0.0);
    }

    @Override
    public List<ParameterBlock> blocks() {
        return model.blocks();
    }

    @Override
    public List<DataArray> data() {
        return model.data();
    }

    @Override
    public int dataSize() {
        return model.dataSize();
    }

    @Override
    public UnconstrainedDensity unconstrainedDensity() {
        return preconditioner.map().pullBack(model.unconstrainedDensity());
    }

    @Override
    public Optional<GaussianExpectation> gaussianExpectation() {
        return model.gaussianExpectation(preconditioner);
    }

    @Override
    public NDArray logPrior(ParameterValues values) {
        return model.logPrior(modelParameters(values)).add(constant);
    }

    @Override
    public NDArray logLikelihood(ParameterValues values, NDArray records) {
        return model.logLikelihood(modelParameters(values), values, records);
    }

    @Override
    public NDArray logJoint(ParameterValues values) {
        Function<String, NDArray> parameters = modelParameters(values);
        return model.logPrior(parameters).add(constant).add(model.logLikelihood(parameters, values, null));
    }

    /**
     * The model's parameters {@code [S, 1]} by name: θ_i = (b + A u)_i for the real blocks, σ =
     * e^{b_σ} σ_u (A's σ row is the identity).
     */
    private Function<String, NDArray> modelParameters(ParameterValues values) {
        List<ParameterBlock> blocks = model.blocks();
        Map<String, NDArray> result = new HashMap<>();
        for (int i = 0; i < blocks.size(); i++) {
            NDArray value;
            if (i == sigmaIndex) {
                value = values.get(blocks.get(i).name()).mul(Math.exp(shift[i]));
            } else {
                value = null;
                for (int j = 0; j < blocks.size(); j++) {
                    if (matrix[i][j] != 0) {
                        NDArray term = values.get(blocks.get(j).name()).mul(matrix[i][j]);
                        value = value == null ? term : value.add(term);
                    }
                }
                value = value.add(shift[i]);
            }
            result.put(blocks.get(i).name(), value);
        }
        return result::get;
    }
}
