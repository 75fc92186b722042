package io.github.elbo4j.cli;

import io.github.elbo4j.data.DataException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command shares. */
public final class CommonOptions {

    @Option(names = "--json", description = "Print one machine-readable JSON object on stdout.")
    boolean json;

    @Option(names = "--verbose", description = "Print stack traces of failures.")
    boolean verbose;

    /**
     * Configures the engine. Must run before the engine is first used, because PyTorch fixes its
     * thread pools when it loads.
     */
    void configureEngine() {
        // The CPU natives ship in the jar: never reach for the network unless the user asks to
        // (a CUDA build fetches its natives once with -Dai.djl.offline=false).
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        // Each worker (see ThreadOptions) runs tensor operations with one intra-op thread: small
        // operations split poorly across cores, and workers on separate shards do not.
        setIntraOpThreads(1);
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }

    /**
     * Sets the engine's intra-op threads, which {@link #configureEngine} sets to one. Effective
     * only before the engine is first used: PyTorch gives each thread the count it had when the
     * thread first ran an operation, so changing it later would reach the evaluation workers
     * started afterwards but not the thread that trains.
     */
    static void setIntraOpThreads(int threads) {
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
    }

    /**
     * Rejects an output file that cannot be written — an existing folder, a path below a regular
     * file, or one in a folder that is not writable — or must not be, because it is one of the
     * command's inputs or a run's own file ({@link OutputGuard}), before any work is done, as bad
     * input.
     */
    static void checkOutputFile(Path file) {
        OutputGuard.check(file);
        if (Files.isDirectory(file)) {
            throw new DataException(file, null, "is a folder; give the name of a file to write");
        }
        for (Path dir = file.toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir)) {
                if (!Files.isWritable(dir)) {
                    throw new DataException(file, null, "cannot write there: the folder " + dir + " is not writable");
                }
                return;
            }
            if (Files.exists(dir)) {
                throw new DataException(file, null, "cannot write there: " + dir + " is a file, not a folder");
            }
        }
    }
}
