package io.github.elbo4j.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The procedural {@code shapes} dataset: 28 × 28 binary images of one filled figure each — a
 * square, a disk, an equilateral triangle or a cross ({@link ShapeType}, also the label) — at a
 * random position, scale and rotation. It needs no download, so every command and test can use
 * it, and its known generative factors ({@link ShapeFactors}) make latent spaces easy to inspect.
 *
 * <p>Each image is rasterised exactly: a pixel is on when its centre lies in the figure. Factors
 * are drawn independently and uniformly: type from the four kinds, scale in [{@value #MIN_SCALE},
 * {@value #MAX_SCALE}] pixels, rotation in [0, 2π) (drawn for the disk too, so the random stream
 * does not depend on the type) and a centre at least {@code scale + 1} pixels from every edge, so
 * no figure touches the image border. Everything follows from the seed via {@link
 * SplittableRandom}.
 */
public final class Shapes {

    /** The dataset name. */
    public static final String NAME = "shapes";
    /** Image height and width in pixels. */
    public static final int SIZE = 28;
    /** Smallest figure scale (circumradius) in pixels. */
    public static final double MIN_SCALE = 5.0;
    /** Largest figure scale (circumradius) in pixels. */
    public static final double MAX_SCALE = 10.0;
    /** Training images in {@link #splits}. */
    public static final int TRAIN_SIZE = 20_000;
    /** Validation images in {@link #splits}. */
    public static final int VALID_SIZE = 2_000;
    /** Test images in {@link #splits}. */
    public static final int TEST_SIZE = 2_000;

    /** Half-width of a cross bar relative to its half-length. */
    static final double CROSS_WIDTH_RATIO = 1.0 / 3.0;

    private static final double MARGIN = 1.0;
    private static final double SQRT3 = Math.sqrt(3.0);

    private Shapes() {}

    /**
     * Generates {@code n} images.
     *
     * @param n how many, {@code >= 0}
     * @param seed the seed; the same seed always gives the same images
     * @return a dataset named {@value #NAME} with example shape {28, 28}, values 0/1 and labels
     */
    public static Dataset generate(int n, long seed) {
        return generateWithFactors(n, seed).dataset();
    }

    /**
     * Generates {@code n} images together with their factors.
     *
     * @param n how many, {@code >= 0}
     * @param seed the seed
     * @return the images and, for each, the factors that drew it
     */
    public static ShapesSample generateWithFactors(int n, long seed) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        SplittableRandom random = new SplittableRandom(seed);
        int pixels = SIZE * SIZE;
        float[] values = new float[Math.multiplyExact(n, pixels)];
        int[] labels = new int[n];
        List<ShapeFactors> factors = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ShapeFactors f = drawFactors(random);
            rasterize(f, values, i * pixels);
            labels[i] = f.type().ordinal();
            factors.add(f);
        }
        Dataset dataset = new Dataset(NAME, values, n, new int[] {SIZE, SIZE}, labels, null);
        return new ShapesSample(dataset, factors);
    }

    /**
     * The built-in default splits: {@value #TRAIN_SIZE} training, {@value #VALID_SIZE} validation
     * and {@value #TEST_SIZE} test images from seeds derived from {@code seed}.
     *
     * @param seed the base seed ({@code --data shapes} uses 0)
     * @return the three splits
     */
    public static DatasetSplits splits(long seed) {
        return new DatasetSplits(
                generate(TRAIN_SIZE, Seeds.derive(seed, 0)),
                generate(VALID_SIZE, Seeds.derive(seed, 1)),
                generate(TEST_SIZE, Seeds.derive(seed, 2)));
    }

    /**
     * Draws one figure.
     *
     * @param f its factors; the figure must lie inside the image
     * @return {@value #SIZE} × {@value #SIZE} values, row-major, 0 or 1
     */
    public static float[] render(ShapeFactors f) {
        float[] image = new float[SIZE * SIZE];
        rasterize(f, image, 0);
        return image;
    }

    private static ShapeFactors drawFactors(SplittableRandom random) {
        ShapeType type = ShapeType.ofLabel(random.nextInt(ShapeType.values().length));
        double scale = MIN_SCALE + (MAX_SCALE - MIN_SCALE) * random.nextDouble();
        double rotation = 2 * Math.PI * random.nextDouble();
        double low = MARGIN + scale;
        double span = SIZE - 2 * low;
        double centerX = low + span * random.nextDouble();
        double centerY = low + span * random.nextDouble();
        return new ShapeFactors(type, centerX, centerY, scale, rotation);
    }

    private static void rasterize(ShapeFactors f, float[] image, int offset) {
        double cos = Math.cos(f.rotation());
        double sin = Math.sin(f.rotation());
        // Only pixels whose centre is within the circumcircle can be inside the figure.
        int top = Math.max(0, (int) Math.floor(f.centerY() - f.scale()));
        int bottom = Math.min(SIZE - 1, (int) Math.ceil(f.centerY() + f.scale()));
        int left = Math.max(0, (int) Math.floor(f.centerX() - f.scale()));
        int right = Math.min(SIZE - 1, (int) Math.ceil(f.centerX() + f.scale()));
        for (int row = top; row <= bottom; row++) {
            for (int col = left; col <= right; col++) {
                double dx = col + 0.5 - f.centerX();
                double dy = row + 0.5 - f.centerY();
                if (containsUpright(f.type(), f.scale(), cos * dx + sin * dy, -sin * dx + cos * dy)) {
                    image[offset + row * SIZE + col] = 1f;
                }
            }
        }
    }

    /** Half-length of a cross arm such that its outer corners lie on the circle of radius s. */
    static double crossHalfLength(double s) {
        return s / Math.sqrt(1 + CROSS_WIDTH_RATIO * CROSS_WIDTH_RATIO);
    }

    /** Point-in-figure test in the figure's own upright frame, centred on the origin. */
    static boolean containsUpright(ShapeType type, double s, double u, double v) {
        return switch (type) {
            case SQUARE -> {
                double half = s / Math.sqrt(2.0);
                yield Math.abs(u) <= half && Math.abs(v) <= half;
            }
            case DISK -> u * u + v * v <= s * s;
            case TRIANGLE -> inUprightTriangle(s, u, v);
            case CROSS -> {
                double a = crossHalfLength(s);
                double w = CROSS_WIDTH_RATIO * a;
                double au = Math.abs(u);
                double av = Math.abs(v);
                yield (au <= a && av <= w) || (au <= w && av <= a);
            }
        };
    }

    // Equilateral triangle with circumradius s: apex (0, -s), up on screen, base on the line
    // v = s/2. A point is inside when it is on the inner side of all three edges.
    private static boolean inUprightTriangle(double s, double u, double v) {
        if (v > s / 2) {
            return false;
        }
        // The slanted edges run from the apex (0, -s) to (±s√3/2, s/2): |u| ≤ (v + s) / √3.
        return Math.abs(u) <= (v + s) / SQRT3;
    }
}
