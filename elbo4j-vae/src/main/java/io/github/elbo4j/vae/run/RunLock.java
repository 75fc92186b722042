package io.github.elbo4j.vae.run;

import io.github.elbo4j.data.DataException;
import io.github.elbo4j.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The one-writer-per-run lock: an operating-system lock on {@code RUN/.lock}, held by a command
 * for as long as it writes into the run, and released by the OS when the process ends however it
 * ends (a SIGKILL leaves no stale lock). The file holds the holder's command and pid as text, so
 * that a second writer is refused with a message naming them; readers ({@code eval}, the
 * dashboard) take no lock, because every file they read is replaced by an atomic rename and
 * {@code metrics.jsonl} rows are appended whole lines at a time.
 *
 * <p>Whoever holds the lock is the only live writer, so temporary files of killed writers
 * ({@code .NAME.UUID.tmp}) found then are stale, and are removed on acquisition.
 */
public final class RunLock implements AutoCloseable {

    /** The lock file's name inside a run directory. */
    public static final String FILE_NAME = ".lock";

    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of the run directory {@code run} for {@code command} (what the refusal of a
     * second writer shows, e.g. {@code "train --resume"}), then removes stale temporary files.
     *
     * @throws DataException if another live process holds it: one line naming its command and pid
     */
    public static RunLock acquire(Path run, String command) {
        RunLock lock = tryAcquire(run, command);
        if (lock == null) {
            throw new DataException(
                    run, null, "in use by " + holder(run) + "; wait for it to finish (one writer per run)");
        }
        removeStaleTemporaryFiles(run);
        return lock;
    }

    /**
     * The run's lock for a command that writes {@code targets}, when one of them lies inside the
     * run directory {@code run}; null (nothing to hold) when they all lie elsewhere.
     */
    public static RunLock acquireIfInside(Path run, String command, Path... targets) {
        Path root = run.toAbsolutePath().normalize();
        for (Path target : targets) {
            if (target != null && target.toAbsolutePath().normalize().startsWith(root)) {
                return acquire(run, command);
            }
        }
        return null;
    }

    /** The lock of {@code folder}, or null when another process holds it. */
    static RunLock tryAcquire(Path folder, String command) {
        Path file = folder.resolve(FILE_NAME);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException sameProcess) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                return null;
            }
            // Written in place (never renamed): the lock belongs to this file's inode.
            channel.truncate(0);
            channel.write(
                    ByteBuffer.wrap(
                            (command + " (pid " + ProcessHandle.current().pid() + ")\n")
                                    .getBytes(StandardCharsets.UTF_8)),
                    0);
            return new RunLock(channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            if (!Files.isWritable(folder)) {
                throw new DataException(folder, null, "is read-only: cannot take the run's lock to write into it");
            }
            throw new UncheckedIOException("cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    /** Who holds the lock of {@code run}, as its lock file says (best effort: the file may be mid-write). */
    private static String holder(Path run) {
        try {
            String text = Files.readString(run.resolve(FILE_NAME), StandardCharsets.UTF_8)
                    .strip();
            return text.isEmpty() ? "another elbo4j process" : "elbo4j " + text;
        } catch (IOException e) {
            return "another elbo4j process";
        }
    }

    /** Removes the {@code .NAME.UUID.tmp} files a killed writer left in the run and its subfolders. */
    private static void removeStaleTemporaryFiles(Path run) {
        for (Path folder : List.of(run, run.resolve("checkpoints"), run.resolve("plots"))) {
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (Stream<Path> entries = Files.list(folder)) {
                for (Path p : entries.filter(
                                p -> AtomicFiles.isTemporaryName(p.getFileName().toString()))
                        .toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                // a leftover temporary file is harmless; failing to remove it is not worth a failed command
            }
        }
    }

    /**
     * Removes the staging folders ({@code .NAME.creating-UUID}) that {@code train --out} processes
     * killed while creating a run left in {@code parent}. A staging folder is locked by its creator
     * while it is assembled, so one whose lock can be taken has no live creator.
     */
    static void removeStaleStagingFolders(Path parent) {
        if (!Files.isDirectory(parent)) {
            return;
        }
        try (Stream<Path> entries = Files.list(parent)) {
            for (Path staging : entries.filter(p -> p.getFileName().toString().matches("\\..+\\.creating-[0-9a-f-]{36}")
                            && Files.isDirectory(p))
                    .toList()) {
                RunLock lock = tryAcquire(staging, "cleanup");
                if (lock != null) {
                    lock.close();
                    deleteTree(staging);
                }
            }
        } catch (IOException | UncheckedIOException | DataException e) {
            // best effort, as for temporary files
        }
    }

    static void deleteTree(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // nothing was created, or it is gone already
        }
    }

    /**
     * Empties the lock file (its text names a holder only while there is one), then releases the
     * lock. The file stays: removing it would let two writers lock two different files.
     */
    @Override
    public void close() {
        try {
            channel.truncate(0);
            lock.release();
        } catch (IOException ignored) {
            // closing the channel below releases it too
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to release
            }
        }
    }
}
