package io.github.elbo4j.data;

import static io.github.elbo4j.data.TestFiles.writeText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataLocatorTest {

    @TempDir
    Path root;

    private final DatasetInfo fashion = DatasetCatalog.builtIn().get("fashion-mnist");

    private void fill(Path folder) {
        for (String name : fashion.fileNames()) {
            writeText(folder, name, "x");
        }
    }

    private DataLocator locator(Path explicit, Map<String, String> env) {
        return new DataLocator(explicit, env, root.resolve("home"), root.resolve("system"));
    }

    @Test
    void searchesExplicitDirThenEnvironmentThenCacheThenSystemFolders() {
        DataLocator locator = locator(
                root.resolve("explicit"),
                Map.of("ELBO4J_DATA", root.resolve("env").toString()));

        assertThat(locator.searchFolders(fashion))
                .containsExactly(
                        root.resolve("explicit/fashion-mnist"),
                        root.resolve("explicit"),
                        root.resolve("env/fashion-mnist"),
                        root.resolve("home/.cache/elbo4j/fashion-mnist"),
                        root.resolve("system/usr/share/datasets/fashion-mnist"));
    }

    @Test
    void findsTheDatasetSubfolderOfTheExplicitDir() {
        fill(root.resolve("explicit/fashion-mnist"));
        fill(root.resolve("home/.cache/elbo4j/fashion-mnist"));

        assertThat(locator(root.resolve("explicit"), Map.of()).locate(fashion))
                .contains(root.resolve("explicit/fashion-mnist"));
    }

    @Test
    void acceptsFilesDirectlyInTheExplicitDir() {
        fill(root.resolve("flat"));

        assertThat(locator(root.resolve("flat"), Map.of()).locate(fashion)).contains(root.resolve("flat"));
    }

    @Test
    void fallsBackToEnvironmentThenCache() {
        fill(root.resolve("env/fashion-mnist"));
        fill(root.resolve("home/.cache/elbo4j/fashion-mnist"));

        assertThat(locator(
                                root.resolve("missing"),
                                Map.of("ELBO4J_DATA", root.resolve("env").toString()))
                        .locate(fashion))
                .contains(root.resolve("env/fashion-mnist"));
        assertThat(locator(null, Map.of()).locate(fashion)).contains(root.resolve("home/.cache/elbo4j/fashion-mnist"));
    }

    @Test
    void findsDebianFashionMnistFolder() {
        fill(root.resolve("system/usr/share/datasets/fashion-mnist"));

        assertThat(locator(null, Map.of()).locate(fashion))
                .contains(root.resolve("system/usr/share/datasets/fashion-mnist"));
    }

    @Test
    void acceptsUncompressedCopiesAndRejectsIncompleteFolders() {
        Path folder = root.resolve("home/.cache/elbo4j/fashion-mnist");
        writeText(folder, "train-images-idx3-ubyte", "x");
        writeText(folder, "train-labels-idx1-ubyte.gz", "x");
        writeText(folder, "t10k-images-idx3-ubyte", "x");

        assertThat(DataLocator.missingFiles(folder, fashion)).containsExactly("t10k-labels-idx1-ubyte.gz");
        assertThat(locator(null, Map.of()).locate(fashion)).isEmpty();

        writeText(folder, "t10k-labels-idx1-ubyte", "x");
        assertThat(locator(null, Map.of()).locate(fashion)).contains(folder);
        assertThat(DataLocator.findFile(folder, "t10k-labels-idx1-ubyte.gz"))
                .contains(folder.resolve("t10k-labels-idx1-ubyte"));
    }

    @Test
    void downloadsIntoTheFirstConfiguredRoot() {
        Map<String, String> env = Map.of("ELBO4J_DATA", root.resolve("env").toString());

        assertThat(locator(root.resolve("explicit"), env).downloadFolder(fashion))
                .isEqualTo(root.resolve("explicit/fashion-mnist"));
        assertThat(locator(null, env).downloadFolder(fashion)).isEqualTo(root.resolve("env/fashion-mnist"));
        assertThat(locator(null, Map.of()).downloadFolder(fashion))
                .isEqualTo(root.resolve("home/.cache/elbo4j/fashion-mnist"));
        assertThatThrownBy(() -> new DataLocator(null, Map.of("ELBO4J_DATA", " "), null).downloadFolder(fashion))
                .isInstanceOf(DataException.class)
                .hasMessage("nowhere to download fashion-mnist to: pass --data-dir or set ELBO4J_DATA");
    }

    @Test
    void defaultSystemRootIsTheFileSystemRoot() {
        DataLocator locator = new DataLocator(null, Map.of(), null);

        assertThat(locator.searchFolders(fashion)).isEqualTo(List.of(Path.of("/usr/share/datasets/fashion-mnist")));
    }
}
