#!/usr/bin/env bash
# Runs the benchmarks against the runnable jar (built first if missing). Usage:
#   bash bench/run.sh [sync|profile|stream|store|queue|cluster|heap|balance|stats|access|import|faces|warm] [extra args]
#   bash bench/run.sh all    runs them all twice (RUNS=n to change) and writes BENCHMARKS.md and bench/results.json
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f ccs-httpd/target/ccs-httpd.jar ]; then
  mvn -q -B -DskipTests -pl ccs-httpd -am package
fi
which=${1:-sync}
shift || true
if [ "$which" = all ]; then
  # Twice, one run after the other: a 2-core machine's noise shows as the difference between them.
  runs=${RUNS:-2}
  dirs=()
  for r in $(seq 1 "$runs"); do
    dir=bench/results/run-$r
    mkdir -p "$dir"
    for b in sync profile stream queue cluster faces access import warm store balance stats heap; do
      echo "== run $r: $b" >&2
      args=()
      if [ "$b" = heap ]; then args=(--seconds 20); fi
      bash "$0" "$b" "${args[@]}" | tee "$dir/$b.txt"
    done
    dirs+=("$dir")
  done
  exec java bench/Report.java "${dirs[@]}"
fi
case "$which" in
  # The baseline spawns the fake the way the server does (VFORK on Java < 25), so the difference is ccs alone.
  sync) java -Djdk.lang.Process.launchMechanism="${LAUNCH:-VFORK}" bench/SyncBench.java "$@" ;;
  # Where a sync request's time goes, from the server's JFR phase events (dev.ccs.Phase).
  profile) java -Djdk.lang.Process.launchMechanism="${LAUNCH:-VFORK}" bench/ProfileSync.java "$@" ;;
  stream) java bench/StreamBench.java "$@" ;;
  store) java -cp ccs-httpd/target/ccs-httpd.jar bench/StoreBench.java "$@" ;;
  queue) java -Djdk.lang.Process.launchMechanism="${LAUNCH:-VFORK}" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
      -cp ccs-httpd/target/ccs-httpd.jar bench/QueueBench.java "$@" ;;
  # PostgreSQL from the tests' PgServer (embedded-postgres binaries, a test dependency of ccs-store-postgres).
  cluster)
    if ! ls ccs-store-postgres/target/ccs-store-postgres-*-tests.jar >/dev/null 2>&1; then
      mvn -q -B -DskipTests -pl ccs-store-postgres -am install
    fi
    mvn -q -B dependency:build-classpath -pl ccs-store-postgres -Dmdep.includeScope=test \
        -Dmdep.outputFile=target/bench-cluster.cp >/dev/null
    java -Djdk.lang.Process.launchMechanism="${LAUNCH:-VFORK}" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
        -cp "ccs-httpd/target/ccs-httpd.jar:$(ls ccs-store-postgres/target/ccs-store-postgres-*-tests.jar | head -n 1):$(cat ccs-store-postgres/target/bench-cluster.cp)" \
        bench/ClusterBench.java "$@" ;;
  heap) java bench/HeapBench.java "$@" ;;
  balance) java -cp ccs-httpd/target/ccs-httpd.jar bench/BalanceBench.java "$@" ;;
  stats) java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp ccs-httpd/target/ccs-httpd.jar bench/StatsBench.java "$@" ;;
  access) java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp ccs-httpd/target/ccs-httpd.jar bench/AccessBench.java "$@" ;;
  faces) java -Djdk.lang.Process.launchMechanism="${LAUNCH:-VFORK}" bench/FaceBench.java "$@" ;;
  # The generator of Node homes is in ccs-core's test jar.
  import)
    if [ ! -f ccs-cli/target/ccs-cli.jar ] || ! ls ccs-core/target/ccs-core-*-tests.jar >/dev/null 2>&1; then
      mvn -q -B -DskipTests -pl ccs-cli -am package
    fi
    java -cp "ccs-cli/target/ccs-cli.jar:$(ls ccs-core/target/ccs-core-*-tests.jar | head -n 1)" bench/ImportBench.java "$@" ;;
  # The real CLI (installed through npm on first use) and the tests' mock Messages API, from ccs-core's test jar.
  warm)
    if ! ls ccs-core/target/ccs-core-*-tests.jar >/dev/null 2>&1; then
      mvn -q -B -DskipTests -pl ccs-core package
    fi
    java -cp "ccs-httpd/target/ccs-httpd.jar:$(ls ccs-core/target/ccs-core-*-tests.jar | head -n 1)" bench/WarmBench.java "$@" ;;
  *) echo "unknown benchmark: $which (sync, profile, stream, store, queue, cluster, heap, balance, stats, access, import, faces, warm)" >&2; exit 2 ;;
esac
