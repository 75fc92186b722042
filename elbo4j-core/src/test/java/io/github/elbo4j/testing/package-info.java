/** Shared helpers for the elbo4j-core tests. */
package io.github.elbo4j.testing;
