package org.witrpc.transport.tcp.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for tests whose suites name servers by a string: each name gets a port that
 * was free when asked, and keeps it (so a server restarted on the same name gets the same port).
 */
public final class TestPorts {
  private static final int FIRST = 20_000;
  private static final int LAST = 32_000;
  private static final Map<String, Integer> PORTS = new ConcurrentHashMap<>();
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private TestPorts() {}

  /**
   * A port that is free on 127.0.0.1 now, never handed out before by this JVM. Taken at random from
   * below the kernel's ephemeral range (32768 and up on Linux), so that the ephemeral ports of
   * other connections and of servers bound to port 0 (other tests, other builds on the machine)
   * cannot take it between this check and the test's own bind.
   */
  public static int free() {
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(FIRST, LAST);
      if (HANDED_OUT.add(port) && isFree(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port between " + FIRST + " and " + LAST);
  }

  private static boolean isFree(int port) {
    try {
      new ServerSocket(port, 1, InetAddress.getLoopbackAddress()).close();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The port of {@code name}, chosen on first use. */
  public static int of(String name) {
    return PORTS.computeIfAbsent(name, n -> free());
  }
}
