/** The elbo4j dashboard. */
package io.github.elbo4j.web;
