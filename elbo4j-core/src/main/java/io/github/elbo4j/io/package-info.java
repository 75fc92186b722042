/**
 * Writing files that others may be reading: {@link io.github.elbo4j.io.AtomicFiles} replaces a
 * file by a forced temporary file and an atomic rename, so that a reader or a crash sees the old
 * file or the new one, never a torn one. VI fits, VAE run directories, reports and exports all
 * write through it.
 */
package io.github.elbo4j.io;
