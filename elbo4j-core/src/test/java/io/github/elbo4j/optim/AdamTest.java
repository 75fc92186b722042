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
}
