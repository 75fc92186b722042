package io.github.elbo4j.data;

import java.util.List;
import java.util.Objects;

/**
 * {@link Shapes} images together with the factors that generated them, for disentanglement
 * metrics and for colouring latent-space plots.
 *
 * @param dataset the images, labelled with {@link ShapeType#ordinal()}
 * @param factors one entry per image, in the same order
 */
public record ShapesSample(Dataset dataset, List<ShapeFactors> factors) {

    /** Names of the columns of {@link #factorMatrix()}. */
    public static final List<String> FACTOR_NAMES = List.of("type", "center_x", "center_y", "scale", "rotation");

    /** Checks there is one factor entry per image. */
    public ShapesSample {
        Objects.requireNonNull(dataset, "dataset");
        factors = List.copyOf(factors);
        if (factors.size() != dataset.rows()) {
            throw new IllegalArgumentException(factors.size() + " factor entries for " + dataset.rows() + " images");
        }
    }

    /**
     * The factors as numbers, one row per image and one column per name in {@link #FACTOR_NAMES}
     * (type as its label 0 to 3).
     */
    public float[][] factorMatrix() {
        float[][] matrix = new float[factors.size()][];
        for (int i = 0; i < matrix.length; i++) {
            ShapeFactors f = factors.get(i);
            matrix[i] = new float[] {
                f.type().ordinal(), (float) f.centerX(), (float) f.centerY(), (float) f.scale(), (float) f.rotation()
            };
        }
        return matrix;
    }
}
