#!/usr/bin/env bash
# Store benchmark: SQLite (fsync per commit) vs a real etcd that the benchmark starts on loopback
# and stops again. Data lives under bench/out/ and is deleted afterwards.
#
#   bench/store.sh                       # the documented run (1 and 64 writers, 10 s each, 150k x 3 KiB list)
#   bench/store.sh --backends=sqlite --writers=1,8 --seconds=5 --list-keys=0
#
# Options (all --name=value): backends, writers, warmup-seconds, seconds, value-bytes,
# list-keys, list-value-bytes, work-dir.
set -euo pipefail
cd "$(dirname "$0")/.."

# Compile the store, the test kit (EtcdProcess) and the benchmark, and write the
# benchmark's class path; nothing is installed into the local Maven repository.
./mvnw -B -q -pl bench -am package -DskipTests -Dj8s.cds.skip=true dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=runtime >/dev/null

exec java -Xmx4g -cp "bench/target/classes:$(cat bench/target/bench-classpath.txt)" \
  io.j8s.bench.store.StoreBenchmark "$@"
