package io.github.elbo4j.web;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import javax.imageio.ImageIO;

/** A run directory as train writes it, with metrics rows appended on demand, for dashboard tests. */
final class FakeRun {

    private final Path root;
    private int epochs;

    private FakeRun(Path root) {
        this.root = root;
    }

    static FakeRun create(Path root) throws IOException {
        Files.createDirectories(root.resolve("plots"));
        Files.writeString(root.resolve("model.json"), "{\"format\":\"elbo4j-vae\",\"latent\":4,\"hidden\":[32]}\n");
        Files.writeString(
                root.resolve("config.json"),
                "{\"model\":{\"latent\":4,\"hidden\":[32],\"likelihood\":\"bernoulli\","
                        + "\"weights\":[]},\"training\":{\"epochs\":20},\"data\":{\"spec\":\"shapes\"},\"secret\":\"config\"}\n");
        BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.ORANGE);
        g.fillOval(5, 5, 20, 20);
        g.dispose();
        ImageIO.write(image, "png", root.resolve("plots/samples.png").toFile());
        return new FakeRun(root);
    }

    Path root() {
        return root;
    }

    /** Appends one epoch row, ELBO rising towards -100. */
    void appendEpoch() throws IOException {
        epochs++;
        double elbo = -100 - 50.0 / epochs;
        String row = String.format(
                java.util.Locale.ROOT,
                "{\"epoch\":%d,\"step\":%d,\"elbo\":%.4f,\"recon\":%.4f,\"kl\":%.4f,\"beta\":1.0,\"lr\":0.001,"
                        + "\"valid_elbo\":%.4f,\"seconds\":%d,\"samples_per_s\":5000.0}%n",
                epochs,
                100L * epochs,
                elbo,
                elbo - 20,
                20.0,
                elbo - 1,
                epochs);
        Files.writeString(
                root.resolve("metrics.jsonl"),
                row,
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }
}
