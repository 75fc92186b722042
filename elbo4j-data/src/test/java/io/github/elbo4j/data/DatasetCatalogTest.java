package io.github.elbo4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetCatalogTest {

    private final DatasetCatalog catalog = DatasetCatalog.builtIn();

    @Test
    void listsTheFourBuiltInDatasets() {
        assertThat(catalog.names()).containsExactly("binarized-mnist", "mnist", "fashion-mnist", "shapes");
        assertThat(catalog.all()).allSatisfy(info -> {
            assertThat(info.description()).isNotBlank();
            assertThat(info.folder()).isEqualTo(info.name());
        });
    }

    @Test
    void binarizedMnistHasThreeImageFilesVerifiedBySha256() {
        DatasetInfo info = catalog.get("binarized-mnist");

        assertThat(info.fileNames())
                .containsExactly(
                        "train-images-idx3-ubyte.gz", "valid-images-idx3-ubyte.gz", "test-images-idx3-ubyte.gz");
        assertThat(info.files()).allSatisfy(file -> {
            assertThat(file.labels()).isFalse();
            assertThat(file.checksum().algorithm()).isEqualTo("SHA-256");
            assertThat(file.download().conversion().idxContent().hex()).hasSize(64);
            assertThat(file.download().mirrors().get(0).toString())
                    .startsWith("https://raw.githubusercontent.com/mingzhang-yin/ARM-gradient/")
                    .endsWith("binarized_mnist_" + file.split().label() + ".amat");
        });
        assertThat(info.file(Split.TRAIN, false).orElseThrow().checksum().hex())
                .isEqualTo("06a3fe5a0b0c1aee1223d27c11b3ef97b1b2141be47d9b5257214ca2afbfceb0");
        assertThat(info.downloadable()).isTrue();
    }

    @Test
    void mnistAndFashionMnistHaveTheStandardFourFilesWithPublishedMd5() {
        for (String name : List.of("mnist", "fashion-mnist")) {
            DatasetInfo info = catalog.get(name);
            assertThat(info.fileNames())
                    .containsExactly(
                            "train-images-idx3-ubyte.gz",
                            "train-labels-idx1-ubyte.gz",
                            "t10k-images-idx3-ubyte.gz",
                            "t10k-labels-idx1-ubyte.gz");
            assertThat(info.files()).allSatisfy(file -> {
                assertThat(file.checksum().algorithm()).isEqualTo("MD5");
                assertThat(file.download().checksum()).isEqualTo(file.checksum());
                assertThat(file.download().mirrors())
                        .allSatisfy(uri -> assertThat(uri.toString()).endsWith("/" + file.fileName()));
            });
            assertThat(info.file(Split.TEST, true)).isPresent();
            assertThat(info.file(Split.VALID, false)).isEmpty();
        }
        assertThat(catalog.get("mnist").files().get(0).checksum().hex()).isEqualTo("f68b3c2dcbeaaa9fbdd348bbdeb94873");
        assertThat(catalog.get("fashion-mnist").files().get(0).checksum().hex())
                .isEqualTo("8d4fb7e6c68d591d4c3dfef9ec88bf0d");
        assertThat(catalog.get("fashion-mnist").systemFolders()).containsExactly("/usr/share/datasets/fashion-mnist");
    }

    @Test
    void shapesIsProcedural() {
        assertThat(catalog.get("shapes").procedural()).isTrue();
        assertThat(catalog.get("shapes").downloadable()).isFalse();
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        assertThatThrownBy(() -> catalog.get("cifar"))
                .isInstanceOf(DataException.class)
                .hasMessage("unknown dataset 'cifar': known datasets are binarized-mnist, mnist,"
                        + " fashion-mnist, shapes");
        assertThat(catalog.find("cifar")).isEmpty();
    }

    @Test
    void checksumsAreValidatedAndNormalised() {
        assertThat(new Checksum("sha256", "AB".repeat(32))).isEqualTo(Checksum.sha256("ab".repeat(32)));
        assertThat(Checksum.md5("00".repeat(16)).matches("00".repeat(16))).isTrue();
        assertThatThrownBy(() -> Checksum.md5("abc")).hasMessage("MD5 checksum must be 32 hex digits, got 'abc'");
        assertThatThrownBy(() -> new Checksum("SHA-1", "00"))
                .hasMessage("unsupported checksum algorithm 'SHA-1'; use MD5 or SHA-256");
    }
}
