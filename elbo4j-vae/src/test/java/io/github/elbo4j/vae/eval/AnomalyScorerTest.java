package io.github.elbo4j.vae.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.train.ProgressListener;
import io.github.elbo4j.vae.train.SmallData;
import io.github.elbo4j.vae.train.Trainer;
import io.github.elbo4j.vae.train.TrainingConfig;
import io.github.elbo4j.vae.train.TrainingListener;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Anomaly scores of a VAE trained on {@code shapes}, against images it has never seen the like of. */
class AnomalyScorerTest {

    private static final Dataset TRAIN = SmallData.shapes(1000, 31);
    private static NDManager manager;
    private static VaeModel model;

    @BeforeAll
    static void trainOnShapes() {
        manager = NDManager.newBaseManager();
        model = VaeModel.initialize(
                VaeConfig.builder().inputShape(28, 28).hidden(64).latent(8).build(), manager, 5);
        new Trainer(new TrainingConfig(10, 50, 3e-3, 5), TrainingListener.NONE).train(model, TRAIN, null, null, null);
    }

    @AfterAll
    static void close() {
        model.close();
        manager.close();
    }

    /**
     * 5% of the test records (20 of 400) are anomalies: half are inverted shapes (1 − x), half are
     * shapes with 15% of their pixels flipped. The negative ELBO must rank them above the normal
     * records with AUROC ≥ 0.95 (the acceptance bar).
     */
    @Test
    void negativeElboSeparatesInjectedAnomaliesWithAurocAbove95Percent() {
        Dataset normal = SmallData.shapes(380, 32);
        Dataset source = SmallData.shapes(20, 33);
        float[] values = new float[400 * 784];
        System.arraycopy(normal.values(), 0, values, 0, 380 * 784);
        SplittableRandom random = new SplittableRandom(34);
        for (int i = 0; i < 20; i++) {
            float[] row = source.row(i);
            for (int p = 0; p < 784; p++) {
                boolean flip = i < 10 || random.nextDouble() < 0.15;
                values[(380 + i) * 784 + p] = flip ? 1 - row[p] : row[p];
            }
        }
        boolean[] anomalous = new boolean[400];
        for (int i = 380; i < 400; i++) {
            anomalous[i] = true;
        }
        Dataset test = new Dataset("shapes+anomalies", values, 400, 28, 28);
        AnomalyScorer scorer = new AnomalyScorer(new Evaluator(model, manager), 20, 1);
        AnomalyScorer.Scores scores = scorer.score(test, ProgressListener.NONE);

        assertThat(auroc(scores.anomalyScore(AnomalyScorer.Score.NEG_ELBO), anomalous))
                .isGreaterThanOrEqualTo(0.95);
        assertThat(auroc(scores.anomalyScore(AnomalyScorer.Score.NLL), anomalous))
                .isGreaterThanOrEqualTo(0.95);
        // The IWAE-K bound is at least the ELBO in expectation, so over the 380 normal records
        // the mean NLL lies below the mean negative ELBO (per record, Monte Carlo error can flip it).
        double nll = 0;
        double negElbo = 0;
        for (int i = 0; i < 380; i++) {
            nll += scores.nll()[i] / 380;
            negElbo += scores.negElbo()[i] / 380;
        }
        assertThat(nll).isLessThan(negElbo);

        AnomalyScorer.Threshold threshold =
                scorer.fit(TRAIN, AnomalyScorer.Score.NEG_ELBO, 0.99, ProgressListener.NONE);
        boolean[] flags = threshold.flag(scores);
        int flaggedAnomalies = 0;
        int flaggedNormal = 0;
        for (int i = 0; i < 400; i++) {
            if (flags[i]) {
                if (anomalous[i]) {
                    flaggedAnomalies++;
                } else {
                    flaggedNormal++;
                }
            }
        }
        assertThat(flaggedAnomalies)
                .as("anomalies above the training 99% quantile")
                .isGreaterThanOrEqualTo(18);
        // About 1% of normal records exceed the 99% quantile; 380 records: mean 3.8, sd ≈ 1.9.
        assertThat(flaggedNormal).as("normal records flagged").isLessThanOrEqualTo(12);
    }

    @Test
    void quantileInterpolatesBetweenOrderStatisticsLikeNumpy() {
        double[] values = {5, 1, 4, 2, 3};
        assertThat(AnomalyScorer.quantile(values, 0.5)).isEqualTo(3.0);
        assertThat(AnomalyScorer.quantile(values, 0.9)).isCloseTo(4.6, within(1e-12));
        assertThat(AnomalyScorer.quantile(values, 0.01)).isCloseTo(1.04, within(1e-12));
        assertThatThrownBy(() -> AnomalyScorer.quantile(values, 1.0))
                .hasMessageContaining("quantile must be between 0 and 1");
    }

    /** The area under the ROC curve: the probability that a random anomaly outscores a random normal record. */
    static double auroc(double[] score, boolean[] positive) {
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < score.length; i++) {
            if (!positive[i]) {
                continue;
            }
            for (int j = 0; j < score.length; j++) {
                if (!positive[j]) {
                    wins += score[i] > score[j] ? 1 : score[i] == score[j] ? 0.5 : 0;
                    pairs++;
                }
            }
        }
        return wins / pairs;
    }
}
