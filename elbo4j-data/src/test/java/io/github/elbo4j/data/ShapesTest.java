package io.github.elbo4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ShapesTest {

    private static final int SIZE = Shapes.SIZE;

    @Test
    void sameSeedGivesIdenticalImagesAndFactors() {
        ShapesSample a = Shapes.generateWithFactors(200, 42);
        ShapesSample b = Shapes.generateWithFactors(200, 42);

        assertThat(a.dataset()).isEqualTo(b.dataset());
        assertThat(a.factors()).isEqualTo(b.factors());
        assertThat(a.dataset().fingerprint()).isEqualTo(b.dataset().fingerprint());
    }

    @Test
    void differentSeedsGiveDifferentImages() {
        assertThat(Shapes.generate(50, 1).values())
                .isNotEqualTo(Shapes.generate(50, 2).values());
    }

    @Test
    void imagesAreBinaryLabelledTwentyEightSquare() {
        Dataset d = Shapes.generate(100, 7);

        assertThat(d.name()).isEqualTo("shapes");
        assertThat(d.exampleShape()).containsExactly(28, 28);
        assertThat(d.isBinary()).isTrue();
        assertThat(d.labels()).hasSize(100);
        assertThat(Arrays.stream(d.labels()).distinct().sorted().toArray()).containsExactly(0, 1, 2, 3);
    }

    @Test
    void everyImageIsNonEmptyAndNothingTouchesTheBorder() {
        Dataset d = Shapes.generate(2000, 11);

        for (int i = 0; i < d.rows(); i++) {
            float[] image = d.row(i);
            float on = 0;
            float border = 0;
            for (int r = 0; r < SIZE; r++) {
                for (int c = 0; c < SIZE; c++) {
                    float v = image[r * SIZE + c];
                    on += v;
                    if (r == 0 || c == 0 || r == SIZE - 1 || c == SIZE - 1) {
                        border += v;
                    }
                }
            }
            assertThat(on).as("pixels on in image %d", i).isGreaterThanOrEqualTo(25f);
            assertThat(border).as("border pixels on in image %d", i).isZero();
        }
    }

    @Test
    void factorsCoverTheirRanges() {
        ShapesSample sample = Shapes.generateWithFactors(4000, 5);
        Map<ShapeType, Integer> counts = new EnumMap<>(ShapeType.class);

        for (ShapeFactors f : sample.factors()) {
            counts.merge(f.type(), 1, Integer::sum);
            assertThat(f.scale()).isBetween(Shapes.MIN_SCALE, Shapes.MAX_SCALE);
            assertThat(f.rotation()).isBetween(0.0, 2 * Math.PI);
            assertThat(f.centerX()).isBetween(1 + f.scale(), SIZE - 1 - f.scale());
            assertThat(f.centerY()).isBetween(1 + f.scale(), SIZE - 1 - f.scale());
        }
        // Each of the four types has probability 1/4: expect 1000 ± 5 standard deviations (27).
        assertThat(counts.values()).hasSize(4).allMatch(n -> Math.abs(n - 1000) < 140);
    }

    @Test
    void labelsMatchFactorTypesAndFactorMatrix() {
        ShapesSample sample = Shapes.generateWithFactors(30, 9);
        float[][] matrix = sample.factorMatrix();

        for (int i = 0; i < 30; i++) {
            ShapeFactors f = sample.factors().get(i);
            assertThat(sample.dataset().labels()[i]).isEqualTo(f.type().ordinal());
            assertThat(matrix[i])
                    .containsExactly(
                            f.type().ordinal(), (float) f.centerX(), (float) f.centerY(), (float) f.scale(), (float)
                                    f.rotation());
        }
        assertThat(ShapesSample.FACTOR_NAMES).hasSize(matrix[0].length);
    }

    @Test
    void renderedImageIsTheGeneratedOne() {
        ShapesSample sample = Shapes.generateWithFactors(5, 3);

        for (int i = 0; i < 5; i++) {
            assertThat(Shapes.render(sample.factors().get(i)))
                    .containsExactly(sample.dataset().row(i));
        }
    }

    @Test
    void averagePixelAreaMatchesExactAreaForEveryType() {
        // A pixel is on when its centre is inside the figure, so over uniformly random sub-pixel
        // positions the expected pixel count equals the exact area. One image is off by up to the
        // outline's length in pixels; the mean of 400 is well within 2%.
        SplittableRandom random = new SplittableRandom(17);
        for (ShapeType type : ShapeType.values()) {
            for (double scale : new double[] {Shapes.MIN_SCALE, 7.5, Shapes.MAX_SCALE}) {
                double total = 0;
                int n = 400;
                for (int i = 0; i < n; i++) {
                    ShapeFactors f = new ShapeFactors(
                            type,
                            13.5 + random.nextDouble(),
                            13.5 + random.nextDouble(),
                            scale,
                            2 * Math.PI * random.nextDouble());
                    total += onPixels(Shapes.render(f));
                }
                double exact = new ShapeFactors(type, 14, 14, scale, 0).area();
                assertThat(total / n).as("%s scale %.1f", type, scale).isCloseTo(exact, withinPercentage(2));
            }
        }
    }

    @Test
    void diskAreaIsPiRSquared() {
        ShapeFactors disk = new ShapeFactors(ShapeType.DISK, 13.7, 14.2, 9.0, 0.3);

        assertThat(disk.area()).isEqualTo(Math.PI * 81);
        // Even a single disk is within 3%: its outline is smooth, so miscounted pixels cancel.
        assertThat(onPixels(Shapes.render(disk))).isCloseTo(Math.PI * 81, withinPercentage(3));
    }

    private static double onPixels(float[] image) {
        double count = 0;
        for (float v : image) {
            count += v;
        }
        return count;
    }

    @Test
    void figuresHaveTheirGeometry() {
        ShapeFactors square = new ShapeFactors(ShapeType.SQUARE, 14, 14, 8, 0);
        ShapeFactors rotated = new ShapeFactors(ShapeType.SQUARE, 14, 14, 8, Math.PI / 4);
        ShapeFactors triangle = new ShapeFactors(ShapeType.TRIANGLE, 14, 14, 8, 0);
        ShapeFactors cross = new ShapeFactors(ShapeType.CROSS, 14, 14, 8, 0);
        double half = 8 / Math.sqrt(2);

        assertThat(square.contains(14 + half - 0.01, 14 + half - 0.01)).isTrue();
        assertThat(square.contains(14 + half + 0.01, 14)).isFalse();
        // Turned by 45 degrees the corners point along the axes, at distance 8 from the centre.
        assertThat(rotated.contains(14 + 7.9, 14)).isTrue();
        assertThat(rotated.contains(14 + half, 14 + half - 0.5)).isFalse();
        // Upright triangle: apex up (smaller y), flat base below.
        assertThat(triangle.contains(14, 14 - 7.9)).isTrue();
        assertThat(triangle.contains(14 - 3, 14 - 6)).isFalse();
        assertThat(triangle.contains(14 - 6.5, 14 + 3.9)).isTrue();
        assertThat(triangle.contains(14, 14 + 4.1)).isFalse();
        // Cross: arms reach about 7.6 along the axes but the diagonal is empty.
        assertThat(cross.contains(14 + 7.5, 14)).isTrue();
        assertThat(cross.contains(14, 14 - 7.5)).isTrue();
        assertThat(cross.contains(14 + 4, 14 + 4)).isFalse();
    }

    @Test
    void defaultSplitsHaveTheDocumentedSizesAndDifferFromEachOther() {
        DatasetSplits splits = Shapes.splits(0);

        assertThat(splits.train().rows()).isEqualTo(20_000);
        assertThat(splits.valid().rows()).isEqualTo(2_000);
        assertThat(splits.test().rows()).isEqualTo(2_000);
        assertThat(splits.train().head(2000).values())
                .isNotEqualTo(splits.valid().values());
        assertThat(splits.valid().values()).isNotEqualTo(splits.test().values());
        assertThat(Shapes.splits(0).test()).isEqualTo(splits.test());
    }

    @Test
    void rejectsNegativeCountAndBadFactors() {
        assertThatThrownBy(() -> Shapes.generate(-1, 0)).hasMessageContaining("n must be >= 0");
        assertThatThrownBy(() -> new ShapeFactors(ShapeType.DISK, 1, 1, 0, 0))
                .hasMessageContaining("scale must be positive");
        assertThatThrownBy(() -> ShapeType.ofLabel(4)).hasMessageContaining("0 to 3");
    }
}
