package io.github.elbo4j.vae;

/**
 * One row of {@code metrics.jsonl}: training averages over an epoch (nats per example, single
 * reparameterized sample, analytic KL) and the validation ELBO at its end.
 *
 * @param epoch 1-based epoch
 * @param step optimizer steps taken so far
 * @param elbo mean training ELBO over the epoch
 * @param recon mean E_q[log p(x|z)]
 * @param kl mean KL(q(z|x) ‖ p(z))
 * @param beta weight of the KL term (1 for the plain ELBO)
 * @param lr learning rate
 * @param validElbo validation ELBO at the end of the epoch, NaN when there is no validation split
 * @param validIwae the IWAE-K bound on the validation split for an IWAE objective (K of the
 *     objective), else NaN: what such a run is judged and early-stopped on
 * @param seconds training wall time so far, including validation
 * @param samplesPerS training throughput of this epoch (excluding validation)
 * @param residentMegabytes resident memory of the process at the end of the epoch (MiB; NaN
 *     where the platform does not report it), to make native-memory growth visible
 */
public record EpochMetrics(
        int epoch,
        long step,
        double elbo,
        double recon,
        double kl,
        double beta,
        double lr,
        double validElbo,
        double validIwae,
        double seconds,
        double samplesPerS,
        double residentMegabytes) {}
