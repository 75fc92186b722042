/**
 * The {@code elbo4j} command line: verb-style picocli subcommands over run directories.
 *
 * <p>Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input — each failure with one
 * line naming the file, record and problem (a stack trace only with {@code --verbose}).
 */
package io.github.elbo4j.cli;
