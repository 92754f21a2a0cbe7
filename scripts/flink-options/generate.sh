#!/usr/bin/env bash
# Writes src/spec/flink-option-types.ts: the value type of every Flink option flink-deploy checks (boolean,
# integer, duration, memory size, enum), read from the ConfigOptions of each Flink minor version flink-deploy
# deploys: the stack's Flink (scripts/setup.sh installs it) and the others from PyPI (`apache-flink` +
# `apache-flink-libraries`, --no-deps, as the node agent installs an image), into .stack/flink-options/.
# And src/spec/job-level-options.ts: which of the stack's Flink options a job reads from its own configuration
# (a FlinkSessionJob's), by JobLevelOptions.java.
# Run again when a version is added or the stack's Flink changes:
#   bash scripts/flink-options/generate.sh
set -euo pipefail
source "$(dirname "$0")/../stack/env.sh"
# The newest patch release of every supported minor but the stack's (1.18 is the oldest flink-deploy deploys).
# Keep every minor once read, 2.3 too when the stack moves on: workflows replaying runs started before the check by
# version read Flink 2.3's types (src/workflows/valid-input.ts, `flink-2.3`).
versions=(1.18.1 1.19.3 1.20.5 2.0.2 2.1.3 2.2.1)
out="$root/src/spec/flink-option-types.ts"
listings="$(mktemp -d)"
list() { # <version> <flink home>
  local dist
  dist="$(ls "$2"/lib/flink-dist-*.jar)"
  (cd "$(mktemp -d)" && java -cp "$2/lib/*" "$root/scripts/flink-options/ListOptions.java" "$dist") > "$listings/$1.json"
}
for version in "${versions[@]}"; do
  target="$STACK/flink-options/$version"
  if [ ! -x "$target/pyflink/bin/jobmanager.sh" ]; then
    log "installing Flink $version from PyPI into $target"
    "$VENV/bin/pip" install -q --disable-pip-version-check --no-deps --target "$target" \
      "apache-flink==$version" "apache-flink-libraries==$version"
  fi
  list "$version" "$target/pyflink"
done
list "$FLINK_VERSION" "$FLINK_HOME"
"$root/node_modules/.bin/node" --import tsx "$root/scripts/flink-options/merge.ts" "$listings"/*.json > "$out"
"$root/node_modules/.bin/prettier" --write "$out" > /dev/null
echo "$out: $(grep -c "^  '" "$out") options (Flink ${versions[*]} $FLINK_VERSION)"
job_level="$root/src/spec/job-level-options.ts"
"$root/node_modules/.bin/node" -e 'console.log(Object.keys(require(process.argv[1])).join("\n"))' \
  "$listings/$FLINK_VERSION.json" |
  (cd "$(mktemp -d)" && java -cp "$FLINK_HOME/lib/*" "$root/scripts/flink-options/JobLevelOptions.java") \
    > "$listings/job-level.txt"
"$root/node_modules/.bin/node" --import tsx "$root/scripts/flink-options/job-level.ts" "$FLINK_VERSION" \
  "$listings/job-level.txt" > "$job_level"
"$root/node_modules/.bin/prettier" --write "$job_level" > /dev/null
echo "$job_level: $(grep -c "^  '" "$job_level") options a job reads (Flink $FLINK_VERSION)"
