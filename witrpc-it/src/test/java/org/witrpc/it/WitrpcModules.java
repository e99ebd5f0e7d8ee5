package org.witrpc.it;

import java.io.File;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * witrpc's library modules and their runtime dependencies, picked from the test class path: what a
 * modular application puts on its module path, and nothing else (no test libraries, no test-jars).
 *
 * <p>Thread safety: stateless.
 */
final class WitrpcModules {
  /** The library modules (as jars or as {@code target/classes}). */
  static final Pattern LIBRARY =
      Pattern.compile(
          ".*/witrpc-(core|server|client|transport-mmf|transport-pipes|transport-tcp"
              + "|transport-websocket|process)(/target/classes|/target/witrpc-[a-z-]+-[0-9][^/]*\\.jar"
              + "|-[0-9][^/]*\\.jar)");

  /** Their runtime dependencies, plus an SLF4J binding. */
  static final Pattern DEPENDENCY =
      Pattern.compile(
          ".*/(jackson-(core|databind|annotations|datatype-jsr310|datatype-jdk8"
              + "|dataformat-msgpack)|msgpack-core|bcprov-jdk18on|slf4j-api|slf4j-simple"
              + "|netty-(common|buffer|resolver|transport|codec-base|codec-http|codec-compression|handler"
              + "|transport-native-unix-common|transport-classes-epoll|transport-native-epoll))"
              + "-[0-9][^/]*\\.jar");

  private WitrpcModules() {}

  /** Class path entries matching {@code pattern}; test-jars never match. */
  static List<String> onClassPath(Pattern pattern) {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(e -> e.replace(File.separatorChar, '/'))
        .filter(e -> !e.endsWith("-tests.jar") && pattern.matcher(e).matches())
        .toList();
  }

  /** The module path of a modular witrpc application, without the application itself. */
  static String modulePath() {
    List<String> entries =
        java.util.stream.Stream.concat(
                onClassPath(LIBRARY).stream(), onClassPath(DEPENDENCY).stream())
            .toList();
    return String.join(File.pathSeparator, entries);
  }
}
