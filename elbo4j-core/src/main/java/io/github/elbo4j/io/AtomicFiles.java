package io.github.elbo4j.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Writes files atomically: the bytes go to a temporary file beside the target, are forced to
 * disk, the temporary file is renamed over the target, and the folder is forced to disk so that the
 * rename itself survives a power loss. A crash leaves either the old file or the new one, never a
 * torn one; a killed process may leave its {@code .NAME.UUID.tmp} behind, which the next writer of
 * the folder can recognize ({@link #isTemporaryName}) and remove (a VAE run's lock does).
 *
 * <p>The one way elbo4j writes a file that someone may be reading: run directories, reports,
 * exports and saved VI fits.
 */
public final class AtomicFiles {

    private AtomicFiles() {}

    /** Atomically replaces {@code target} with {@code content}. */
    public static void write(Path target, byte[] content) {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = null;
        try {
            Files.createDirectories(dir);
            // A unique sibling name (not createTempFile, whose owner-only permissions would stick).
            temp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
            try (FileChannel channel =
                    FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
            forceDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the original failure is the one worth reporting
                }
            }
        }
    }

    /**
     * Forces a folder's entries (a rename into it) to disk. Where the platform cannot open a folder
     * for this (Windows), the rename is as durable as the file system makes it on its own.
     */
    public static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not supported for folders here; nothing more can be done portably
        }
    }

    /** Whether {@code name} is a temporary file this class writes: {@code .NAME.UUID.tmp}. */
    public static boolean isTemporaryName(String name) {
        return TEMPORARY_NAME.matcher(name).matches();
    }

    private static final Pattern TEMPORARY_NAME =
            Pattern.compile("\\..+\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.tmp");

    /** Atomically replaces {@code target} with UTF-8 {@code text}. */
    public static void writeString(Path target, String text) {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }
}
