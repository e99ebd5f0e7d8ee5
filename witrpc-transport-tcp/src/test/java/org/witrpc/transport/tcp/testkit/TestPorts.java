package org.witrpc.transport.tcp.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Free loopback ports for tests whose suites name servers by a string: each name gets a port that
 * was free when asked, and keeps it (so a server restarted on the same name gets the same port).
 */
public final class TestPorts {
  private static final Map<String, Integer> PORTS = new ConcurrentHashMap<>();

  private TestPorts() {}

  /** A port that is free on 127.0.0.1 now. */
  public static int free() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The port of {@code name}, chosen on first use. */
  public static int of(String name) {
    return PORTS.computeIfAbsent(name, n -> free());
  }
}
