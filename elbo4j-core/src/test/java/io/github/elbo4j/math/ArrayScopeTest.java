package io.github.elbo4j.math;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class ArrayScopeTest {

    @Test
    void leavesOnlyTheResultInTheHomeManager() {
        try (NDManager home = NDManager.newBaseManager();
                NDManager other = NDManager.newBaseManager()) {
            NDArray a = home.create(new float[] {1f, 2f});
            NDArray b = other.create(new float[] {3f, 4f});
            NDArray result;
            try (ArrayScope scope = ArrayScope.open(home, a, b, a)) {
                NDArray t = a.mul(b).add(1f).square();
                result = scope.ret(t.sum());
            }
            assertThat(home.getManagedArrays()).containsExactlyInAnyOrder(a, result);
            assertThat(other.getManagedArrays()).containsExactly(b);
            assertThat(a.getManager()).isSameAs(home);
            assertThat(b.getManager()).isSameAs(other);
            assertThat(result.getFloat()).isEqualTo(16f + 81f);
        }
    }

    @Test
    void returningABorrowedInputLeavesItWithItsOwner() {
        try (NDManager home = NDManager.newBaseManager();
                NDManager other = NDManager.newBaseManager()) {
            NDArray b = other.create(new float[] {3f, 4f});
            NDArray r;
            try (ArrayScope scope = ArrayScope.open(home, b)) {
                r = scope.ret(b);
            }
            assertThat(r).isSameAs(b);
            assertThat(b.isReleased()).isFalse();
            assertThat(b.getManager()).isSameAs(other);
        }
    }

    @Test
    void adoptedIntermediatesAreClosed() {
        try (NDManager home = NDManager.newBaseManager()) {
            NDArray produced = home.create(5f);
            try (ArrayScope scope = ArrayScope.open(home)) {
                scope.adopt(produced);
            }
            assertThat(produced.isReleased()).isTrue();
            assertThat(home.getManagedArrays()).isEmpty();
        }
    }

    @Test
    void gradientsFlowThroughClosedIntermediates() {
        try (NDManager home = NDManager.newBaseManager()) {
            NDArray w = home.create(new float[] {1f, -2f});
            w.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss;
                try (ArrayScope scope = ArrayScope.open(home, w)) {
                    loss = scope.ret(w.square().mul(3f).sum());
                }
                gc.backward(loss);
            }
            assertThat(w.getGradient().toFloatArray()).containsExactly(6f, -12f);
        }
    }

    @Test
    void nestedScopesReturnInputsToTheRightManager() {
        try (NDManager home = NDManager.newBaseManager()) {
            NDArray a = home.create(2f);
            NDArray outer;
            try (ArrayScope s1 = ArrayScope.open(home, a)) {
                NDArray inner;
                try (ArrayScope s2 = ArrayScope.open(a.getManager(), a)) {
                    inner = s2.ret(a.mul(a));
                }
                assertThat(inner.getManager()).isSameAs(s1.manager());
                assertThat(a.getManager()).isSameAs(s1.manager());
                outer = s1.ret(inner.add(a));
            }
            assertThat(a.getManager()).isSameAs(home);
            assertThat(home.getManagedArrays()).containsExactlyInAnyOrder(a, outer);
            assertThat(outer.getFloat()).isEqualTo(6f);
        }
    }
}
