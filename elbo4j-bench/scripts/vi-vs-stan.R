# Gaussian VI: elbo4j against Stan's ADVI (rstan::vb), both judged against long NUTS runs.
#   Rscript vi-vs-stan.R prepare OUT   data CSVs, Stan compile times, NUTS reference, ADVI fits
#   Rscript vi-vs-stan.R compare OUT   accuracy and wall-time table from OUT/*.csv
# Called by vi-vs-stan.sh, which runs elbo4j between the two steps.
suppressPackageStartupMessages(library(rstan))
rstan_options(auto_write = FALSE)
options(mc.cores = 1)

args <- commandArgs(trailingOnly = TRUE)
step <- args[1]
out <- args[2]
here <- dirname(normalizePath(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))))
stan_dir <- file.path(here, "..", "stan")
seeds <- 1:3

long_rows <- function(model, method, seed, seconds, names, means, sds) {
  data.frame(model = model, method = method, seed = seed, seconds = seconds,
             parameter = names, mean = means, sd = sds)
}

summaries <- function(fit, pars) {
  draws <- as.matrix(fit, pars = pars)
  list(names = colnames(draws), means = colMeans(draws), sds = apply(draws, 2, sd))
}

if (step == "prepare") {
  dir.create(out, showWarnings = FALSE, recursive = TRUE)
  set.seed(20261121)
  n <- 1000
  p <- 5
  X <- matrix(rnorm(n * p), n, p)
  colnames(X) <- paste0("x", 1:p)
  y_lin <- as.vector(1 + X %*% c(0.5, -1, 0.25, 0, 1.5) + rnorm(n, 0, 0.8))
  y_log <- rbinom(n, 1, plogis(as.vector(-0.4 + X %*% c(0.8, -1.2, 0.5, 0, 2))))
  write.csv(data.frame(y = y_lin, X), file.path(out, "linear.csv"), row.names = FALSE)
  write.csv(data.frame(y = y_log, X), file.path(out, "logistic.csv"), row.names = FALSE)
  sdx <- apply(X, 2, sd)
  # The same priors as elbo4j vi's documented defaults.
  data <- list(
    linear = list(N = n, P = p, X = X, y = y_lin, intercept_loc = mean(y_lin),
                  intercept_scale = 10 * sd(y_lin), beta_scale = 2.5 * sd(y_lin) / sdx,
                  sigma_rate = 1 / sd(y_lin)),
    logistic = list(N = n, P = p, X = X, y = y_log, beta_scale = 2.5 / sdx),
    eight_schools = list(y = c(28, 8, -3, 7, -1, 1, 18, 12), sigma = c(15, 10, 16, 11, 9, 11, 10, 18)))
  files <- c(linear = "linear.stan", logistic = "logistic.stan", eight_schools = "eight_schools_nc.stan")
  pars <- list(linear = c("intercept", "beta", "sigma"), logistic = c("intercept", "beta"),
               eight_schools = c("mu", "tau", "theta_raw"))
  rows <- list()
  compile <- list()
  for (m in names(files)) {
    t <- system.time(model <- stan_model(file.path(stan_dir, files[[m]])))[["elapsed"]]
    compile[[m]] <- data.frame(model = m, compile_seconds = t)
    cat(sprintf("%s: compiled in %.1f s\n", m, t))
    t <- system.time(ref <- sampling(model, data = data[[m]], chains = 4, iter = 11000, warmup = 1000,
                                      seed = 1, refresh = 0, control = list(adapt_delta = 0.95)))[["elapsed"]]
    s <- summaries(ref, pars[[m]])
    rows[[length(rows) + 1]] <- long_rows(m, "nuts-reference", 1, t, s$names, s$means, s$sds)
    cat(sprintf("%s: NUTS reference, 40000 draws, %.1f s\n", m, t))
    for (algorithm in c("meanfield", "fullrank")) {
      for (seed in seeds) {
        t <- system.time(fit <- vb(model, data = data[[m]], algorithm = algorithm, seed = seed,
                                   output_samples = 1000, refresh = 0))[["elapsed"]]
        s <- summaries(fit, pars[[m]])
        rows[[length(rows) + 1]] <- long_rows(m, paste0("stan-", algorithm), seed, t, s$names, s$means, s$sds)
      }
    }
  }
  write.csv(do.call(rbind, rows), file.path(out, "stan.csv"), row.names = FALSE)
  write.csv(do.call(rbind, compile), file.path(out, "stan-compile.csv"), row.names = FALSE)
} else if (step == "compare") {
  all <- rbind(read.csv(file.path(out, "stan.csv")), read.csv(file.path(out, "elbo4j.csv")))
  compile <- read.csv(file.path(out, "stan-compile.csv"))
  ref <- subset(all, method == "nuts-reference")
  fits <- subset(all, method != "nuts-reference")
  merged <- merge(fits, ref[, c("model", "parameter", "mean", "sd")], by = c("model", "parameter"),
                  suffixes = c("", "_ref"))
  merged$mean_error <- abs(merged$mean - merged$mean_ref) / merged$sd_ref
  merged$log_sd_ratio <- abs(log(merged$sd / merged$sd_ref))
  per_fit <- aggregate(cbind(mean_error, log_sd_ratio, seconds) ~ model + method + seed, merged, mean)
  table <- aggregate(cbind(mean_error, log_sd_ratio, seconds) ~ model + method, per_fit, median)
  table <- table[order(table$model, table$method), ]
  cat("\nAccuracy against 40,000 NUTS draws, median over seeds", paste(seeds, collapse = ","), "\n")
  cat("mean_error = average |mean - mean_ref| / sd_ref; sd_error = average |log(sd / sd_ref)|\n\n")
  cat(sprintf("%-14s %-16s %10s %10s %9s\n", "model", "method", "mean_error", "sd_error", "seconds"))
  for (i in seq_len(nrow(table))) {
    r <- table[i, ]
    cat(sprintf("%-14s %-16s %10.3f %10.3f %9.2f\n", r$model, r$method, r$mean_error, r$log_sd_ratio, r$seconds))
  }
  cat("\nelbo4j against Stan ADVI, same family (time ratio > 1: elbo4j slower; error ratio < 1: elbo4j more accurate)\n")
  for (m in unique(table$model)) {
    for (family in c("meanfield", "fullrank")) {
      s <- table[table$model == m & table$method == paste0("stan-", family), ]
      e <- table[table$model == m & table$method == paste0("elbo4j-", family), ]
      if (nrow(s) == 1 && nrow(e) == 1) {
        cat(sprintf("%-14s %-10s time %6.2fx  mean error %5.2fx  sd error %5.2fx\n", m, family,
                    e$seconds / s$seconds, e$mean_error / s$mean_error, e$log_sd_ratio / s$log_sd_ratio))
      }
    }
  }
  cat("\nStan compile times (not in the figures above):",
      paste(sprintf("%s %.1f s", compile$model, compile$compile_seconds), collapse = ", "), "\n")
}
