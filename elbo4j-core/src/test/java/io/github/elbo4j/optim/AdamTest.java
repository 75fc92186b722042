package io.github.elbo4j.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AdamTest {

    /** torch.optim.Adam's update written out in double precision, as the oracle. */
    private static double[] referenceAdam(double[] theta, double[][] gradients, double lr) {
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        double[] m = new double[theta.length];
        double[] v = new double[theta.length];
        double[] p = theta.clone();
        for (int t = 1; t <= gradients.length; t++) {
            for (int i = 0; i < p.length; i++) {
                double g = gradients[t - 1][i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mHat = m[i] / (1 - Math.pow(b1, t));
                double vHat = v[i] / (1 - Math.pow(b2, t));
                p[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
        }
        return p;
    }

    @Test
    void matchesPyTorchsAdamUpdate() {
        double[] theta = {0.5, -1.0, 2.0, 1e-3};
        double[][] gradients = {{0.1, -0.2, 3.0, 1e-6}, {0.05, 0.4, -1.0, 1e-6}, {-0.3, 0.0, 0.5, 2e-6}};
        double[] expected = referenceAdam(theta, gradients, 0.01);
        Adam adam = Adam.withDefaults(theta.length);
        float[] parameters = toFloats(theta);
        for (double[] g : gradients) {
            adam.update(parameters, toFloats(g), 0.01f);
        }
        for (int i = 0; i < theta.length; i++) {
            assertThat((double) parameters[i]).isCloseTo(expected[i], within(1e-6));
        }
        assertThat(adam.step()).isEqualTo(3);
    }

    @Test
    void restoredStateContinuesExactlyLikeTheOriginal() {
        Adam first = Adam.withDefaults(3);
        Adam second = Adam.withDefaults(3);
        float[] a = {1, 2, 3};
        for (int i = 0; i < 4; i++) {
            first.update(a, new float[] {0.1f * i, -0.2f, 0.3f}, 1e-2f);
        }
        float[] b = a.clone();
        second.restore(first.firstMoment(), first.secondMoment(), first.step());
        first.update(a, new float[] {0.7f, 0.1f, -0.4f}, 1e-2f);
        second.update(b, new float[] {0.7f, 0.1f, -0.4f}, 1e-2f);
        assertThat(b).containsExactly(a);
    }

    @Test
    void theStaticFormTakesExactlyTheStepsOfAnInstance() {
        float[][] gradients = {{0.1f, -0.2f, 3.0f, 1e-6f}, {0.05f, 0.4f, -1.0f, 1e-6f}, {-0.3f, 0.0f, 0.5f, 2e-6f}};
        float[] theta = {0.5f, -1.0f, 2.0f, 1e-3f};
        float[] parameters = theta.clone();
        float[] m = new float[4];
        float[] v = new float[4];
        Adam adam = Adam.withDefaults(4);
        for (int t = 0; t < gradients.length; t++) {
            float[] g = gradients[t].clone();
            adam.update(parameters, g, 0.01f);
            Adam.update(theta, m, v, g, 0.01f, t + 1);
            assertThat(g).as("the gradient is left as it was").containsExactly(gradients[t]);
        }
        assertThat(parameters).containsExactly(theta);
        assertThat(adam.firstMoment()).containsExactly(m);
        assertThat(adam.secondMoment()).containsExactly(v);
    }

    @Test
    void refusesAGradientOfAnotherSize() {
        Adam adam = Adam.withDefaults(3);
        assertThatThrownBy(() -> adam.update(new float[3], new float[2], 1e-3f))
                .hasMessageContaining("parameters and gradient have 3 and 2 entries, Adam was made for 3");
    }

    @Test
    void rejectsInvalidHyperparameters() {
        assertThatThrownBy(() -> new Adam(2, 1.0f, 0.999f, 1e-8f)).hasMessageContaining("betas");
        assertThatThrownBy(() -> new Adam(2, 0.9f, 0.999f, 0f)).hasMessageContaining("epsilon");
    }

    private static float[] toFloats(double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return f;
    }

    @Test
    void theDoublePrecisionFormMatchesPyTorchsUpdateToDoubleRounding() {
        double[] theta = {0.5, -1.0, 2.0, 1e-3};
        double[][] gradients = {{0.1, -0.2, 3.0, 1e-6}, {0.05, 0.4, -1.0, 1e-6}, {-0.3, 0.0, 0.5, 2e-6}};
        double[] expected = referenceAdam(theta, gradients, 0.01);
        Adam adam = Adam.inDoublePrecision(theta.length);
        double[] parameters = theta.clone();
        for (double[] g : gradients) {
            adam.update(parameters, g, 0.01);
        }
        for (int i = 0; i < theta.length; i++) {
            assertThat(parameters[i]).isCloseTo(expected[i], within(1e-14));
        }
        assertThat(adam.step()).isEqualTo(3);
    }

    @Test
    void ascendingIsDescendingTheNegatedObjective() {
        Adam up = Adam.inDoublePrecision(2);
        Adam down = Adam.inDoublePrecision(2);
        double[] a = {0.3, -0.7};
        double[] b = a.clone();
        for (int t = 0; t < 5; t++) {
            double[] g = {Math.sin(t), 0.1 * t - 0.2};
            up.ascend(a, g, 0.05);
            down.update(b, new double[] {-g[0], -g[1]}, 0.05);
        }
        assertThat(a).containsExactly(b);
        assertThat(a[0]).isGreaterThan(0.3);
    }

    @Test
    void eachPrecisionRefusesTheOthersArrays() {
        assertThatThrownBy(() -> Adam.inDoublePrecision(1).update(new float[1], new float[1], 0.1f))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("double precision");
        assertThatThrownBy(() -> Adam.withDefaults(1).ascend(new double[1], new double[1], 0.1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("float precision");
    }
}
