#!/usr/bin/env bash
# Builds the Flink test jobs under test/jobs with Maven (Maven Central only, cached in ~/.m2)
# and copies them to .stack/jobs/: counter-job.jar and StateMachineExample.jar (against Flink 2.3), and
# counter-job-1.20.jar (the same source against Flink 1.20, the LTS: a job jar is built against the Flink
# it runs on, and it shades the datagen connector of that version); and, not jobs of the node (a loopback
# mirror serves them to the long tests; the node links only the folder's own jars into containers),
# central/TopSpeedWindowing.jar, Maven Central's own example jar as published, and
# central/StateMachineExample-1.20.jar, Flink 1.20.0's StateMachineExample shaded with its datagen source.
# Skips the build when the poms and sources are unchanged (content hash stamped in .stack/jobs/).
#   --force   rebuild even when the stamp matches
set -euo pipefail
source "$(dirname "$0")/env.sh"
jobs_src="$root/test/jobs"
jobs_out="$STACK/jobs"
stamp="$jobs_out/.inputs-sha256"
outputs=(counter-job.jar StateMachineExample.jar counter-job-1.20.jar central/TopSpeedWindowing.jar central/StateMachineExample-1.20.jar)
# The Flink 1.20 release the 1.20 build compiles against (Maven Central); any 1.20.x runtime runs it.
FLINK_120_VERSION="1.20.5"
# flink-examples-streaming of Flink 1.20: 1.20.0 is the one release of it Maven Central serves here; its jars'
# SHA-1s as published (the state machine example, TopSpeedWindowing), in place of the pom's 2.3.0 ones.
EXAMPLES_120_VERSION="1.20.0"
EXAMPLES_120_SHA1="339adb28728e507d32dc8317143cd64f4e04b01e"
SPEED_120_SHA1="a9466bf8f379dce881d06236c752b84374abc54a"

command -v java >/dev/null || die "Java is missing: install a JDK 17 (e.g. apt-get install openjdk-17-jdk-headless) and re-run"
command -v mvn >/dev/null || die "Maven is missing: install maven (e.g. apt-get install maven) and re-run"
command -v javac >/dev/null || die "javac is missing (a JRE is not enough to build the test jobs): install openjdk-17-jdk-headless and re-run"

# Hash of every input file (path and content), in a stable order; build outputs excluded.
inputs_hash="$(cd "$jobs_src" && find . -path '*/target' -prune -o -type f \( -name pom.xml -o -path '*/src/*' \) -print \
  | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-32)"

all_present=1
for jar in "${outputs[@]}"; do [ -f "$jobs_out/$jar" ] || all_present=0; done
if [ "${1:-}" != "--force" ] && [ $all_present = 1 ] && [ "$(cat "$stamp" 2>/dev/null)" = "$inputs_hash" ]; then
  log "test jobs up to date in $jobs_out"
  exit 0
fi

log "building the Flink test jobs with Maven (first build downloads from Maven Central into ~/.m2)"
t0=$SECONDS
mkdir -p "$jobs_out"
build_log="$LOGS/build-jobs.log"
if ! (cd "$jobs_src" && mvn -q -B clean package) >"$build_log" 2>&1; then
  die "Maven build of test/jobs failed; last lines of $build_log:
$(tail -n 25 "$build_log")"
fi
# Copied under a temporary name and renamed: a running job never sees a half-written jar.
install_jar() { cp "$1" "$jobs_out/.$(basename "$2").tmp" && mv "$jobs_out/.$(basename "$2").tmp" "$jobs_out/$2"; }
install_jar "$jobs_src/counter-job/target/counter-job.jar" counter-job.jar
install_jar "$jobs_src/state-machine-example/target/StateMachineExample.jar" StateMachineExample.jar
mkdir -p "$jobs_out/central"
cp "$jobs_src/state-machine-example/target/TopSpeedWindowing.jar" "$jobs_out/central/TopSpeedWindowing.jar"
if ! (cd "$jobs_src" && mvn -q -B -pl counter-job -Dflink.version="$FLINK_120_VERSION" clean package) >>"$build_log" 2>&1; then
  die "Maven build of test/jobs/counter-job against Flink $FLINK_120_VERSION failed; last lines of $build_log:
$(tail -n 25 "$build_log")"
fi
install_jar "$jobs_src/counter-job/target/counter-job.jar" counter-job-1.20.jar
if ! (cd "$jobs_src" && mvn -q -B -pl state-machine-example -Dflink.version="$EXAMPLES_120_VERSION" \
    -Dexamples.sha1="$EXAMPLES_120_SHA1" -Dspeed.sha1="$SPEED_120_SHA1" clean package) >>"$build_log" 2>&1; then
  die "Maven build of test/jobs/state-machine-example against Flink $EXAMPLES_120_VERSION failed; last lines of $build_log:
$(tail -n 25 "$build_log")"
fi
cp "$jobs_src/state-machine-example/target/StateMachineExample.jar" "$jobs_out/central/StateMachineExample-1.20.jar"
echo "$inputs_hash" > "$stamp"
log "test jobs built in $((SECONDS - t0))s: $(printf '%s ' "${outputs[@]/#/$jobs_out/}")"
