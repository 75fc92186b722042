package io.github.elbo4j.vae.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.data.SettingException;
import io.github.elbo4j.distributions.DiagonalNormal;
import io.github.elbo4j.math.TensorUpload;
import io.github.elbo4j.vae.model.OneHotConditions;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.model.VaeNetwork;
import io.github.elbo4j.vae.train.ProgressListener;

/**
 * Deterministic workflows through a VAE's latent space: encoding records, reconstructing them, and
 * interpolating between two of them. All use the posterior mean μ(x) of q(z|x) = N(μ(x), diag
 * σ²(x)) as the code of x and show decoded values as the mean of p(x|z) (Bernoulli probabilities or
 * the Gaussian mean), so the results need no seed.
 */
public final class LatentSpace {

    /** Records encoded or decoded per batch, which bounds memory. */
    private static final int BATCH = 1000;
    /** Below this angle (radians) between the endpoints, slerp is replaced by lerp (sin Ω ≈ 0). */
    private static final double MIN_SLERP_ANGLE = 1e-6;

    private final VaeModel model;
    private final NDManager manager;
    private final TensorUpload upload = new TensorUpload();

    /** Workflows on {@code model}; temporaries live in sub-scopes of {@code manager}. */
    public LatentSpace(VaeModel model, NDManager manager) {
        this.model = model;
        this.manager = manager;
    }

    /**
     * The encoder's output per record, row-major [rows, latent]: the mean μ(x) and the log-variance
     * log σ²(x) of q(z|x).
     *
     * @param mean μ(x)
     * @param logVariance log σ²(x)
     * @param rows records
     * @param latent latent dimension
     */
    public record Encodings(float[] mean, float[] logVariance, int rows, int latent) {}

    /** μ(x) and log σ²(x) of every record of {@code data}. */
    public Encodings encode(Dataset data, ProgressListener progress) {
        int latent = model.config().latent();
        float[] mean = new float[data.rows() * latent];
        float[] logVariance = new float[data.rows() * latent];
        for (int from = 0; from < data.rows(); from += BATCH) {
            int to = Math.min(data.rows(), from + BATCH);
            try (NDManager scope = manager.newSubManager()) {
                DiagonalNormal q = OneHotConditions.bind(model, scope, data, from, to, upload)
                        .encode(upload(scope, data, from, to));
                System.arraycopy(q.loc().toFloatArray(), 0, mean, from * latent, (to - from) * latent);
                System.arraycopy(q.logVariance().toFloatArray(), 0, logVariance, from * latent, (to - from) * latent);
            }
            progress.progress(to, data.rows());
        }
        return new Encodings(mean, logVariance, data.rows(), latent);
    }

    /** The reconstruction E[x | z = μ(x)] of every record, row-major [rows, inputSize]. */
    public float[] reconstruct(Dataset data, ProgressListener progress) {
        int features = model.config().inputSize();
        float[] out = new float[data.rows() * features];
        for (int from = 0; from < data.rows(); from += BATCH) {
            int to = Math.min(data.rows(), from + BATCH);
            try (NDManager scope = manager.newSubManager()) {
                VaeNetwork network = OneHotConditions.bind(model, scope, data, from, to, upload);
                float[] decoded = network.decodeMean(
                                network.encode(upload(scope, data, from, to)).loc())
                        .toFloatArray();
                System.arraycopy(decoded, 0, out, from * features, decoded.length);
            }
            progress.progress(to, data.rows());
        }
        return out;
    }

    /**
     * A path of {@code steps} latent points from μ(a) to μ(b) (both included) and its decoding.
     *
     * @param latents the points, row-major [steps, latent]
     * @param decoded E[x | z] at each point, row-major [steps, inputSize]
     * @param steps points on the path
     */
    public record Interpolation(float[] latents, float[] decoded, int steps) {}

    /**
     * Interpolates between the codes of records {@code a} and {@code b}: linearly,
     * z(t) = (1 − t) z_a + t z_b, or spherically (Shoemake 1985; White 2016, "Sampling Generative
     * Networks"), z(t) = [sin((1 − t)Ω) z_a + sin(tΩ) z_b] / sin Ω with cos Ω = z_a·z_b / (|z_a||z_b|),
     * which keeps the norm typical of N(0, I) samples; t = 0, 1/(steps − 1), …, 1.
     */
    public Interpolation interpolate(float[] a, float[] b, int steps, boolean spherical) {
        return interpolate(a, -1, b, -1, steps, spherical);
    }

    /**
     * As {@link #interpolate(float[], float[], int, boolean)} for a conditional model, with the
     * records' labels: a is encoded given its label, b given its, and point t is decoded given the
     * interpolated condition (1 − t) e_{label a} + t e_{label b}. Labels are ignored (pass −1) for an
     * unconditional model.
     */
    public Interpolation interpolate(float[] a, int labelA, float[] b, int labelB, int steps, boolean spherical) {
        if (steps < 2) {
            throw new SettingException("steps must be at least 2 (the two endpoints), got " + steps, "steps");
        }
        int features = model.config().inputSize();
        if (a.length != features || b.length != features) {
            throw new IllegalArgumentException(
                    "records to interpolate need " + features + " values, got " + a.length + " and " + b.length);
        }
        int latent = model.config().latent();
        try (NDManager scope = manager.newSubManager()) {
            float[] pair = new float[2 * features];
            System.arraycopy(a, 0, pair, 0, features);
            System.arraycopy(b, 0, pair, features, features);
            VaeNetwork network = model.bind(scope);
            VaeNetwork encoder = network;
            VaeNetwork decoder = network;
            int classes = model.config().conditions();
            if (model.config().conditional()) {
                float[] ends = OneHotConditions.oneHot(new int[] {labelA, labelB}, null, 0, 2, classes);
                encoder = network.conditioned(upload.upload(scope, ends, new Shape(2, classes)));
                // The condition's path is linear whatever the latent path: it is a point on the simplex.
                float[] along = path(ends, classes, steps, false);
                decoder = network.conditioned(upload.upload(scope, along, new Shape(steps, classes)));
            }
            float[] codes = encoder.encode(upload.upload(scope, pair, new Shape(2, features)))
                    .loc()
                    .toFloatArray();
            float[] path = path(codes, latent, steps, spherical);
            float[] decoded = decoder.decodeMean(upload.upload(scope, path, new Shape(steps, latent)))
                    .toFloatArray();
            return new Interpolation(path, decoded, steps);
        }
    }

    /** The interpolation points between codes[0..latent) and codes[latent..2·latent). */
    static float[] path(float[] codes, int latent, int steps, boolean spherical) {
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (int j = 0; j < latent; j++) {
            dot += (double) codes[j] * codes[latent + j];
            normA += (double) codes[j] * codes[j];
            normB += (double) codes[latent + j] * codes[latent + j];
        }
        double cos = normA == 0 || normB == 0 ? 1 : Math.max(-1, Math.min(1, dot / Math.sqrt(normA * normB)));
        double omega = Math.acos(cos);
        boolean slerp = spherical && omega > MIN_SLERP_ANGLE && Math.PI - omega > MIN_SLERP_ANGLE;
        float[] out = new float[steps * latent];
        for (int s = 0; s < steps; s++) {
            double t = s / (double) (steps - 1);
            double wa = slerp ? Math.sin((1 - t) * omega) / Math.sin(omega) : 1 - t;
            double wb = slerp ? Math.sin(t * omega) / Math.sin(omega) : t;
            for (int j = 0; j < latent; j++) {
                out[s * latent + j] = (float) (wa * codes[j] + wb * codes[latent + j]);
            }
        }
        return out;
    }

    private NDArray upload(NDManager scope, Dataset data, int from, int to) {
        int features = data.features();
        return upload.upload(
                scope, data.values(), from * features, (to - from) * features, new Shape(to - from, features));
    }
}
