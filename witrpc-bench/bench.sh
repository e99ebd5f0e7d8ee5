#!/bin/sh
# Runs the witrpc benchmark (servers in separate JVMs) from a fresh clone with only a JDK (17+).
# Usage: witrpc-bench/bench.sh [--quick|--full] [--only mmf-auto,grpc,...] [--out DIR]
# Results: witrpc-bench/results/RESULTS-<timestamp>.md, .json and .png (latency chart)
# With JAVA_HOME set, builds and runs on that JDK: the harness (the client side) and every server
# JVM, e.g. JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 witrpc-bench/bench.sh --quick
set -e
cd "$(dirname "$0")/.."
./mvnw -B -q -pl witrpc-bench -am package -DskipTests
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx1g -Djava.awt.headless=true -Dorg.slf4j.simpleLogger.log.io.netty.bootstrap=error \
  -cp "$(cat witrpc-bench/target/classpath.txt):witrpc-bench/target/classes" \
  org.witrpc.bench.Bench "$@"
