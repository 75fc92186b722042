package io.github.elbo4j.vae.run;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.elbo4j.data.DataException;
import io.github.elbo4j.vae.objective.KlSchedule;
import io.github.elbo4j.vae.objective.TrainingObjective;
import io.github.elbo4j.vae.objective.TrainingObjective.GradientEstimator;
import io.github.elbo4j.vae.train.LearningRateSchedule;
import io.github.elbo4j.vae.train.Trainer;
import io.github.elbo4j.vae.train.TrainingConfig;
import java.nio.file.Path;

/**
 * A run's {@code config.json}: how it was made (versions, seed, model, training settings, data), so
 * that {@code eval}, {@code report} and {@code train --resume} can continue from it. Written and
 * read by Jackson data binding on these records ({@link RunDirectory#writeManifest},
 * {@link RunDirectory#manifest()}), with snake_case keys; a component that is null is left out,
 * and a key this version does not know is ignored. Files written by earlier versions read with
 * the defaults of what they lacked (see {@link Training#config}).
 *
 * @param elbo4jVersion the elbo4j that trained the run
 * @param djlVersion the DJL release
 * @param engine the engine and its version
 * @param created when the run was created (ISO-8601)
 * @param seed the run's seed
 * @param model the architecture, as in {@code model.json} (see {@link RunDirectory#describe})
 * @param training the training settings
 * @param data the data the run was trained on
 * @param runId the run's identity (see {@link RunDirectory#runId()}); null before one is assigned
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunManifest(
        String elbo4jVersion,
        String djlVersion,
        String engine,
        String created,
        Long seed,
        ObjectNode model,
        Training training,
        Data data,
        String runId) {

    /** A manifest without a training or data section has empty ones (every field unrecorded). */
    public RunManifest {
        training = training == null ? Training.NONE : training;
        data = data == null ? Data.NONE : data;
    }

    /** A manifest that records nothing, for a run directory made only to hold a model and its files. */
    public static RunManifest empty() {
        return new RunManifest(null, null, null, null, null, null, null, null, null);
    }

    /** This manifest with the run id {@code id}. */
    public RunManifest withRunId(String id) {
        return new RunManifest(elbo4jVersion, djlVersion, engine, created, seed, model, training, data, id);
    }

    /** This manifest with the training settings {@code settings}. */
    public RunManifest withTraining(Training settings) {
        return new RunManifest(elbo4jVersion, djlVersion, engine, created, seed, model, settings, data, runId);
    }

    /**
     * The training settings. The objective's components follow {@link TrainingObjective}; the
     * last three are recorded by Spark's distributed trainer only.
     *
     * @param epochs total epochs
     * @param batchSize examples per step
     * @param learningRate Adam's initial learning rate
     * @param seed the seed of initialization, shuffling and noise
     * @param objective the objective's kind ({@code elbo}, {@code iwae})
     * @param iwaeK K of an IWAE objective
     * @param iwaeGradient the IWAE gradient estimator
     * @param beta the KL weight β
     * @param klSchedule the KL annealing schedule
     * @param freeBits the free-bits floor per latent dimension
     * @param estimator the objective in words
     * @param reportedElbo what the metrics' {@code elbo} column is, in words
     * @param priorWarmupEpochs epochs of the VampPrior's warm-up (0 before the option existed)
     * @param patience early stopping's patience (0: none)
     * @param lrSchedule the learning-rate schedule ({@link LearningRateSchedule#toString()})
     * @param optimizer the optimizer in words
     * @param trainer {@code spark} for a run trained by Spark
     * @param syncEvery Spark's steps between synchronizations
     * @param partitions Spark's partitions
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Training(
            Integer epochs,
            Integer batchSize,
            Double learningRate,
            Long seed,
            String objective,
            Integer iwaeK,
            String iwaeGradient,
            Double beta,
            String klSchedule,
            Double freeBits,
            String estimator,
            String reportedElbo,
            Integer priorWarmupEpochs,
            Integer patience,
            String lrSchedule,
            String optimizer,
            String trainer,
            Integer syncEvery,
            Integer partitions) {

        /** Settings of which none was recorded. */
        static final Training NONE = new Training(
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null);

        /** The optimizer every trainer of elbo4j uses. */
        public static final String ADAM = "adam(beta1=0.9, beta2=0.999, eps=1e-8)";

        /** The settings of {@code config}, for a run trained by {@link Trainer}. */
        public static Training of(TrainingConfig config) {
            TrainingObjective o = config.objective();
            TrainingObjective.Iwae iwae = o instanceof TrainingObjective.Iwae i ? i : null;
            return new Training(
                    config.epochs(),
                    config.batchSize(),
                    config.learningRate(),
                    config.seed(),
                    o.kind().id(),
                    iwae != null ? iwae.k() : null,
                    iwae != null ? iwae.gradient().id() : null,
                    o.beta(),
                    o.schedule().toString(),
                    freeBits(o),
                    estimator(o),
                    "plain ELBO (beta = 1, no free bits), single sample, analytic KL",
                    config.priorWarmupEpochs(),
                    config.patience(),
                    config.learningRateSchedule().toString(),
                    ADAM,
                    null,
                    null,
                    null);
        }

        /**
         * These settings continued with {@code resumed}: the total epochs, the patience and the
         * learning-rate schedule, which a resumed run may change.
         */
        public Training resumedWith(TrainingConfig resumed) {
            return new Training(
                    resumed.epochs(),
                    batchSize,
                    learningRate,
                    seed,
                    objective,
                    iwaeK,
                    iwaeGradient,
                    beta,
                    klSchedule,
                    freeBits,
                    estimator,
                    reportedElbo,
                    priorWarmupEpochs,
                    resumed.patience(),
                    resumed.learningRateSchedule().toString(),
                    optimizer,
                    trainer,
                    syncEvery,
                    partitions);
        }

        private static double freeBits(TrainingObjective o) {
            return o.match(TrainingObjective.Elbo::freeBits, iwae -> 0.0);
        }

        private static String estimator(TrainingObjective o) {
            return o.match(
                    elbo -> "single-sample reparameterized ELBO, analytic KL weighted by w = beta * schedule(t)"
                            + (elbo.freeBits() > 0 ? ", free bits " + elbo.freeBits() + " nats per dimension" : ""),
                    iwae -> "IWAE bound log mean_k p(x|z_k) (p(z_k)/q(z_k|x))^w, K=" + iwae.k()
                            + ", w = beta * schedule(t), "
                            + (iwae.gradient() == GradientEstimator.DOUBLY_REPARAMETERIZED
                                    ? "doubly-reparameterized gradient"
                                    : "reparameterized gradient"));
        }

        /**
         * The training configuration these settings record; what a run of an earlier version did not
         * record takes the value that version used (no prior warm-up, no early stopping, a constant
         * learning rate, the plain ELBO).
         *
         * @throws DataException naming {@code file} and the field that is missing or wrong
         */
        public TrainingConfig config(Path file) {
            try {
                return new TrainingConfig(
                        required(file, "epochs", epochs),
                        required(file, "batch_size", batchSize),
                        required(file, "learning_rate", learningRate),
                        required(file, "seed", seed),
                        trainingObjective(file),
                        priorWarmupEpochs == null ? 0 : priorWarmupEpochs,
                        patience == null ? 0 : patience,
                        LearningRateSchedule.parse(lrSchedule == null ? "constant" : lrSchedule));
            } catch (IllegalArgumentException e) {
                throw new DataException(file, "training", e.getMessage());
            }
        }

        private TrainingObjective trainingObjective(Path file) {
            try {
                double b = beta == null ? 1.0 : beta;
                KlSchedule schedule = KlSchedule.parse(klSchedule == null ? "constant" : klSchedule);
                return switch (TrainingObjective.Kind.parse(objective == null ? "elbo" : objective)) {
                    case ELBO -> new TrainingObjective.Elbo(b, schedule, freeBits == null ? 0.0 : freeBits);
                    case IWAE ->
                        new TrainingObjective.Iwae(
                                iwaeK == null ? 1 : iwaeK,
                                b,
                                schedule,
                                GradientEstimator.parse(iwaeGradient == null ? "standard" : iwaeGradient));
                };
            } catch (IllegalArgumentException e) {
                throw new DataException(file, "training", "bad recorded objective: " + e.getMessage());
            }
        }

        private static <T> T required(Path file, String field, T value) {
            if (value == null) {
                throw new DataException(
                        file, "training." + field, "missing; the run's config is incomplete or damaged");
            }
            return value;
        }
    }

    /**
     * The data a run was trained on.
     *
     * @param spec a dataset name or a file's absolute path ({@code ""} for a Spark DataFrame)
     * @param dataDir where named datasets were looked for ({@code ""}: the default)
     * @param validFraction the fraction of the training file held out for validation, if any
     * @param schemaOverrides the column-schema overrides of a tabular run, if any
     * @param source where the rows came from, when not from {@code spec} ({@code spark DataFrame})
     * @param train the training split
     * @param valid the validation split, if any
     * @param test the test split, if any
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Data(
            String spec,
            String dataDir,
            Double validFraction,
            String schemaOverrides,
            String source,
            Split train,
            Split valid,
            Split test) {

        /** Data of which nothing was recorded. */
        static final Data NONE = new Data(null, null, null, null, null, null, null, null);

        /** An unrecorded spec or data folder reads as {@code ""}, as Spark records them. */
        public Data {
            spec = spec == null ? "" : spec;
            dataDir = dataDir == null ? "" : dataDir;
        }

        /** The split named {@code name} (train, valid or test), or null when none was recorded. */
        public Split split(String name) {
            return switch (name) {
                case "train" -> train;
                case "valid" -> valid;
                case "test" -> test;
                default -> throw new IllegalArgumentException("no split named " + name);
            };
        }
    }

    /**
     * One split of the data.
     *
     * @param rows its records
     * @param features features per record
     * @param fingerprint a digest of its content, to tell changed data (null where not recorded)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Split(long rows, int features, String fingerprint) {}
}
