#!/bin/sh
# Builds and runs witrpc's JMH microbenchmarks (envelope codec, mmf ring, frame cipher, serializers)
# from a fresh clone with only a JDK (17+); runs them on $JAVA_HOME's java when it is set.
# Usage: witrpc-jmh/jmh.sh [JMH args]   (witrpc-jmh/jmh.sh -h lists JMH's options)
#   A short run unless the arguments say otherwise: -f 1 -wi 3 -i 5 -w 1s -r 1s, each default
#   dropped when that option is given.
#   Examples: witrpc-jmh/jmh.sh RingBuffer
#             witrpc-jmh/jmh.sh -f 3 -i 10 FrameCipher.sealAndOpen -p bodyBytes=1048576
set -e
cd "$(dirname "$0")/.."
./mvnw -B -q -pl witrpc-jmh -am package -DskipTests
defaults=""
for option in "-f 1" "-wi 3" "-i 5" "-w 1s" "-r 1s"; do
  given=no
  for arg in "$@"; do
    [ "$arg" = "${option% *}" ] && given=yes
  done
  [ $given = no ] && defaults="$defaults $option"
done
# $defaults is split into words on purpose
# shellcheck disable=SC2086
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" \
  -cp "$(cat witrpc-jmh/target/classpath.txt):witrpc-jmh/target/classes" \
  org.openjdk.jmh.Main $defaults "$@"
