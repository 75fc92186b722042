package io.github.elbo4j.vae.internal;

import io.github.elbo4j.vae.objective.VectorNoise;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, log, tanh, softplus, the logistic function and the normal quantile on float vectors, for
 * {@link FusedElboStep}, {@link FusedImportanceSampler} and {@link VectorNoise}.
 *
 * <p>Java 17's Vector API evaluates {@code lanewise(EXP)} and {@code lanewise(TANH)} one lane at a
 * time (12 and 35 ns an element here), slower than the rest of a training step put together, so
 * these are written out: range reduction and polynomials accurate to a few float ulps
 * ({@code VectorMathTest} checks them against {@link Math} over wide ranges).
 */
public final class VectorMath {

    public static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 split into a part exact in float and the rest (Cody and Waite). */
    private static final float LN2_HIGH = 0.693359375f;

    private static final float LN2_LOW = -2.12194440e-4f;
    /** Adding 1.5·2²³ rounds a float of magnitude below 2²² to an integer. */
    private static final float ROUNDER = 12582912f;

    private static final int ROUNDER_BITS = 0x4B400000;
    /** e^x overflows above 88.72 and is subnormal below −87.33; 2^n must stay a normal float. */
    private static final float EXP_HIGH = 88f;

    private static final float EXP_LOW = -87.3f;
    /**
     * tanh's rational approximation is evaluated at x clamped to [−7.905, 7.905]; at the clamp it
     * is ±(1 − 2.4e-7), tanh 7.905 being 1 − 2.7e-7, and it stays there, 4 float ulps short of ±1.
     */
    private static final float TANH_CLAMP = 7.90531110763549805f;

    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
    // Polynomial coefficients as vectors, named by the power they multiply.
    private static final FloatVector EXP_7 = FloatVector.broadcast(S, 1f / 5040);
    private static final FloatVector EXP_6 = FloatVector.broadcast(S, 1f / 720);
    private static final FloatVector EXP_5 = FloatVector.broadcast(S, 1f / 120);
    private static final FloatVector EXP_4 = FloatVector.broadcast(S, 1f / 24);
    private static final FloatVector EXP_3 = FloatVector.broadcast(S, 1f / 6);
    private static final FloatVector EXP_2 = FloatVector.broadcast(S, 0.5f);
    private static final FloatVector EXP2_6 = FloatVector.broadcast(S, 1.5469732170458883e-4f);
    private static final FloatVector EXP2_5 = FloatVector.broadcast(S, 1.3400432653725147e-3f);
    private static final FloatVector EXP2_4 = FloatVector.broadcast(S, 9.61802527308464e-3f);
    private static final FloatVector EXP2_3 = FloatVector.broadcast(S, 5.550327152013779e-2f);
    private static final FloatVector EXP2_2 = FloatVector.broadcast(S, 0.24022650718688965f);
    private static final FloatVector EXP2_1 = FloatVector.broadcast(S, 0.6931471824645996f);
    // tanh x ≈ x·P(x²)/Q(x²), the [13/6] rational minimax approximation Eigen uses for float tanh.
    private static final FloatVector TANH_P13 = FloatVector.broadcast(S, -2.76076847742355e-16f);
    private static final FloatVector TANH_P11 = FloatVector.broadcast(S, 2.00018790482477e-13f);
    private static final FloatVector TANH_P9 = FloatVector.broadcast(S, -8.60467152213735e-11f);
    private static final FloatVector TANH_P7 = FloatVector.broadcast(S, 5.12229709037114e-08f);
    private static final FloatVector TANH_P5 = FloatVector.broadcast(S, 1.48572235717979e-05f);
    private static final FloatVector TANH_P3 = FloatVector.broadcast(S, 6.37261928875436e-04f);
    private static final FloatVector TANH_P1 = FloatVector.broadcast(S, 4.89352455891786e-03f);
    private static final FloatVector TANH_Q6 = FloatVector.broadcast(S, 1.19825839466702e-06f);
    private static final FloatVector TANH_Q4 = FloatVector.broadcast(S, 1.18534705686654e-04f);
    private static final FloatVector TANH_Q2 = FloatVector.broadcast(S, 2.26843463243900e-03f);
    private static final FloatVector TANH_Q0 = FloatVector.broadcast(S, 4.89352518554385e-03f);
    private static final FloatVector LOG1P_15 = FloatVector.broadcast(S, 1f / 15);
    private static final FloatVector LOG1P_13 = FloatVector.broadcast(S, 1f / 13);
    private static final FloatVector LOG1P_11 = FloatVector.broadcast(S, 1f / 11);
    private static final FloatVector LOG1P_9 = FloatVector.broadcast(S, 1f / 9);
    private static final FloatVector LOG1P_7 = FloatVector.broadcast(S, 1f / 7);
    private static final FloatVector LOG1P_5 = FloatVector.broadcast(S, 1f / 5);
    private static final FloatVector LOG1P_3 = FloatVector.broadcast(S, 1f / 3);

    /**
     * Wichura's single-precision normal quantile (Applied Statistics algorithm AS 241, PPND7;
     * relative error 1.2e-7): rational functions of r = 0.180625 − q² for |q| = |p − ½| ≤ 0.425,
     * and of √(−log p) − 1.6 below, with coefficients all of one sign, so float evaluation does
     * not cancel. Its third region, p below e⁻²⁵, lies beyond the 2⁻³³ {@link #standardNormal}
     * draws from. This p divides the central region from the tail.
     */
    private static final float TAIL_LIMIT = 0.075f;

    private VectorMath() {}

    /**
     * eˣ: x = n ln 2 + r with |r| ≤ ½ ln 2, e^r by its degree-7 Taylor polynomial (truncation
     * below 5e-9 relative) and 2ⁿ from the exponent bits. Arguments are clamped to [−87.3, 88], so
     * far-negative ones give about 1e-38 instead of a subnormal or 0.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector clamped = x.max(EXP_LOW).min(EXP_HIGH);
        // t = n + 1.5·2²³ holds n = round(x log₂e) in its low mantissa bits: bits(t) = 0x4B400000 + n.
        FloatVector t = clamped.mul(LOG2E).add(ROUNDER);
        FloatVector n = t.sub(ROUNDER);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HIGH), clamped);
        r = n.fma(FloatVector.broadcast(S, -LN2_LOW), r);
        FloatVector p = EXP_7;
        p = p.fma(r, EXP_6);
        p = p.fma(r, EXP_5);
        p = p.fma(r, EXP_4);
        p = p.fma(r, EXP_3);
        p = p.fma(r, EXP_2);
        p = p.fma(r, ONE);
        p = p.fma(r, ONE);
        // 2ⁿ has the exponent bits n + 127; Java 17 converts float to int lane by lane, so n comes from t's bits.
        IntVector exponent = t.reinterpretAsInts().sub(ROUNDER_BITS - 127).lanewise(VectorOperators.LSHL, 23);
        return p.mul(exponent.reinterpretAsFloats());
    }

    /**
     * e^{−a} for a ≥ 0, the likelihoods' e^{−|l|}: −a log₂e = n + f with |f| ≤ ½, 2^f by a
     * degree-6 polynomial fitted on Chebyshev nodes (2.6e-9 relative before rounding) and 2ⁿ from
     * the exponent bits. Four fewer operations than {@link #exp}: no upper clamp and no
     * two-part ln 2, whose absence costs relative accuracy only where e^{−a} is below e⁻⁴ (the
     * rounding of a·log₂e, 7e-8 relative per unit of a). Far out it gives 2⁻¹²⁶, not 0.
     */
    static FloatVector expOfMinus(FloatVector a) {
        FloatVector x = a.mul(-LOG2E).max(-126f);
        FloatVector t = x.add(ROUNDER);
        FloatVector f = x.sub(t.sub(ROUNDER));
        FloatVector p = EXP2_6;
        p = p.fma(f, EXP2_5);
        p = p.fma(f, EXP2_4);
        p = p.fma(f, EXP2_3);
        p = p.fma(f, EXP2_2);
        p = p.fma(f, EXP2_1);
        p = p.fma(f, ONE);
        IntVector exponent = t.reinterpretAsInts().sub(ROUNDER_BITS - 127).lanewise(VectorOperators.LSHL, 23);
        return p.mul(exponent.reinterpretAsFloats());
    }

    /**
     * tanh x as a ratio of two polynomials in x² (within 3e-7 relative of tanh; half the time of
     * the (1 − e^{−2|x|})/(1 + e^{−2|x|}) it replaced, which needed an exp and a series near 0).
     * x·P(x²)/Q(x²) is odd, so x is clamped with its sign: no absolute value, sign or special
     * cases (which took a quarter of the time), and near 0 it is x·P(0)/Q(0), x within an ulp.
     */
    static FloatVector tanh(FloatVector x) {
        FloatVector c = x.max(-TANH_CLAMP).min(TANH_CLAMP);
        FloatVector c2 = c.mul(c);
        FloatVector p = TANH_P13;
        p = p.fma(c2, TANH_P11);
        p = p.fma(c2, TANH_P9);
        p = p.fma(c2, TANH_P7);
        p = p.fma(c2, TANH_P5);
        p = p.fma(c2, TANH_P3);
        p = p.fma(c2, TANH_P1);
        FloatVector q = TANH_Q6;
        q = q.fma(c2, TANH_Q4);
        q = q.fma(c2, TANH_Q2);
        q = q.fma(c2, TANH_Q0);
        return p.mul(c).div(q);
    }

    /**
     * log(1 + t) for t in [0, 1], as 2 atanh(s) with s = t/(2 + t) ≤ ⅓: the odd series to s¹⁵
     * (next term below 5e-10), with no cancellation for small t.
     */
    static FloatVector log1pUnit(FloatVector t) {
        FloatVector s = t.div(t.add(2f));
        FloatVector s2 = s.mul(s);
        FloatVector p = LOG1P_15;
        p = p.fma(s2, LOG1P_13);
        p = p.fma(s2, LOG1P_11);
        p = p.fma(s2, LOG1P_9);
        p = p.fma(s2, LOG1P_7);
        p = p.fma(s2, LOG1P_5);
        p = p.fma(s2, LOG1P_3);
        p = p.fma(s2, ONE);
        return p.mul(s).mul(2f);
    }

    /**
     * ln x for positive normal floats: with x = m·2ᵉ and m in [1, 2), e ln 2 + log(1 + (m − 1)).
     * The exponent becomes a float through the bits of e + 1.5·2²³, as Java 17 converts int to
     * float lane by lane.
     */
    static FloatVector log(FloatVector x) {
        IntVector bits = x.reinterpretAsInts();
        FloatVector mantissa = bits.and(0x007FFFFF).or(0x3F800000).reinterpretAsFloats();
        FloatVector e = bits.lanewise(VectorOperators.LSHR, 23)
                .add(ROUNDER_BITS - 127)
                .reinterpretAsFloats()
                .sub(ROUNDER);
        FloatVector logMantissa = log1pUnit(mantissa.sub(1f));
        return e.fma(FloatVector.broadcast(S, LN2_LOW), logMantissa).add(e.mul(LN2_HIGH));
    }

    /** softplus(l) = log(1 + e^l) = max(l, 0) + log(1 + t), given t = e^{−|l|}. */
    static FloatVector softplus(FloatVector l, FloatVector t) {
        return l.max(0f).add(log1pUnit(t));
    }

    /** The logistic function σ(l) = 1/(1 + e^{−l}), given t = e^{−|l|}: 1/(1 + t) or t/(1 + t). */
    static FloatVector sigmoid(FloatVector l, FloatVector t) {
        VectorMask<Float> negative = l.compare(VectorOperators.LT, 0f);
        return ONE.blend(t, negative).div(t.add(1f));
    }

    /**
     * N(0, 1) draws from uniform 32-bit words: the sign from the top bit, the magnitude the normal
     * quantile of p = (m + ½)·2⁻³² with m the other 31 bits.
     */
    public static FloatVector standardNormal(IntVector bits) {
        // m = 2⁸·high + low, each part exact in float through the bits of 2²³ + part.
        FloatVector high = bits.lanewise(VectorOperators.LSHR, 8)
                .and(0x007FFFFF)
                .or(0x4B000000)
                .reinterpretAsFloats()
                .sub(8388608f);
        FloatVector low = bits.and(0xFF).or(0x4B000000).reinterpretAsFloats().sub(8388608f - 0.5f);
        FloatVector p = high.fma(FloatVector.broadcast(S, 0x1p-24f), low.mul(0x1p-32f));
        FloatVector q = p.sub(0.5f);
        FloatVector r = q.fma(q.neg(), FloatVector.broadcast(S, 0.180625f));
        FloatVector central = FloatVector.broadcast(S, 59.109374720f)
                .fma(r, FloatVector.broadcast(S, 159.29113202f))
                .fma(r, FloatVector.broadcast(S, 50.434271938f))
                .fma(r, FloatVector.broadcast(S, 3.3871327179f))
                .mul(q)
                .div(FloatVector.broadcast(S, 67.187563600f)
                        .fma(r, FloatVector.broadcast(S, 78.757757664f))
                        .fma(r, FloatVector.broadcast(S, 17.895169469f))
                        .fma(r, ONE));
        FloatVector t = log(p).neg().sqrt().sub(1.6f);
        FloatVector tail = FloatVector.broadcast(S, 0.17023821103f)
                .fma(t, FloatVector.broadcast(S, 1.3067284816f))
                .fma(t, FloatVector.broadcast(S, 2.7568153900f))
                .fma(t, FloatVector.broadcast(S, 1.4234372777f))
                .div(FloatVector.broadcast(S, 0.12021132975f)
                        .fma(t, FloatVector.broadcast(S, 0.73700164250f))
                        .fma(t, ONE))
                .neg();
        FloatVector quantile = central.blend(tail, p.compare(VectorOperators.LT, TAIL_LIMIT));
        // The quantile is ≤ 0; the word's top bit flips its sign.
        return quantile.reinterpretAsInts()
                .lanewise(VectorOperators.XOR, bits.and(0x80000000))
                .reinterpretAsFloats();
    }
}
