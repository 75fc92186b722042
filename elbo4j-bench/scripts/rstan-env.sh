# Sourced by the scripts that run rstan, with $out set to their output folder.
# Debian's r-cran-bh ships no headers (they come from libboost-dev), but rstan looks for them in
# BH's include folder: shadow BH with a copy whose include folder is /usr/include.
if [ -z "$(Rscript -e 'cat(system.file("include", package = "BH"))')" ]; then
  rm -rf "$out/rlib" && mkdir -p "$out/rlib"
  cp -r "$(Rscript -e 'cat(find.package("BH"))')" "$out/rlib/BH"
  ln -s /usr/include "$out/rlib/BH/include"
  export R_LIBS_USER="$(cd "$out/rlib" && pwd)"
fi
