# Stan's ADVI (rstan::vb, mean-field and full-rank, Stan's defaults) on every posterior of the
# posteriordb set, judged against the set's reference moments (long NUTS runs).
#   Rscript posteriordb-vs-stan.R SET OUT [SEEDS | summarize]
# SET: the posteriordb-set folder; OUT: the output folder; SEEDS: how many seeds (default 3).
# Writes OUT/stan-vb.csv (one row per fitted parameter: posterior, method, seed, seconds, pareto_k,
# status, parameter, mean, sd; a failed fit is one row with its status and no parameter) and
# OUT/stan-compile.csv (posterior, compile_seconds, status), rewritten after each posterior from the
# per-posterior files in OUT/fits and OUT/compile; "summarize" only rewrites them. Compiled models
# are cached in OUT/cache, so an interrupted run resumes where it stopped.
# Called by posteriordb-vs-stan.sh, which finds the set and Boost's headers.
suppressPackageStartupMessages({
  library(rstan)
  library(jsonlite)
})
rstan_options(auto_write = FALSE)
options(mc.cores = 1)

args <- commandArgs(trailingOnly = TRUE)
set_dir <- args[1]
out <- args[2]
summarize_only <- length(args) >= 3 && args[3] == "summarize"
seeds <- seq_len(if (length(args) >= 3 && !summarize_only) as.integer(args[3]) else 3)
for (folder in c("cache", "fits", "compile")) {
  dir.create(file.path(out, folder), showWarnings = FALSE, recursive = TRUE)
}

# posteriordb writes Stan 2.33's syntax (array[N] real y); Debian's rstan is Stan 2.21, which reads
# the older real y[N]. Rewrite the declarations, and drop generated quantities: only the
# parameters are compared, and the HMM's Viterbi block would only cost time.
old_syntax <- function(code) {
  code <- sub("\ngenerated quantities *\\{.*$", "\n", code)
  code <- gsub("array\\[\\] (real|int)", "\\1[]", code)
  gsub("array\\[([^]]+)\\] +([a-z_]+(<[^>]*>)?(\\[[^]]*\\])?) +([A-Za-z_][A-Za-z0-9_]*)", "\\2 \\5[\\1]", code)
}

# Compiles once per program text: the stanmodel and its compile time are cached under the text's
# checksum, so a rerun reports the time of the compilation it reuses.
compiled <- function(name, code) {
  cache <- file.path(out, "cache", paste0(name, "-", substr(digest_of(code), 1, 12), ".rds"))
  if (!file.exists(cache)) {
    seconds <- system.time(model <- stan_model(model_code = code, model_name = name))[["elapsed"]]
    saveRDS(list(model = model, seconds = seconds), paste0(cache, ".part"))
    file.rename(paste0(cache, ".part"), cache)
  }
  readRDS(cache)
}

digest_of <- function(text) {
  file <- tempfile()
  writeLines(text, file)
  unname(tools::md5sum(file))
}

# Writes a CSV whole or not at all.
write_atomically <- function(rows, file) {
  write.csv(rows, paste0(file, ".part"), row.names = FALSE, quote = FALSE, na = "")
  file.rename(paste0(file, ".part"), file)
}

write_summaries <- function() {
  for (kind in c("fits", "compile")) {
    files <- list.files(file.path(out, kind), pattern = "\\.csv$", full.names = TRUE)
    if (length(files) > 0) {
      write_atomically(do.call(rbind, lapply(files, read.csv)),
                       file.path(out, if (kind == "fits") "stan-vb.csv" else "stan-compile.csv"))
    }
  }
}

one_line <- function(text) gsub("[,\"\r\n]+", " ", trimws(text))

fit_rows <- function(name, model, data, reference) {
  rows <- list()
  for (algorithm in c("meanfield", "fullrank")) {
    for (seed in seeds) {
      status <- "ok"
      fit <- NULL
      seconds <- system.time(fit <- tryCatch(
        vb(model, data = data, algorithm = algorithm, seed = seed, refresh = 0),
        error = function(e) {
          status <<- paste("error:", one_line(conditionMessage(e)))
          NULL
        }))[["elapsed"]]
      method <- paste0("stan-", algorithm)
      if (is.null(fit) || fit@mode != 0L) {
        if (status == "ok") status <- "error: vb returned no draws"
        rows[[length(rows) + 1]] <- data.frame(posterior = name, method = method, seed = seed,
                                               seconds = seconds, pareto_k = NA, status = status,
                                               parameter = NA, mean = NA, sd = NA)
        next
      }
      draws <- as.matrix(fit)
      present <- intersect(reference$parameter, colnames(draws))
      k <- fit@sim$diagnostics$psis$pareto_k
      if (is.null(k)) k <- NA
      rows[[length(rows) + 1]] <- data.frame(
        posterior = name, method = method, seed = seed, seconds = seconds,
        pareto_k = k, status = status, parameter = present,
        mean = colMeans(draws[, present, drop = FALSE]),
        sd = apply(draws[, present, drop = FALSE], 2, sd))
      cat(sprintf("  %-15s seed %d: %6.2f s, k-hat %.2f\n", method, seed, seconds, k))
    }
  }
  do.call(rbind, rows)
}

if (summarize_only) {
  write_summaries()
  quit(save = "no")
}
for (name in sort(list.files(set_dir))) {
  folder <- file.path(set_dir, name)
  if (!file.exists(file.path(folder, "model.stan"))) next
  fits_file <- file.path(out, "fits", paste0(name, ".csv"))
  code <- old_syntax(paste(readLines(file.path(folder, "model.stan")), collapse = "\n"))
  compile_status <- "ok"
  model <- tryCatch(compiled(name, code), error = function(e) {
    compile_status <<- paste("error:", one_line(conditionMessage(e)))
    NULL
  })
  write_atomically(data.frame(posterior = name, compile_seconds = if (is.null(model)) NA else model$seconds,
                              status = compile_status), file.path(out, "compile", paste0(name, ".csv")))
  cat(sprintf("%s: compile %s%s\n", name, compile_status,
              if (is.null(model)) "" else sprintf(", %.1f s", model$seconds)))
  if (is.null(model) || file.exists(fits_file)) next
  data <- fromJSON(file.path(folder, "data.json"), simplifyVector = TRUE)
  reference <- read.csv(file.path(folder, "reference-moments.csv"))
  write_atomically(fit_rows(name, model$model, data, reference), fits_file)
  write_summaries()
}
write_summaries()
cat("wrote", file.path(out, "stan-vb.csv"), "and", file.path(out, "stan-compile.csv"), "\n")
