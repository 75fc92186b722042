package io.github.elbo4j.cli;

import io.github.elbo4j.vae.objective.KlSchedule;
import io.github.elbo4j.vae.objective.TrainingObjective;
import io.github.elbo4j.vae.objective.TrainingObjective.GradientEstimator;
import picocli.CommandLine.Option;

/**
 * The objective options of {@code train} ({@code --beta}, {@code --kl-schedule},
 * {@code --free-bits}, {@code --objective}, {@code --iwae-k}) and their record in config.json.
 * Unset options are null, so that {@code --resume} can refuse a change of objective.
 */
final class ObjectiveOptions {

    @Option(
            names = "--objective",
            paramLabel = "NAME",
            description =
                    "elbo (single sample, analytic KL) or iwae (importance-weighted bound, Burda et al. 2015). Default: elbo.")
    String objective;

    @Option(names = "--iwae-k", paramLabel = "K", description = "Samples K of --objective iwae. Default: 5.")
    Integer iwaeK;

    @Option(
            names = "--iwae-gradient",
            paramLabel = "G",
            description =
                    "Gradient of --objective iwae: standard or dreg (doubly reparameterized, Tucker et al. 2018). Default: standard.")
    String iwaeGradient;

    @Option(
            names = "--beta",
            paramLabel = "B",
            description = "Weight β of the KL term (β-VAE; 1 is the plain ELBO). Default: 1.")
    Double beta;

    @Option(
            names = "--kl-schedule",
            paramLabel = "SPEC",
            description =
                    "KL annealing factor a(t) on β, per step: constant, linear:N (warm-up over N epochs) or "
                            + "cyclical:N (cycles of N epochs: ramp over the first half, then 1; Fu et al. 2019). Default: constant.")
    String klSchedule;

    @Option(
            names = "--free-bits",
            paramLabel = "L",
            description =
                    "Free bits: per-dimension KL floor λ in nats (Kingma et al. 2016); 0 turns it off. Default: 0.")
    Double freeBits;

    private static final int DEFAULT_IWAE_K = 5;

    /** The validated objective of a new run. */
    TrainingObjective toObjective() {
        TrainingObjective.Kind kind =
                objective == null ? TrainingObjective.Kind.ELBO : TrainingObjective.Kind.parse(objective);
        double b = beta == null ? 1.0 : beta;
        KlSchedule schedule = klSchedule == null ? KlSchedule.CONSTANT : KlSchedule.parse(klSchedule);
        GradientEstimator gradient =
                iwaeGradient == null ? GradientEstimator.REPARAMETERIZED : GradientEstimator.parse(iwaeGradient);
        return switch (kind) {
            case ELBO -> {
                if (iwaeK != null && iwaeK != 1) {
                    throw new IllegalArgumentException(
                            "--iwae-k needs --objective iwae, got --iwae-k " + iwaeK + " with --objective elbo");
                }
                if (gradient == GradientEstimator.DOUBLY_REPARAMETERIZED) {
                    throw new IllegalArgumentException("--iwae-gradient dreg needs --objective iwae");
                }
                yield new TrainingObjective.Elbo(b, schedule, freeBits == null ? 0.0 : freeBits);
            }
            case IWAE -> {
                if (freeBits != null && freeBits != 0) {
                    throw new IllegalArgumentException("--free-bits applies to the analytic KL of --objective elbo;"
                            + " drop it or use --objective elbo");
                }
                if (gradient == GradientEstimator.DOUBLY_REPARAMETERIZED
                        && (b != 1.0 || schedule.kind() != KlSchedule.Kind.CONSTANT)) {
                    throw new IllegalArgumentException("--iwae-gradient dreg estimates the gradient of the plain"
                            + " IWAE bound; drop --beta and --kl-schedule or use --iwae-gradient standard");
                }
                yield new TrainingObjective.Iwae(iwaeK == null ? DEFAULT_IWAE_K : iwaeK, b, schedule, gradient);
            }
        };
    }

    /** Refuses objective options on {@code --resume}: a run keeps the objective it started with. */
    void requireUnsetForResume() {
        if (objective != null
                || iwaeK != null
                || iwaeGradient != null
                || beta != null
                || klSchedule != null
                || freeBits != null) {
            throw new IllegalArgumentException(
                    "--objective, --iwae-k, --iwae-gradient, --beta, --kl-schedule and --free-bits cannot"
                            + " change on --resume: a run continues with the objective recorded in its config.json");
        }
    }
}
