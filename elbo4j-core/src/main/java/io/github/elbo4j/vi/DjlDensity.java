package io.github.elbo4j.vi;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import io.github.elbo4j.math.ArrayScope;
import io.github.elbo4j.math.SpecialFunctions;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@link UnconstrainedDensity} of a model written with DJL operations: each call uploads the
 * points as one {@code [count, D]} array, maps them through the constraint transforms, runs the
 * model's log joint and one backward pass, and downloads f and ∇f. A fitting step therefore costs
 * one batched forward and backward pass, whatever the number of particles.
 */
final class DjlDensity implements UnconstrainedDensity {

    /** Bounds the elements of one batched evaluation: points × records. */
    private static final long MAX_CHUNK_ELEMENTS = 4_000_000;

    private final Model model;
    private final ParameterSpace space;
    private final NDManager manager;
    private final Map<String, NDArray> data;
    private final NDArray[] dataArrays;

    DjlDensity(Model model) {
        this.model = model;
        this.space = new ParameterSpace(model.blocks());
        this.manager = NDManager.newBaseManager();
        this.data = new LinkedHashMap<>();
        for (DataArray array : model.data()) {
            // A copy in memory the engine owns: create(double[]) wraps JVM memory, which every step
            // would otherwise read through.
            try (NDArray jvmBacked = manager.create(array.values(), new Shape(array.shape()))) {
                data.put(array.name(), jvmBacked.duplicate());
            }
        }
        this.dataArrays = data.values().toArray(NDArray[]::new);
    }

    @Override
    public void evaluate(double[] z, int count, int[] records, double[] logDensity, double[] gradient) {
        int d = space.dimension();
        long perPoint = records != null ? records.length
                : model instanceof SubsampledModel s ? Math.max(s.dataSize(), 1) : 1;
        int chunk = (int) Math.max(1, Math.min(count, MAX_CHUNK_ELEMENTS / perPoint));
        for (int from = 0; from < count; from += chunk) {
            int size = Math.min(chunk, count - from);
            double[] flat = new double[size * d];
            System.arraycopy(z, from * d, flat, 0, size * d);
            try (NDManager scope = manager.newSubManager();
                    ArrayScope borrowed = ArrayScope.open(scope, dataArrays)) {
                NDArray u = scope.create(flat, new Shape(size, d));
                if (gradient == null) {
                    download(logDensityOf(u, size, records), logDensity, from);
                } else {
                    u.setRequiresGradient(true);
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray f = logDensityOf(u, size, records);
                        download(f, logDensity, from);
                        // Points are independent, so the gradient of the sum is each point's gradient.
                        collector.backward(f.sum());
                    }
                    System.arraycopy(u.getGradient().toDoubleArray(), 0, gradient, from * d, size * d);
                }
            }
        }
    }

    private NDArray logDensityOf(NDArray u, int count, int[] records) {
        ParameterSpace.Constrained constrained = space.constrain(u);
        ParameterValues values = new ParameterValues(constrained.values(), data, count);
        NDArray logJoint;
        if (records != null) {
            SubsampledModel subsampled = (SubsampledModel) model;
            long[] rows = new long[records.length];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = records[i];
            }
            NDArray prior = subsampled.logPrior(values);
            NDArray likelihood = subsampled.logLikelihood(values, prior.getManager().create(rows));
            checkShape(prior, count);
            checkShape(likelihood, count);
            logJoint = prior.add(likelihood.mul(
                    SpecialFunctions.scalar(likelihood, (double) subsampled.dataSize() / rows.length)));
        } else {
            logJoint = model.logJoint(values);
            checkShape(logJoint, count);
        }
        return logJoint.add(constrained.logJacobian());
    }

    private static void download(NDArray f, double[] target, int from) {
        double[] values = f.toDoubleArray();
        System.arraycopy(values, 0, target, from, values.length);
    }

    private static void checkShape(NDArray logJoint, int particles) {
        if (!logJoint.getShape().equals(new Shape(particles))) {
            throw new IllegalArgumentException("the log joint must return one value per particle, shape ["
                    + particles + "], but returned " + logJoint.getShape()
                    + "; sum over data and parameter axes, e.g. .sum(new int[] {1})");
        }
    }

    @Override
    public String engine() {
        return Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion();
    }

    @Override
    public void close() {
        manager.close();
    }
}
