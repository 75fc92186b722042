#!/usr/bin/env bash
# Regenerates docs/dashboard.png and docs/report.png with headless Chromium (Debian's chromium and
# chromium-driver), driven by Selenium from elbo4j-web's test DashboardScreenshots.
#
#   docs/screenshots.sh [RUN]
#
# RUN defaults to runs/shapes; it is trained with the README's first command when missing, and its
# report is written when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
run="${1:-runs/shapes}"

[ -f elbo4j-cli/target/elbo4j.jar ] || ./mvnw -q -DskipTests package
[ -f "$run/model.safetensors" ] || ./elbo4j train --out "$run"
[ -f "$run/report.html" ] || ./elbo4j report --run "$run"

./mvnw -B -q -pl elbo4j-web -am test -Dtest=DashboardScreenshots -Dsurefire.failIfNoSpecifiedTests=false \
  -Delbo4j.screenshots.run="$(cd "$run" && pwd)" -Delbo4j.screenshots.out="$(pwd)/docs"
echo "Wrote docs/dashboard.png and docs/report.png from $run"
