package io.github.elbo4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Opt-in checks against the real benchmark data. These files are large, licensed separately and
 * never committed, so each test is skipped (not failed) where they are absent; every behaviour
 * they exercise is also covered by the generated-data tests of the readers and the data source.
 */
class ReferenceDataTest {

    /**
     * The project keeps the reference copies in {@code ../shared/data/binarized-mnist/} beside the
     * repository root; {@code $ELBO4J_DATA/binarized-mnist} works too.
     */
    private static Path binarizedMnistFolder() {
        Path moduleDir = Path.of("").toAbsolutePath();
        Stream<Path> candidates = Stream.of(
                System.getenv("ELBO4J_DATA") == null ? null : Path.of(System.getenv("ELBO4J_DATA"), "binarized-mnist"),
                moduleDir.getParent() == null
                        ? null
                        : moduleDir.getParent().resolveSibling("shared/data/binarized-mnist"));
        return candidates
                .filter(p -> p != null && Files.isRegularFile(p.resolve("train-images-idx3-ubyte.gz")))
                .findFirst()
                .orElse(null);
    }

    @Test
    void readsTheReferenceBinarizedMnistSplits() {
        Path folder = binarizedMnistFolder();
        // Skipped where the reference copies are not installed (they are never committed).
        assumeTrue(folder != null, "binarized MNIST reference files not present");

        DatasetSplits splits = DataSource.load("binarized-mnist", folder.getParent(), false);

        assertThat(splits.train().rows()).isEqualTo(50_000);
        assertThat(splits.valid().rows()).isEqualTo(10_000);
        assertThat(splits.test().rows()).isEqualTo(10_000);
        for (Dataset split : new Dataset[] {splits.train(), splits.valid(), splits.test()}) {
            assertThat(split.name()).isEqualTo("binarized-mnist");
            assertThat(split.features()).isEqualTo(784);
            assertThat(split.exampleShape()).containsExactly(28, 28);
            assertThat(split.isBinary()).isTrue();
            assertThat(split.hasLabels()).isFalse();
        }
        // About 13% of binarized MNIST pixels are on.
        double mean = 0;
        for (float v : splits.train().values()) {
            mean += v;
        }
        assertThat(mean / splits.train().values().length).isBetween(0.10, 0.16);
    }

    @Test
    void referenceBinarizedMnistFilesHaveTheCatalogChecksums() {
        Path folder = binarizedMnistFolder();
        // Skipped where the reference copies are not installed (they are never committed).
        assumeTrue(folder != null, "binarized MNIST reference files not present");

        for (DatasetFile file : DatasetCatalog.builtIn().get("binarized-mnist").files()) {
            assertThat(Downloader.checksum(folder.resolve(file.fileName()), "SHA-256"))
                    .as(file.fileName())
                    .isEqualTo(file.checksum().hex());
        }
    }

    @Test
    void readsDebianFashionMnist() {
        Path debian = Path.of("/usr/share/datasets/fashion-mnist");
        // Skipped unless Debian's dataset-fashion-mnist package is installed.
        assumeTrue(
                Files.isRegularFile(debian.resolve("train-images-idx3-ubyte.gz")),
                "Debian package dataset-fashion-mnist not installed");

        DataLocator noOtherPlace = new DataLocator(null, Map.of(), null);
        DatasetSplits splits = new DataSource(DatasetCatalog.builtIn(), noOtherPlace).open("fashion-mnist", false);

        assertThat(splits.train().rows()).isEqualTo(60_000);
        assertThat(splits.test().rows()).isEqualTo(10_000);
        assertThat(splits.valid()).isNull();
        assertThat(splits.train().min()).isZero();
        assertThat(splits.train().max()).isEqualTo(1f);
        assertThat(Arrays.stream(splits.test().labels()).distinct().sorted().toArray())
                .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }
}
