# Sourced by the scripts that run rstan, with $out set to their output folder.
# Debian's r-cran-bh ships no headers (they come from libboost-dev), but rstan looks for them in
# BH's include folder: shadow BH with a copy whose include folder is /usr/include.
# Made once per output folder, so that a run in progress keeps its copy.
if [ -z "$(Rscript -e 'cat(system.file("include", package = "BH"))')" ]; then
  if [ ! -e "$out/rlib/BH/include" ]; then
    rm -rf "$out/rlib" && mkdir -p "$out/rlib"
    cp -r "$(Rscript -e 'cat(find.package("BH"))')" "$out/rlib/BH"
    ln -s /usr/include "$out/rlib/BH/include"
  fi
  export R_LIBS_USER="$(cd "$out/rlib" && pwd)"
fi
