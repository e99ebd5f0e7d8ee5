#!/bin/sh
# Runs the witrpc demo from a fresh clone with only a JDK (17+): builds the modules it needs
# (package, never install), then starts the host, which starts the worker JVM.
# Usage: witrpc-bench/demo.sh [--transport mmf|pipe] [--serializer json|msgpack]
set -e
cd "$(dirname "$0")/.."
./mvnw -B -q -pl witrpc-bench -am package -DskipTests
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -cp "$(cat witrpc-bench/target/classpath.txt):witrpc-bench/target/classes" \
  org.witrpc.bench.Demo "$@"
