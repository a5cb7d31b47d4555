#!/usr/bin/env bash
# Control-plane benchmark: a j8s server with simulated nodes, driven through its API up to
# Kubernetes' scalability thresholds (creates, memory, lists, endpoint programming under churn,
# watch fan-out, restart). The server runs in a child JVM in a temporary data dir under bench/out/
# on a free port, with its own Service and Pod ranges; everything it started is stopped and its
# data deleted afterwards. The report (Markdown) goes to stdout, progress to stderr.
#
#   bench/controlplane.sh                          # the small preset: 1,000 Services / 15,000 Pods, a few minutes
#   bench/controlplane.sh --preset=full            # 10,000 Services / 150,000 Pods on 1,500 simulated nodes
#   bench/controlplane.sh --preset=full --store=etcd
#   bench/controlplane.sh --preset=small --workload=pods --churn-rate=0 --watchers=0
#
# Options (all --name=value): preset (small|full|smoke), store (sqlite|etcd), workload
# (deployments|pods), services, pods, namespaces, nodes, clients, memory-at, churn-rate,
# churn-seconds, watchers, watch-changes, restart, server-heap, profile, service-cidr,
# cluster-cidr-base, work-dir, keep.
set -euo pipefail
cd "$(dirname "$0")/.."

# Build the server and the benchmark (package: the bench module depends on j8s-junit, which embeds
# the server's jar) and write the class path; nothing is installed into the
# local Maven repository.
./mvnw -B -q -pl bench -am package -DskipTests -Dj8s.cds.skip=true dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=runtime >/dev/null

exec java -Xmx3g -Dlogback.configurationFile=bench/src/main/resources/logback.xml -cp "bench/target/classes:$(cat bench/target/bench-classpath.txt)" \
  io.j8s.bench.controlplane.ControlPlaneBenchmark "$@"
