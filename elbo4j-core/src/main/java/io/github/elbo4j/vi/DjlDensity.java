package io.github.elbo4j.vi;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.elbo4j.math.ArrayScope;
import io.github.elbo4j.math.SpecialFunctions;
import io.github.elbo4j.vi.autodiff.Tape;
import io.github.elbo4j.vi.autodiff.Value;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link UnconstrainedDensity} of a model written with DJL operations.
 *
 * <p>The constraint transforms run in Java on the autodiff tape, one tape per point ({@link
 * Constraint}, the same code as for a Java model); the constrained values of all points go to the
 * engine as one {@code [count, shape...]} array per block, the model's log joint and one backward
 * pass give f and {@code ∂ log p/∂θ}, and each point's tape carries that gradient back through the
 * transform: its backward pass runs from {@code log|J| + Σ θ · g}, whose gradient in z is {@code
 * ∇ log|J| + (∂θ/∂z)ᵀ g}. A fitting step therefore costs one batched engine pass, whatever the
 * number of particles.
 */
final class DjlDensity implements UnconstrainedDensity {

    /** Bounds the elements of one batched evaluation: points × records. */
    private static final long MAX_CHUNK_ELEMENTS = 4_000_000;

    private final DjlModel model;
    private final ParameterSpace space;
    private final List<ParameterBlock> blocks;
    private final NDManager manager;
    private final Map<String, NDArray> data;
    private final NDArray[] dataArrays;

    DjlDensity(DjlModel model) {
        this.model = model;
        this.space = new ParameterSpace(model.blocks());
        this.blocks = space.blocks();
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
        long perPoint =
                records != null ? records.length : model instanceof SubsampledModel s ? Math.max(s.dataSize(), 1) : 1;
        int chunk = (int) Math.max(1, Math.min(count, MAX_CHUNK_ELEMENTS / perPoint));
        for (int from = 0; from < count; from += chunk) {
            int size = Math.min(chunk, count - from);
            Value[] points = new Value[size];
            ParameterSpace.Point[] constrained = new ParameterSpace.Point[size];
            Tape[] tapes = gradient == null ? null : new Tape[size];
            for (int s = 0; s < size; s++) {
                double[] point = Arrays.copyOfRange(z, (from + s) * d, (from + s + 1) * d);
                if (tapes != null) {
                    tapes[s] = new Tape();
                    points[s] = tapes[s].variable(point);
                } else {
                    points[s] = Value.constant(point);
                }
                constrained[s] = space.constrain(points[s]);
            }
            double[][] thetaGradients = new double[blocks.size()][];
            double[] logJoint = logJointOf(constrained, size, records, thetaGradients, gradient != null);
            for (int s = 0; s < size; s++) {
                Value logJacobian = constrained[s].logJacobian();
                logDensity[from + s] = logJoint[s] + logJacobian.doubleValue();
                if (tapes != null) {
                    System.arraycopy(
                            pullBack(tapes[s], points[s], constrained[s], thetaGradients, s),
                            0,
                            gradient,
                            (from + s) * d,
                            d);
                }
            }
        }
    }

    /**
     * The log joint of each point from the engine, and (when {@code withGradient}) its gradient with
     * respect to each block's constrained values, {@code [block][point × size]}.
     */
    private double[] logJointOf(
            ParameterSpace.Point[] points, int count, int[] records, double[][] thetaGradients, boolean withGradient) {
        try (NDManager scope = manager.newSubManager();
                ArrayScope borrowed = ArrayScope.open(scope, dataArrays)) {
            Map<String, NDArray> parameters = new LinkedHashMap<>();
            NDArray[] thetas = new NDArray[blocks.size()];
            for (int b = 0; b < blocks.size(); b++) {
                ParameterBlock block = blocks.get(b);
                int n = block.size();
                double[] flat = new double[count * n];
                for (int s = 0; s < count; s++) {
                    System.arraycopy(points[s].values()[b].values(), 0, flat, s * n, n);
                }
                thetas[b] = scope.create(flat, batchShape(count, block.shape()));
                if (withGradient) {
                    thetas[b].setRequiresGradient(true);
                }
                parameters.put(block.name(), thetas[b]);
            }
            ParameterValues values = new ParameterValues(parameters, data, count);
            if (!withGradient) {
                return logJointOf(values, count, records).toDoubleArray();
            }
            double[] result;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray f = logJointOf(values, count, records);
                result = f.toDoubleArray();
                // Points are independent, so the gradient of the sum is each point's gradient.
                collector.backward(f.sum());
            }
            for (int b = 0; b < blocks.size(); b++) {
                thetaGradients[b] = thetas[b].getGradient().toDoubleArray();
            }
            return result;
        }
    }

    /** ∇_z (log p + log|J|) of one point: its tape runs backward from {@code log|J| + Σ θ · g}. */
    private double[] pullBack(
            Tape tape, Value point, ParameterSpace.Point constrained, double[][] thetaGradients, int s) {
        Value surrogate = constrained.logJacobian();
        for (int b = 0; b < blocks.size(); b++) {
            Value theta = constrained.values()[b];
            int n = theta.size();
            double[] g = Arrays.copyOfRange(thetaGradients[b], s * n, (s + 1) * n);
            surrogate = surrogate.plus(theta.dot(Value.constant(g)));
        }
        if (surrogate.isConstant()) {
            return new double[point.size()];
        }
        tape.backward(surrogate);
        return point.gradient();
    }

    private NDArray logJointOf(ParameterValues values, int count, int[] records) {
        NDArray logJoint;
        if (records != null) {
            SubsampledModel subsampled = (SubsampledModel) model;
            long[] rows = new long[records.length];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = records[i];
            }
            NDArray prior = subsampled.logPrior(values);
            NDArray likelihood =
                    subsampled.logLikelihood(values, prior.getManager().create(rows));
            checkShape(prior, count);
            checkShape(likelihood, count);
            logJoint = prior.add(
                    likelihood.mul(SpecialFunctions.scalar(likelihood, (double) subsampled.dataSize() / rows.length)));
        } else {
            logJoint = model.logJoint(values);
            checkShape(logJoint, count);
        }
        return logJoint;
    }

    /** {@code [count, shape...]}, with a scalar block as {@code [count, 1]} so that it broadcasts. */
    private static Shape batchShape(int count, int[] shape) {
        long[] full = new long[Math.max(shape.length, 1) + 1];
        full[0] = count;
        full[1] = 1;
        for (int i = 0; i < shape.length; i++) {
            full[i + 1] = shape[i];
        }
        return new Shape(full);
    }

    private static void checkShape(NDArray logJoint, int particles) {
        if (!logJoint.getShape().equals(new Shape(particles))) {
            throw new IllegalArgumentException("the log joint must return one value per particle, shape ["
                    + particles + "], but returned " + logJoint.getShape()
                    + "; sum over data and parameter axes, e.g. .sum(new int[] {1})");
        }
    }

    /** One call per batch of points shares the engine's dispatch and autograd set-up. */
    @Override
    public boolean batchesPayOff() {
        return true;
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
