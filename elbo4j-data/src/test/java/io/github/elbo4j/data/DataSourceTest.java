package io.github.elbo4j.data;

import static io.github.elbo4j.data.TestFiles.gzip;
import static io.github.elbo4j.data.TestFiles.idxUbyte;
import static io.github.elbo4j.data.TestFiles.write;
import static io.github.elbo4j.data.TestFiles.writeText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSourceTest {

    @TempDir
    Path root;

    private DataSource source(DatasetCatalog catalog, Path explicitDir) {
        return new DataSource(
                catalog, new DataLocator(explicitDir, Map.of(), root.resolve("home"), root.resolve("system")));
    }

    private DataSource builtIn(Path explicitDir) {
        return source(DatasetCatalog.builtIn(), explicitDir);
    }

    /** Writes an MNIST-style folder: train 3 and test 2 images of 2 x 2, with labels. */
    private Path mnistLikeFolder(Path folder) {
        write(
                folder,
                "train-images-idx3-ubyte.gz",
                gzip(idxUbyte(new int[] {3, 2, 2}, 0, 255, 0, 255, 51, 51, 51, 51, 255, 0, 0, 0)));
        write(folder, "train-labels-idx1-ubyte.gz", gzip(idxUbyte(new int[] {3}, 7, 1, 4)));
        write(folder, "t10k-images-idx3-ubyte.gz", gzip(idxUbyte(new int[] {2, 2, 2}, 0, 0, 0, 0, 255, 255, 255, 255)));
        write(folder, "t10k-labels-idx1-ubyte.gz", gzip(idxUbyte(new int[] {2}, 2, 9)));
        return folder;
    }

    @Test
    void shapesNameGivesTheDefaultProceduralSplits() {
        DatasetSplits splits = builtIn(null).open("shapes", false);

        assertThat(splits.train().rows()).isEqualTo(20_000);
        assertThat(splits.valid().rows()).isEqualTo(2_000);
        assertThat(splits.test()).isEqualTo(Shapes.splits(0).test());
    }

    @Test
    void csvFileBecomesTrainingData() {
        Path file = writeText(root, "kidiq.csv", "kid_score,mom_iq\n65,121.1\n98,89.4\n");

        DatasetSplits splits = builtIn(null).open(file.toString(), false);

        assertThat(splits.train().name()).isEqualTo("kidiq");
        assertThat(splits.train().columns()).containsExactly("kid_score", "mom_iq");
        assertThat(splits.valid()).isNull();
        assertThat(splits.test()).isNull();
        assertThat(splits.evaluationSplit()).isSameAs(splits.train());
    }

    @Test
    void idxAndNpyFilesBecomeTrainingData() {
        Path idx = write(root, "digits-idx3-ubyte", idxUbyte(new int[] {2, 1, 2}, 0, 1, 1, 0));
        Path npy = write(
                root,
                "x.npy",
                TestFiles.npy(1, "<f4", false, "(3, 2)", TestFiles.littleEndian("<f4", 1, 2, 3, 4, 5, 6)));

        assertThat(DataSource.loadPath(idx).train().values()).containsExactly(0, 1, 1, 0);
        assertThat(builtIn(null).open(npy.toString(), false).train().rows()).isEqualTo(3);
    }

    @Test
    void npzWithOneArrayIsTrainingDataAndWithSplitNamedArraysIsSplit() {
        Map<String, byte[]> single = Map.of(
                "arr_0.npy", TestFiles.npy(1, "<f4", false, "(2, 2)", TestFiles.littleEndian("<f4", 1, 2, 3, 4)));
        Map<String, byte[]> split = new LinkedHashMap<>();
        split.put(
                "train.npy", TestFiles.npy(1, "<f4", false, "(3, 2)", TestFiles.littleEndian("<f4", 1, 2, 3, 4, 5, 6)));
        split.put("train_labels.npy", TestFiles.npy(1, "<i8", false, "(3,)", TestFiles.littleEndian("<i8", 0, 1, 0)));
        split.put("test.npy", TestFiles.npy(1, "<f4", false, "(1, 2)", TestFiles.littleEndian("<f4", 7, 8)));
        Path one = write(root, "one.npz", TestFiles.zip(single, true));
        Path many = write(root, "many.npz", TestFiles.zip(split, false));

        DatasetSplits a = DataSource.loadPath(one);
        DatasetSplits b = DataSource.loadPath(many);

        assertThat(a.train().name()).isEqualTo("one");
        assertThat(a.test()).isNull();
        assertThat(b.train().labels()).containsExactly(0, 1, 0);
        assertThat(b.test().values()).containsExactly(7, 8);
        assertThat(b.valid()).isNull();
    }

    @Test
    void npzWithUnnamedArraysIsRejectedListingThem() {
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        arrays.put("x.npy", TestFiles.npy(1, "<f4", false, "(1,)", new byte[4]));
        arrays.put("y.npy", TestFiles.npy(1, "<f4", false, "(1,)", new byte[4]));
        Path file = write(root, "xy.npz", TestFiles.zip(arrays, true));

        assertThatThrownBy(() -> DataSource.loadPath(file))
                .isInstanceOf(DataException.class)
                .hasMessage(file + ": holds 2 arrays (x, y): expected one array, or arrays named"
                        + " train..., valid..., test...");
        assertThatThrownBy(() -> DataSource.readFile(file))
                .hasMessage(file + ": holds 2 arrays (x, y): expected exactly one");
    }

    @Test
    void folderOfMnistStyleFilesGivesTrainAndTestWithLabels() {
        Path folder = mnistLikeFolder(root.resolve("digits"));

        DatasetSplits splits = builtIn(null).open(folder.toString(), false);

        assertThat(splits.train().name()).isEqualTo("digits");
        assertThat(splits.train().rows()).isEqualTo(3);
        assertThat(splits.train().exampleShape()).containsExactly(2, 2);
        assertThat(splits.train().labels()).containsExactly(7, 1, 4);
        assertThat(splits.train().row(1)).containsExactly(0.2f, 0.2f, 0.2f, 0.2f);
        assertThat(splits.valid()).isNull();
        assertThat(splits.test().labels()).containsExactly(2, 9);
        assertThat(splits.evaluationSplit()).isSameAs(splits.test());
    }

    @Test
    void folderOfCsvSplitsIgnoresOtherFilesAndReadsCsvLabels() {
        Path folder = root.resolve("tables");
        writeText(folder, "train.csv", "a,b\n1,2\n3,4\n");
        writeText(folder, "train_labels.csv", "label\n1\n0\n");
        writeText(folder, "valid.csv", "a,b\n5,6\n");
        writeText(folder, "test.csv", "a,b\n7,8\n");
        writeText(folder, "README.md", "notes");
        writeText(folder, ".train.csv.swp", "junk");

        DatasetSplits splits = DataSource.loadPath(folder);

        assertThat(splits.train().labels()).containsExactly(1, 0);
        assertThat(splits.valid().values()).containsExactly(5, 6);
        assertThat(splits.test().values()).containsExactly(7, 8);
        assertThat(splits.test().name()).isEqualTo("tables");
    }

    @Test
    void folderWithoutTrainingDataIsRejectedListingWhatItHolds() {
        Path folder = root.resolve("only-test");
        writeText(folder, "test.csv", "a\n1\n");
        writeText(folder, "notes.txt", "x");

        assertThatThrownBy(() -> DataSource.loadPath(folder))
                .isInstanceOf(DataException.class)
                .hasMessage(folder + ": no training data: expected a file whose name starts with 'train'"
                        + " in one of the formats .csv, .npy, .npz or IDX (.gz, *-idx3-ubyte, *-idx1-ubyte)"
                        + " (found: notes.txt, test.csv)");
    }

    @Test
    void folderWithTwoTrainingFilesIsAmbiguous() {
        Path folder = root.resolve("two");
        writeText(folder, "train.csv", "a\n1\n");
        writeText(folder, "train2.csv", "a\n2\n");

        assertThatThrownBy(() -> DataSource.loadPath(folder))
                .hasMessage(folder + ": several train files (train.csv, train2.csv): keep one per split");
    }

    @Test
    void labelsThatDoNotMatchTheImagesAreRejected() {
        Path folder = mnistLikeFolder(root.resolve("bad-labels"));
        write(folder, "t10k-labels-idx1-ubyte.gz", gzip(idxUbyte(new int[] {3}, 1, 2, 3)));

        assertThatThrownBy(() -> DataSource.loadPath(folder))
                .hasMessage(folder.resolve("t10k-labels-idx1-ubyte.gz")
                        + ": has 3 labels but t10k-images-idx3-ubyte.gz has 2 examples");
    }

    @Test
    void labelsWithoutExamplesAreRejected() {
        Path folder = root.resolve("orphan");
        writeText(folder, "train.csv", "a\n1\n");
        writeText(folder, "test-labels.csv", "y\n1\n");

        assertThatThrownBy(() -> DataSource.loadPath(folder))
                .hasMessage(folder + ": found test labels (test-labels.csv) but no test examples");
    }

    @Test
    void splitsOfDifferentShapesOrColumnsAreRejected() {
        Path shapes = root.resolve("shapes-differ");
        writeText(shapes, "train.csv", "a,b\n1,2\n");
        writeText(shapes, "test.csv", "a\n1\n");
        Path columns = root.resolve("columns-differ");
        writeText(columns, "train.csv", "a,b\n1,2\n");
        writeText(columns, "valid.csv", "a,c\n1,2\n");

        assertThatThrownBy(() -> DataSource.loadPath(shapes))
                .hasMessage(shapes + ": test examples (test.csv) have shape [1] but train examples"
                        + " (train.csv) have shape [2]");
        assertThatThrownBy(() -> DataSource.loadPath(columns))
                .hasMessage(columns + ": valid columns [a, c] differ from train columns [a, b]");
    }

    @Test
    void missingPathUnknownNameAndUnsupportedFileAreExplained() {
        Path missing = root.resolve("nope.csv");
        Path text = writeText(root, "notes.txt", "x");

        assertThatThrownBy(() -> builtIn(null).open(missing.toString(), false))
                .isInstanceOf(DataException.class)
                .hasMessage(missing + ": no such file or folder");
        assertThatThrownBy(() -> builtIn(null).open("cifar10", false))
                .hasMessage("unknown dataset 'cifar10': known datasets are binarized-mnist, mnist,"
                        + " fashion-mnist, shapes; or give the path of a file or folder");
        assertThatThrownBy(() -> builtIn(null).open(text.toString(), false))
                .hasMessage(text + ": unsupported file type: expected .csv, .npy, .npz or IDX (.gz,"
                        + " *-idx3-ubyte, *-idx1-ubyte)");
        assertThatThrownBy(() -> builtIn(null).open("  ", false))
                .hasMessageStartingWith("no data given: pass a dataset name (binarized-mnist, mnist,");
    }

    @Test
    void namedDatasetIsLoadedFromTheDataDirWithItsNameAndLabels() {
        mnistLikeFolder(root.resolve("data/mnist"));

        DatasetSplits splits = builtIn(root.resolve("data")).open("mnist", false);

        assertThat(splits.train().name()).isEqualTo("mnist");
        assertThat(splits.train().labels()).containsExactly(7, 1, 4);
        assertThat(splits.test().rows()).isEqualTo(2);
        assertThat(splits.valid()).isNull();
    }

    @Test
    void namedDatasetNotFoundListsWhereItLookedAndHowToDownload() {
        Path partial = root.resolve("data/binarized-mnist");
        write(partial, "train-images-idx3-ubyte.gz", new byte[] {1});

        assertThatThrownBy(() -> builtIn(root.resolve("data")).open("binarized-mnist", false))
                .isInstanceOf(DataException.class)
                .hasMessage("binarized-mnist not found (needs train-images-idx3-ubyte.gz,"
                        + " valid-images-idx3-ubyte.gz, test-images-idx3-ubyte.gz); looked in: "
                        + partial + " (missing valid-images-idx3-ubyte.gz, test-images-idx3-ubyte.gz), "
                        + root.resolve("data") + " (none of the files), "
                        + root.resolve("home/.cache/elbo4j/binarized-mnist") + " (does not exist)"
                        + "; pass --data-dir or set ELBO4J_DATA, or rerun with --download to fetch it into "
                        + partial);
    }

    @Test
    void fashionMnistIsFoundInTheDebianFolder() {
        mnistLikeFolder(root.resolve("system/usr/share/datasets/fashion-mnist"));

        DatasetSplits splits = builtIn(null).open("fashion-mnist", false);

        assertThat(splits.train().name()).isEqualTo("fashion-mnist");
        assertThat(splits.test().labels()).containsExactly(2, 9);
    }

    // ---- downloads, with file: URIs standing in for the web ----------------------------------

    private static DatasetInfo tinyInfo(List<DatasetFile> files) {
        return new DatasetInfo("tiny", "a tiny test dataset", "the test", "tiny", files, List.of());
    }

    private static DatasetFile plainFile(String name, Split split, boolean labels, Path... sources) {
        Checksum checksum = Checksum.md5(Downloader.checksum(sources[sources.length - 1], "MD5"));
        URI[] mirrors = Stream.of(sources).map(Path::toUri).toArray(URI[]::new);
        return new DatasetFile(name, split, labels, checksum, Download.of(checksum, mirrors));
    }

    @Test
    void downloadsAMissingNamedDatasetOnlyWhenAllowed() {
        Path web = mnistLikeFolder(root.resolve("web"));
        DatasetInfo tiny = tinyInfo(List.of(
                plainFile("train-images-idx3-ubyte.gz", Split.TRAIN, false, web.resolve("train-images-idx3-ubyte.gz")),
                plainFile("train-labels-idx1-ubyte.gz", Split.TRAIN, true, web.resolve("train-labels-idx1-ubyte.gz"))));
        DataSource source = source(new DatasetCatalog(List.of(tiny)), null);

        assertThatThrownBy(() -> source.open("tiny", false))
                .hasMessageEndingWith(
                        "or rerun with --download to fetch it into " + root.resolve("home/.cache/elbo4j/tiny"));

        DatasetSplits splits = source.open("tiny", true);

        assertThat(splits.train().labels()).containsExactly(7, 1, 4);
        assertThat(root.resolve("home/.cache/elbo4j/tiny/train-images-idx3-ubyte.gz"))
                .exists();
        assertThat(source.open("tiny", false).train()).isEqualTo(splits.train());
    }

    @Test
    void fallsBackToTheNextMirrorWhenOneIsCorrupt() {
        Path web = mnistLikeFolder(root.resolve("web"));
        Path corrupt = write(root, "corrupt/train-images-idx3-ubyte.gz", new byte[] {1, 2, 3});
        DatasetInfo tiny = tinyInfo(List.of(plainFile(
                "train-images-idx3-ubyte.gz", Split.TRAIN, false, corrupt, web.resolve("train-images-idx3-ubyte.gz"))));

        DatasetSplits splits =
                source(new DatasetCatalog(List.of(tiny)), root.resolve("dl")).open("tiny", true);

        assertThat(splits.train().rows()).isEqualTo(3);
    }

    @Test
    void failsWithEveryMirrorsProblemWhenNoneDelivers() {
        Path corrupt = write(root, "corrupt/x.gz", new byte[] {1, 2, 3});
        Checksum wanted = Checksum.md5("00".repeat(16));
        DatasetInfo tiny = tinyInfo(List.of(
                new DatasetFile("train-x.gz", Split.TRAIN, false, wanted, Download.of(wanted, corrupt.toUri()))));
        Path target = root.resolve("dl/tiny/train-x.gz");

        assertThatThrownBy(() -> source(new DatasetCatalog(List.of(tiny)), root.resolve("dl"))
                        .open("tiny", true))
                .isInstanceOf(DataException.class)
                .hasMessage("could not download train-x.gz: " + target + ": checksum mismatch for "
                        + corrupt.toUri() + ": expected MD5 " + "00".repeat(16) + ", got "
                        + Downloader.checksum(corrupt, "MD5"));
        assertThat(target).doesNotExist();
    }

    @Test
    void unreachableMirrorsAreAnIoFailure() {
        Checksum wanted = Checksum.md5("00".repeat(16));
        DatasetInfo tiny = tinyInfo(List.of(new DatasetFile(
                "train-x.gz",
                Split.TRAIN,
                false,
                wanted,
                Download.of(wanted, root.resolve("absent.gz").toUri()))));

        assertThatThrownBy(() -> source(new DatasetCatalog(List.of(tiny)), root.resolve("dl"))
                        .open("tiny", true))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageStartingWith("could not download train-x.gz: cannot download ");
    }

    @Test
    void convertsADownloadedMatlabMatrixIntoVerifiedIdxImages() throws IOException {
        // Three 2 x 2 binary images, as MATLAB stores a 3 x 4 matrix: column by column.
        int[][] images = {{0, 1, 1, 0}, {1, 1, 0, 0}, {0, 0, 0, 1}};
        byte[] columnMajor = new byte[12];
        ByteArrayOutputStream idx = new ByteArrayOutputStream();
        idx.write(new byte[] {0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2});
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                columnMajor[c * 3 + r] = (byte) images[r][c];
                idx.write(images[r][c]);
            }
        }
        Path mat = write(root, "web/binarized_mnist_train.amat", TestFiles.mat("X", 3, 4, columnMajor, true));
        Checksum matSha = Checksum.sha256(Downloader.checksum(mat, "SHA-256"));
        Download download = new Download(
                List.of(mat.toUri()),
                matSha,
                new MatlabConversion(2, 2, Checksum.sha256(TestFiles.sha256(idx.toByteArray()))));
        DatasetInfo tiny = tinyInfo(List.of(new DatasetFile(
                "train-images-idx3-ubyte.gz", Split.TRAIN, false, Checksum.sha256("00".repeat(32)), download)));

        DatasetSplits splits =
                source(new DatasetCatalog(List.of(tiny)), root.resolve("dl")).open("tiny", true);

        assertThat(splits.train().exampleShape()).containsExactly(2, 2);
        assertThat(splits.train().values()).containsExactly(0, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 1);
        try (Stream<Path> files = Files.list(root.resolve("dl/tiny"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("train-images-idx3-ubyte.gz");
        }
    }

    @Test
    void datasetThatCannotBeDownloadedSaysWhereToPutIt() {
        DatasetInfo manual = tinyInfo(
                List.of(new DatasetFile("train.csv", Split.TRAIN, false, Checksum.md5("00".repeat(16)), null)));

        assertThatThrownBy(
                        () -> source(new DatasetCatalog(List.of(manual)), null).open("tiny", true))
                .hasMessageEndingWith(
                        "; it cannot be downloaded automatically, put the files into one" + " of those folders");
    }
}
