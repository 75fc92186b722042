package io.github.elbo4j.vae.objective;

import io.github.elbo4j.vae.internal.ColumnKernels;
import io.github.elbo4j.vae.internal.VectorMath;
import io.github.elbo4j.vae.internal.VectorSupport;
import io.github.elbo4j.vae.train.Seeds;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link GaussianNoise}'s counter-based draws a vector of particles at a time, with the Vector API
 * (only touched when {@link VectorSupport#PRESENT}). The same arithmetic as the scalar
 * {@link GaussianNoise#fillExampleScalar}, lane by lane, so the two give the same bits.
 */
public final class VectorNoise {

    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int V = VectorMath.S.length();

    private VectorNoise() {}

    /**
     * Writes ε of example {@code example}'s particles {@code first..first+count−1} feature-major:
     * dimension d of particle first + q into {@code out[offset + d·ld + q]}. No other element of
     * {@code out} changes.
     */
    public static void fillExample(
            long seed, long example, int first, int count, int dimension, float[] out, int offset, int ld) {
        long key = Seeds.derive(seed, Seeds.Stream.EVAL_NOISE, example);
        int[] even = new int[ColumnKernels.padded(count)];
        int[] odd = new int[even.length];
        for (int pair = 0; pair < dimension; pair += 2) {
            threefry((int) key, (int) (key >>> 32), first, pair / 2, even, odd);
            toNormal(even, count, out, offset + pair * ld);
            if (pair + 1 < dimension) {
                toNormal(odd, count, out, offset + (pair + 1) * ld);
            }
        }
    }

    /**
     * Threefry-2x32-20 of the counters (first + q, high) under key (k0, k1), for q up to
     * {@code even.length}: the two output words into {@code even[q]} and {@code odd[q]}. Five
     * groups of four rounds (add, rotate, xor), the key injected after each.
     */
    private static void threefry(int k0, int k1, int first, int high, int[] even, int[] odd) {
        int[] keys = {k0, k1, GaussianNoise.PARITY ^ k0 ^ k1};
        IntVector lanes = IntVector.zero(I).addIndex(1);
        for (int q = 0; q < even.length; q += V) {
            IntVector x0 = lanes.add(first + q + k0);
            IntVector x1 = IntVector.broadcast(I, high + k1);
            for (int group = 1; group <= 5; group++) {
                int rotations = (group - 1) % 2 * 4;
                for (int round = 0; round < 4; round++) {
                    x0 = x0.add(x1);
                    int bits = GaussianNoise.ROTATIONS[rotations + round];
                    // The rotation as two shifts: Java 17 evaluates lanewise(ROL) one lane at a time.
                    x1 = x1.lanewise(VectorOperators.LSHL, bits)
                            .or(x1.lanewise(VectorOperators.LSHR, 32 - bits))
                            .lanewise(VectorOperators.XOR, x0);
                }
                x0 = x0.add(keys[group % 3]);
                x1 = x1.add(keys[(group + 1) % 3] + group);
            }
            x0.intoArray(even, q);
            x1.intoArray(odd, q);
        }
    }

    /** out[start + q] = N(0, 1) draw from bits[q] for q &lt; count; whole vectors, then the rest. */
    private static void toNormal(int[] bits, int count, float[] out, int start) {
        int q = 0;
        for (; q + V <= count; q += V) {
            VectorMath.standardNormal(IntVector.fromArray(I, bits, q)).intoArray(out, start + q);
        }
        if (q < count) {
            float[] tail = new float[V];
            VectorMath.standardNormal(IntVector.fromArray(I, bits, q)).intoArray(tail, 0);
            System.arraycopy(tail, 0, out, start + q, count - q);
        }
    }
}
