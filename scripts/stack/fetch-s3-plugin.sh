#!/usr/bin/env bash
# Puts Flink's S3 filesystem plugin (org.apache.flink:flink-s3-fs-presto, Maven Central) into the
# Flink distribution's opt/, where the official image keeps it: a pod enables it with
# ENABLE_BUILT_IN_PLUGINS=flink-s3-fs-presto-<version>.jar (docs/object-storage.md). The PyPI
# distribution ships no S3 jars. Cached: a jar already there is kept.
# Usage: scripts/stack/fetch-s3-plugin.sh
set -euo pipefail
source "$(dirname "$0")/env.sh"
jar="flink-s3-fs-presto-$FLINK_VERSION.jar"
[ -d "$FLINK_HOME/opt" ] || die "no Flink distribution at $FLINK_HOME: run scripts/setup.sh first"
if [ -s "$FLINK_HOME/opt/$jar" ]; then log "$jar: cached"; exit 0; fi
log "fetching $jar from Maven Central into $FLINK_HOME/opt"
mvn -q -B dependency:copy -Dartifact="org.apache.flink:flink-s3-fs-presto:$FLINK_VERSION" \
  -DoutputDirectory="$FLINK_HOME/opt.tmp" -Dmdep.overWriteReleases=true \
  || die "could not fetch org.apache.flink:flink-s3-fs-presto:$FLINK_VERSION with mvn (is Maven Central reachable?)"
mv "$FLINK_HOME/opt.tmp/$jar" "$FLINK_HOME/opt/$jar" && rmdir "$FLINK_HOME/opt.tmp"
log "$jar ready"
