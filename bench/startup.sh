#!/usr/bin/env bash
# Start-up benchmark: from launching a fresh JVM to a usable cluster, median/min/max of 10 starts,
# one at a time: `j8s server` with its defaults, `j8s server` as test clusters start it (the build's
# class data sharing archive, --store-fsync=false), and fabric8's KubernetesMockServer (CRUD mode) to
# its first list through a client, and J8sCluster.start() (j8s-junit) for a first and a second cluster
# in one test JVM. Every process is stopped and its data deleted afterwards. The
# report (Markdown) goes to stdout, progress to stderr. See docs/benchmarks.md, "Start-up".
#
#   bench/startup.sh                       # all cases, 10 runs each
#   bench/startup.sh --runs=3 --cases=server-fast,mock
#
# Options (all --name=value): runs, cases (server, server-fast, mock, junit, launcher), jar, jsa,
# work-dir.
set -euo pipefail
cd "$(dirname "$0")/.."

# The shaded jar and its AppCDS archive (j8s-server's package phase), the benchmark's class path;
# nothing is installed into the local Maven repository.
./mvnw -B -q -pl bench -am package -DskipTests dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=runtime >/dev/null

echo "commit $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (modified)'), $(nproc) cores, $(java -version 2>&1 | head -1)"
exec java -Dlogback.configurationFile=bench/src/main/resources/logback.xml \
  -cp "bench/target/classes:$(cat bench/target/bench-classpath.txt)" io.j8s.bench.startup.StartupBenchmark "$@"
