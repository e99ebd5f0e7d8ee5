#!/bin/sh
# Builds and runs witrpc's JMH microbenchmarks (envelope codec, mmf ring, frame cipher, serializers)
# from a fresh clone with only a JDK (17+); runs them on $JAVA_HOME's java when it is set.
# Usage: witrpc-jmh/jmh.sh [JMH args]   (witrpc-jmh/jmh.sh -h lists JMH's options)
#   With no option (only benchmark patterns, or nothing), a short run: -f 1 -wi 3 -i 5 -w 1s -r 1s.
#   Examples: witrpc-jmh/jmh.sh RingBuffer
#             witrpc-jmh/jmh.sh -f 3 -wi 5 -i 10 FrameCipher.sealAndOpen -p bodyBytes=1048576
set -e
cd "$(dirname "$0")/.."
./mvnw -B -q -pl witrpc-jmh -am package -DskipTests
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
for arg in "$@"; do
  case "$arg" in
    -*) exec "$JAVA" -cp "$(cat witrpc-jmh/target/classpath.txt):witrpc-jmh/target/classes" \
          org.openjdk.jmh.Main "$@" ;;
  esac
done
exec "$JAVA" -cp "$(cat witrpc-jmh/target/classpath.txt):witrpc-jmh/target/classes" \
  org.openjdk.jmh.Main -f 1 -wi 3 -i 5 -w 1s -r 1s "$@"
