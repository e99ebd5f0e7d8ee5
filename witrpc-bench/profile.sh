#!/bin/sh
# Profiles one benchmark scenario with Linux perf: a BenchServer in its own JVM, a client JVM
# calling it in a loop (ProfileLoop), every thread of both sampled with call stacks; prints where
# the CPU time goes (PerfSummary). Needs perf (Debian: linux-perf) and permission to use it.
# Usage: witrpc-bench/profile.sh mmf|pipe|tcp add|echo|event|bulk-json|bulk-msgpack|connect [BYTES] [SECONDS] [encrypted] [tls] [threads=N]
set -e
cd "$(dirname "$0")/.."
./mvnw -B -q -pl witrpc-bench -am package -DskipTests
CP="$(cat witrpc-bench/target/classpath.txt):witrpc-bench/target/classes"
OUT="$(mktemp -d)"
# Frame pointers for call stacks; perf maps (/tmp/perf-PID.map) name the JIT's code at exit.
JAVA_TOOL_OPTIONS="-XX:+PreserveFramePointer -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit" \
  perf record -q -F 999 -g -o "$OUT/perf.data" -- \
  java -Xmx1g -cp "$CP" org.witrpc.bench.ProfileLoop "$@" --pids "$OUT/pids"
perf script -i "$OUT/perf.data" -F comm,pid,tid,ip,sym 2>/dev/null |
  java -cp "$CP" org.witrpc.bench.PerfSummary --pids "$OUT/pids"
rm -rf "$OUT"
