/**
 * Data for elbo4j: readers, named and procedural datasets, splits and batching.
 *
 * <p>Every dataset is a {@link io.github.elbo4j.data.Dataset}: a row-major {@code float[]} of
 * {@code rows} examples, each of shape {@code exampleShape} (for example {@code {28, 28}} for an
 * image or {@code {k}} for a table row), with optional integer labels and column names.
 * {@link io.github.elbo4j.data.DataSource} turns what a user types after {@code --data} into
 * {@link io.github.elbo4j.data.DatasetSplits}:
 *
 * <ul>
 *   <li>a file: IDX ({@link io.github.elbo4j.data.IdxReader}, gzip or raw), CSV with a header row
 *       ({@link io.github.elbo4j.data.CsvReader}), {@code .npy} or {@code .npz}
 *       ({@link io.github.elbo4j.data.NpyReader});
 *   <li>a folder of {@code train*}, {@code valid*} and {@code test*}/{@code t10k*} files;
 *   <li>a dataset name from the {@link io.github.elbo4j.data.DatasetCatalog}
 *       ({@code binarized-mnist}, {@code mnist}, {@code fashion-mnist}, {@code shapes}), found by
 *       the {@link io.github.elbo4j.data.DataLocator} and, when allowed, fetched with checksum
 *       verification by the {@link io.github.elbo4j.data.Downloader}.
 * </ul>
 *
 * <p>Unsigned-byte data (IDX type {@code 0x08}, NumPy {@code |u1}) is read as pixel intensities:
 * if every value is 0 or 1 the values are kept (statically binarized MNIST is stored that way),
 * otherwise they are divided by 255 into [0, 1]. Other types are read as they are.
 *
 * <p>Bad input (a malformed file, a missing dataset, a checksum mismatch) is reported as a
 * {@link io.github.elbo4j.data.DataException} whose message is one line naming the file, the
 * record and the problem, ready to show to a user. Failures of the machine (an unreadable disk, a
 * network outage) are {@link java.io.UncheckedIOException}s.
 *
 * <p>Randomness is explicit: {@link io.github.elbo4j.data.Shapes} and
 * {@link io.github.elbo4j.data.Batching} derive everything from a seed with
 * {@link java.util.SplittableRandom}, so the same seed gives the same data on every run.
 */
package io.github.elbo4j.data;
