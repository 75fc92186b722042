package io.github.elbo4j.bench.dl4j;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.variational.BernoulliReconstructionDistribution;
import org.deeplearning4j.nn.conf.layers.variational.VariationalAutoencoder;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Training throughput of Deeplearning4j's {@code VariationalAutoencoder} layer (Bernoulli, Adam
 * 1e-3, one sample per example; by default the standard model 784-200-200-50 tanh with batch 100),
 * with its own layer-wise pretraining loop, measured like {@code elbo4j bench}: one warm-up pass,
 * then repeats of a fixed number of steps, median samples/s.
 *
 * <p>Usage: {@code java -cp target/classes:$(cat target/classpath.txt)
 * io.github.elbo4j.bench.dl4j.Dl4jVaeBenchmark TRAIN_IDX_GZ [STEPS] [REPEATS] [HIDDEN] [LATENT]
 * [ACTIVATION] [BATCH]}, e.g. {@code ... 300 3 400 20 relu 128} for the PyTorch-example model.
 */
public final class Dl4jVaeBenchmark {

    private Dl4jVaeBenchmark() {}

    public static void main(String[] args) throws IOException {
        Path images = Path.of(args[0]);
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int[] hidden = Arrays.stream((args.length > 3 ? args[3] : "200,200").split(",")).mapToInt(Integer::parseInt).toArray();
        int latent = args.length > 4 ? Integer.parseInt(args[4]) : 50;
        Activation activation = Activation.valueOf((args.length > 5 ? args[5] : "tanh").toUpperCase(Locale.ROOT));
        int batch = args.length > 6 ? Integer.parseInt(args[6]) : 100;
        float[][] data = readIdxImages(images);

        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(42)
                .updater(new Adam(1e-3))
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new VariationalAutoencoder.Builder()
                        .activation(activation)
                        .encoderLayerSizes(hidden)
                        .decoderLayerSizes(hidden)
                        .pzxActivationFunction(Activation.IDENTITY)
                        .reconstructionDistribution(new BernoulliReconstructionDistribution(Activation.SIGMOID))
                        .numSamples(1)
                        .nIn(784)
                        .nOut(latent)
                        .build())
                .build();
        MultiLayerNetwork network = new MultiLayerNetwork(conf);
        network.init();

        List<DataSet> batches = new ArrayList<>();
        for (int start = 0; start + batch <= data.length && batches.size() < steps; start += batch) {
            INDArray features = Nd4j.create(Arrays.copyOfRange(data, start, start + batch));
            batches.add(new DataSet(features, features));
        }
        network.pretrainLayer(0, new ListDataSetIterator<>(batches, 1));
        double[] rates = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            network.pretrainLayer(0, new ListDataSetIterator<>(batches, 1));
            rates[r] = batches.size() * (double) batch / ((System.nanoTime() - t0) / 1e9);
            System.out.printf(Locale.ROOT, "dl4j repeat %d: %.0f samples/s%n", r + 1, rates[r]);
        }
        Arrays.sort(rates);
        System.out.printf(Locale.ROOT, "dl4j samples_per_s %.1f (median of %d repeats of %d steps, batch %d, threads %s)%n",
                rates[repeats / 2], repeats, batches.size(), batch, System.getenv("OMP_NUM_THREADS"));
    }

    /** Reads an IDX unsigned-byte image file (gzip), one row of pixel values per image. */
    private static float[][] readIdxImages(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new GZIPInputStream(raw))) {
            int magic = in.readInt();
            if (magic != 0x00000803) {
                throw new IOException(file + ": not an IDX image file (magic " + Integer.toHexString(magic) + ")");
            }
            int n = in.readInt();
            int size = in.readInt() * in.readInt();
            float[][] images = new float[n][size];
            byte[] row = new byte[size];
            for (int i = 0; i < n; i++) {
                in.readFully(row);
                for (int j = 0; j < size; j++) {
                    images[i][j] = row[j] & 0xFF;
                }
            }
            return images;
        }
    }
}
