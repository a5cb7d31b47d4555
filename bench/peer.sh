#!/usr/bin/env bash
# Peer benchmark: one fabric8 workload (8 clients create 3,000 bare Pods in one namespace, list them
# in pages of 500, get and delete each; one watcher times the ADDED events) against fabric8's
# KubernetesMockServer in CRUD mode (HTTPS, in the benchmark's JVM) and against a j8s server (a child
# JVM: the shaded jar with its AppCDS archive, --store-fsync=false, no nodes), one after the other in
# one run, each fresh, with the ratios j8s/mock. The server's data dir is deleted afterwards. The
# report (Markdown) goes to stdout, progress to stderr. See docs/benchmarks.md, "Peer: fabric8's
# mock server and j8s, one fabric8 workload".
#
#   bench/peer.sh                                   # 3,000 Pods, 8 clients, one round
#   bench/peer.sh --rounds=3 --profile=true         # alternate the order; JFR of j8s's creates
#   bench/peer.sh --j8s-args=                       # the server's defaults (fsync on)
#
# Options (all --name=value): pods, clients, warmup, rounds, page-size, watch, mock-tls,
# mock-request-log, jar, jsa, j8s-args (space separated), profile, work-dir.
set -euo pipefail
cd "$(dirname "$0")/.."

# The shaded jar and its AppCDS archive (j8s-server's package phase), the benchmark's class path;
# nothing is installed into the local Maven repository.
build_log=$(mktemp)
trap 'rm -f "$build_log"' EXIT
if ! ./mvnw -B -q -pl bench -am package -DskipTests dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=runtime >"$build_log" 2>&1; then
  echo "bench/peer.sh: the build failed, nothing was measured; the end of its output:" >&2
  grep -v "^[[:space:]]*at " "$build_log" | tail -25 >&2
  exit 1
fi

echo "commit $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (modified)'), $(nproc) cores, $(java -version 2>&1 | head -1)"
exec java -Dlogback.configurationFile=bench/src/main/resources/logback.xml \
  -cp "bench/target/classes:$(cat bench/target/bench-classpath.txt)" io.j8s.bench.peer.PeerBenchmark "$@"
