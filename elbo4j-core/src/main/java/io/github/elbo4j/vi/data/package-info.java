/**
 * Reading model data: {@link io.github.elbo4j.vi.data.StanData} reads Stan's JSON data format, so
 * that a model written with elbo4j reads the same data files as its Stan program (CmdStan's data
 * files, posteriordb's {@code data.json}), with one-line errors naming the file and field.
 */
package io.github.elbo4j.vi.data;
