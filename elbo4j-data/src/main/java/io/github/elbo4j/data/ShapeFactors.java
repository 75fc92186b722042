package io.github.elbo4j.data;

import java.util.Objects;

/**
 * The generative factors of one {@link Shapes} image, in pixel units of a 28 × 28 image whose
 * top-left corner is (0, 0), x to the right and y downwards; pixel (row i, column j) covers the
 * square [j, j + 1) × [i, i + 1) and is on when its centre (j + ½, i + ½) lies in the figure.
 *
 * @param type which figure
 * @param centerX x of the figure's centre
 * @param centerY y of the figure's centre
 * @param scale the radius of the circle through the figure's outermost points (for a disk its
 *     radius), so the figure lies within {@code scale} of its centre
 * @param rotation the angle, in radians, by which the figure is turned from its upright pose
 *     (counter-clockwise in x/y coordinates, so clockwise on screen since y points down)
 */
public record ShapeFactors(ShapeType type, double centerX, double centerY, double scale, double rotation) {

    /** Checks the type is given and the scale is positive. */
    public ShapeFactors {
        Objects.requireNonNull(type, "type");
        if (!(scale > 0)) {
            throw new IllegalArgumentException("scale must be positive, got " + scale);
        }
    }

    /**
     * The exact area of the figure in square pixels: {@code 2 s²} for the square, {@code π s²} for
     * the disk, {@code (3√3 / 4) s²} for the triangle and {@code 8aw − 4w²} for the cross with arm
     * half-length {@code a} and half-width {@code w}.
     */
    public double area() {
        double s = scale;
        return switch (type) {
            case SQUARE -> 2 * s * s;
            case DISK -> Math.PI * s * s;
            case TRIANGLE -> 3 * Math.sqrt(3) / 4 * s * s;
            case CROSS -> {
                double a = Shapes.crossHalfLength(s);
                double w = Shapes.CROSS_WIDTH_RATIO * a;
                yield 8 * a * w - 4 * w * w;
            }
        };
    }

    /**
     * Whether the point (x, y) lies in the figure (boundary included).
     *
     * @param x the x coordinate in pixels
     * @param y the y coordinate in pixels
     * @return true inside
     */
    public boolean contains(double x, double y) {
        double dx = x - centerX;
        double dy = y - centerY;
        double cos = Math.cos(rotation);
        double sin = Math.sin(rotation);
        // Rotate the point back by the figure's angle so the test happens in the upright pose.
        double u = cos * dx + sin * dy;
        double v = -sin * dx + cos * dy;
        return Shapes.containsUpright(type, scale, u, v);
    }
}
