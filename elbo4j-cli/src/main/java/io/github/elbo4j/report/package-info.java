/** Pictures of a run: image grids (ImageIO) and, later, charts and the HTML report. */
package io.github.elbo4j.report;
