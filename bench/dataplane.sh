#!/usr/bin/env bash
# Data-plane benchmark: wrk over keep-alive connections and with a new connection per request,
# against the same builtin-runtime backends reached directly, through the j8s proxy's ClusterIP,
# and through HAProxy (TCP mode, one thread). The j8s server runs in a child JVM in a temporary
# data dir under bench/out/ on a free port, with its own Service and Pod ranges; HAProxy is
# started beside it. Everything is stopped and its data deleted afterwards; all traffic stays on
# loopback. The report (Markdown) goes to stdout, progress to stderr.
#
#   bench/dataplane.sh                              # 3 rounds of 10 s per target and mode, wrk -t1 -c32
#   bench/dataplane.sh --connections=64 --seconds=20 --rounds=5
#
# Options (all --name=value): preset (default|smoke), connections, seconds, warmup-seconds,
# rounds, backends, profile, server-heap, service-cidr, cluster-cidr, work-dir, keep.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v haproxy >/dev/null || missing+=(haproxy)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} ..." >&2
  apt-get install -y "${missing[@]}" >&2
fi

# Build the server and the benchmark (package: the bench module depends on j8s-junit, which embeds
# the server's jar) and write the class path; nothing is installed into the
# local Maven repository.
./mvnw -B -q -pl bench -am package -DskipTests -Dj8s.cds.skip=true dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=runtime >/dev/null

exec java -Xmx1g -Dlogback.configurationFile=bench/src/main/resources/logback.xml \
  -cp "bench/target/classes:$(cat bench/target/bench-classpath.txt)" \
  io.j8s.bench.dataplane.DataPlaneBenchmark "$@"
