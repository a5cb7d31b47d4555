#!/usr/bin/env bash
# Reliability benchmark, per store (sqlite, then etcd): kill -9 of the server under 16 writers (no
# acknowledged write may be lost, no resourceVersion may go back), 50 writers of one counter with
# resourceVersions (exact final count, 409s), 200 watchers from one resourceVersion under 5,000
# updates (gaps, duplicates, order, lag), and a watcher that never reads while 100 KiB ConfigMaps
# are written (the server's heap, when and how it ends that watch). The server runs in a child JVM
# in a temporary data dir under bench/out/ on a free port; with etcd, an etcd on disk is started
# beside it. Everything is stopped and its data deleted afterwards; all traffic stays on loopback.
# The report (Markdown) goes to stdout, progress to stderr.
#
#   bench/reliability.sh                            # both stores, a few minutes each
#   bench/reliability.sh --stores=sqlite --kills=5 --watchers=500
#
# Options (all --name=value): preset (default|smoke), stores, kill-writers, kills, kill-seconds,
# kill-objects, counter-writers, counter-increments, watchers, watch-updates, watch-rate,
# watch-objects, stall-object-bytes, stall-writes, stall-after-cutoff, server-heap, work-dir, keep.
set -euo pipefail
cd "$(dirname "$0")/.."

# Build the server and the benchmark (package: the bench module depends on j8s-junit, which embeds
# the server's jar) and write the class path; nothing is installed into the
# local Maven repository.
./mvnw -B -q -pl bench -am package -DskipTests -Dj8s.cds.skip=true dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=runtime >/dev/null

exec java -Xmx2g -Dlogback.configurationFile=bench/src/main/resources/logback.xml \
  -cp "bench/target/classes:$(cat bench/target/bench-classpath.txt)" \
  io.j8s.bench.reliability.ReliabilityBenchmark "$@"
