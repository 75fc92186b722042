package io.github.elbo4j.data;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The named datasets {@code --data} understands, with their files, checksums and download
 * mirrors.
 *
 * <p>Checksum sources: MNIST and Fashion-MNIST MD5s are the published ones (torchvision's
 * {@code datasets/mnist.py}; the Fashion-MNIST README). Binarized MNIST SHA-256s are those of the
 * project's reference copies; its download is the MATLAB files of the ARM gradient-estimator code
 * (Yin and Zhou, ICLR 2019, MIT licence) pinned to a commit, converted to IDX and checked against
 * the reference content.
 */
public final class DatasetCatalog {

    /** Statically binarized MNIST, the standard VAE benchmark. */
    public static final String BINARIZED_MNIST = "binarized-mnist";
    /** MNIST handwritten digits, grey levels. */
    public static final String MNIST = "mnist";
    /** Zalando's Fashion-MNIST article images. */
    public static final String FASHION_MNIST = "fashion-mnist";
    /** The procedural {@link Shapes} dataset. */
    public static final String SHAPES = Shapes.NAME;

    private static final String ARM_COMMIT = "https://raw.githubusercontent.com/mingzhang-yin/ARM-gradient/"
            + "bac893cfcec486bbd00b755b12cf8402053b0e84/";
    private static final String[] MNIST_MIRRORS = {
        "https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"
    };
    private static final String[] FASHION_MIRRORS = {
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/"
                + "b2617bb6d3ffa2e429640350f613e3291e10b141/data/fashion/"
    };

    private static final DatasetCatalog BUILT_IN =
            new DatasetCatalog(List.of(binarizedMnist(), mnist(), fashionMnist(), shapes()));

    private final Map<String, DatasetInfo> byName = new LinkedHashMap<>();

    /**
     * A catalog of the given datasets (tests use this to point downloads at local files).
     *
     * @param datasets the entries; names must be unique
     */
    public DatasetCatalog(List<DatasetInfo> datasets) {
        for (DatasetInfo info : datasets) {
            if (byName.putIfAbsent(info.name(), info) != null) {
                throw new IllegalArgumentException("duplicate dataset name " + info.name());
            }
        }
    }

    /** The built-in datasets: binarized-mnist, mnist, fashion-mnist and shapes. */
    public static DatasetCatalog builtIn() {
        return BUILT_IN;
    }

    /** All entries, in catalog order. */
    public List<DatasetInfo> all() {
        return List.copyOf(byName.values());
    }

    /** The dataset names, in catalog order. */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /**
     * Looks a dataset up by name.
     *
     * @param name the dataset name
     * @return its entry, or empty
     */
    public Optional<DatasetInfo> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * Looks a dataset up by name.
     *
     * @param name the dataset name
     * @return its entry
     * @throws DataException listing the known names if there is no such dataset
     */
    public DatasetInfo get(String name) {
        DatasetInfo info = byName.get(name);
        if (info == null) {
            throw new DataException(
                    "unknown dataset '" + name + "': known datasets are " + String.join(", ", byName.keySet()));
        }
        return info;
    }

    private static DatasetInfo binarizedMnist() {
        List<DatasetFile> files = List.of(
                binarizedFile(
                        Split.TRAIN,
                        "06a3fe5a0b0c1aee1223d27c11b3ef97b1b2141be47d9b5257214ca2afbfceb0",
                        "79a0312c7389d855cfc97e3812de3998417c5829d8a51543b56a90a91252ae7e",
                        "0eae7dff54784fdce12433da8ed5d8549d4676c91740d78aa0b18fa99a8b96f2"),
                binarizedFile(
                        Split.VALID,
                        "ceed350d8bc449c934b268a22060b56e491d4dc1210aaa07cbf7b775305592a3",
                        "7436afc856959075c7787025bb8a4ba2b520b9230ee39667c66aa7dd2819dd68",
                        "1b017d51bf2733a6cbde62f26dd36be91c88ab4e95f8de9cdafadcb26fe9a852"),
                binarizedFile(
                        Split.TEST,
                        "bf8c1bc80bdc6320a76bd12be0c5b3c9eab1c81274c86c998dd00d9aaedebbe5",
                        "5bc30222e1e7896cbccd1e1db6b28540cc1230f4d2d5473841a5f6cc54be8d38",
                        "491785121c5ff9ffb073809cd7c755a241b9e04052f1cf2ec7c9608a9346e097"));
        return new DatasetInfo(
                BINARIZED_MNIST,
                "statically binarized MNIST: 50,000 train / 10,000 valid / 10,000 test 28x28 images,"
                        + " values 0/1, no labels (the standard VAE log-likelihood benchmark)",
                "H. Larochelle and I. Murray, The Neural Autoregressive Distribution Estimator,"
                        + " AISTATS 2011; download: github.com/mingzhang-yin/ARM-gradient (MIT)",
                BINARIZED_MNIST,
                files,
                List.of());
    }

    private static DatasetFile binarizedFile(
            Split split, String referenceSha256, String matSha256, String idxContentSha256) {
        URI mirror = URI.create(ARM_COMMIT + "binarized_mnist_" + split.label() + ".amat");
        Download download = new Download(
                List.of(mirror),
                Checksum.sha256(matSha256),
                new MatlabConversion(28, 28, Checksum.sha256(idxContentSha256)));
        return new DatasetFile(
                split.label() + "-images-idx3-ubyte.gz", split, false, Checksum.sha256(referenceSha256), download);
    }

    private static DatasetInfo mnist() {
        return new DatasetInfo(
                MNIST,
                "MNIST handwritten digits: 60,000 train / 10,000 test 28x28 grey-level images"
                        + " scaled to [0, 1], labels 0-9",
                "Y. LeCun, C. Cortes and C. J. C. Burges, http://yann.lecun.com/exdb/mnist/",
                MNIST,
                idxFiles(
                        MNIST_MIRRORS,
                        "f68b3c2dcbeaaa9fbdd348bbdeb94873",
                        "d53e105ee54ea40749a09fcbcd1e9432",
                        "9fb629c4189551a2d022fa330f9573f3",
                        "ec29112dd5afa0611ce80d1b7f02629c"),
                List.of());
    }

    private static DatasetInfo fashionMnist() {
        return new DatasetInfo(
                FASHION_MNIST,
                "Fashion-MNIST article images: 60,000 train / 10,000 test 28x28 grey-level images"
                        + " scaled to [0, 1], labels 0-9",
                "H. Xiao, K. Rasul and R. Vollgraf, Fashion-MNIST, arXiv:1708.07747 (MIT);"
                        + " Debian package dataset-fashion-mnist",
                FASHION_MNIST,
                idxFiles(
                        FASHION_MIRRORS,
                        "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
                        "25c81989df183df01b3e8a0aad5dffbe",
                        "bef4ecab320f06d8554ea6380940ec79",
                        "bb300cfdad3c16e7a12a480ee83cd310"),
                List.of("/usr/share/datasets/fashion-mnist"));
    }

    private static DatasetInfo shapes() {
        return new DatasetInfo(
                SHAPES,
                "procedural 28x28 binary images of a square, disk, triangle or cross at random position,"
                        + " scale and rotation: 20,000 train / 2,000 valid / 2,000 test, labels 0-3",
                "generated by elbo4j (io.github.elbo4j.data.Shapes), seed 0",
                SHAPES,
                List.of(),
                List.of());
    }

    private static List<DatasetFile> idxFiles(
            String[] mirrors, String trainImages, String trainLabels, String testImages, String testLabels) {
        List<DatasetFile> files = new ArrayList<>();
        files.add(idxFile("train-images-idx3-ubyte.gz", Split.TRAIN, false, trainImages, mirrors));
        files.add(idxFile("train-labels-idx1-ubyte.gz", Split.TRAIN, true, trainLabels, mirrors));
        files.add(idxFile("t10k-images-idx3-ubyte.gz", Split.TEST, false, testImages, mirrors));
        files.add(idxFile("t10k-labels-idx1-ubyte.gz", Split.TEST, true, testLabels, mirrors));
        return files;
    }

    private static DatasetFile idxFile(String name, Split split, boolean labels, String md5, String[] mirrors) {
        URI[] uris = new URI[mirrors.length];
        for (int i = 0; i < mirrors.length; i++) {
            uris[i] = URI.create(mirrors[i] + name);
        }
        Checksum checksum = Checksum.md5(md5);
        return new DatasetFile(name, split, labels, checksum, Download.of(checksum, uris));
    }
}
