package io.github.elbo4j.kl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.distributions.Distribution;
import io.github.elbo4j.math.ArrayScope;

/**
 * A test-only univariate Laplace(μ, b) with {@code log p(x) = −|x − μ|/b − log 2b}, sampled by
 * inverse CDF. It is not reparameterised and has no registered KL, which is what the registry tests
 * need.
 */
final class Laplace implements Distribution {

    private final NDArray loc;
    private final float scale;

    Laplace(NDArray loc, float scale) {
        this.loc = loc;
        this.scale = scale;
    }

    float scale() {
        return scale;
    }

    NDArray loc() {
        return loc;
    }

    @Override
    public NDArray logProb(NDArray value) {
        try (ArrayScope scope = ArrayScope.open(loc.getManager(), loc, value)) {
            return scope.ret(value.sub(loc).abs().div(-scale).sub((float) Math.log(2.0 * scale)));
        }
    }

    @Override
    public NDArray sample(NDManager manager, long numSamples) {
        try (ArrayScope scope = ArrayScope.open(manager, loc)) {
            NDArray u = scope.manager()
                    .randomUniform(-0.5f, 0.5f, new Shape(numSamples).addAll(loc.getShape()), DataType.FLOAT32);
            NDArray z = u.sign().mul(u.abs().mul(-2f).add(1f).log()).mul(-scale).add(loc);
            return scope.ret(z);
        }
    }

    @Override
    public NDArray entropy() {
        try (ArrayScope scope = ArrayScope.open(loc.getManager(), loc)) {
            return scope.ret(loc.zerosLike().add((float) (1.0 + Math.log(2.0 * scale))));
        }
    }

    @Override
    public NDArray mean() {
        return loc;
    }

    @Override
    public Shape batchShape() {
        return loc.getShape();
    }

    @Override
    public Shape eventShape() {
        return new Shape();
    }
}
