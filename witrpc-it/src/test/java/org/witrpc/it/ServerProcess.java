package org.witrpc.it;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * A {@link TestServerMain} running in a child JVM, and the URI its clients use (the one it printed
 * as ready, with any option it added).
 *
 * <p>Thread safety: immutable; the child itself is owned by a {@link ChildJvms}.
 */
record ServerProcess(ChildJvm jvm, String uri) {
  /** How long a server JVM may take to print READY on a busy 2-core machine. */
  static final Duration STARTUP = Duration.ofSeconds(60);

  /**
   * The server URI of {@code name} on {@code transport}: {@code pipe}, {@code mmf} (a 1 MiB
   * mapping, two 512 KiB rings, so large messages are fragmented), {@code tcp} (an ephemeral
   * loopback port; {@code name} is not used), {@code tls} ({@code tcp} with mutual TLS) or {@code
   * wss} (WebSocket with mutual TLS on an ephemeral loopback port). Clients use {@link #uri()} of
   * the started server, which for tcp and wss names the bound port.
   */
  static String uri(String transport, String name) {
    switch (transport) {
      case "pipe":
        return "pipe://" + name;
      case "mmf":
        return "mmf://" + name + "?size=1MiB";
      case "tcp":
        return NetworkUris.tcpServer(false);
      case "tls":
        return NetworkUris.tcpServer(true);
      case "wss":
        return NetworkUris.wssServer();
      default:
        throw new IllegalArgumentException("unknown transport '" + transport + "'");
    }
  }

  /**
   * The server URI for a server that replaces {@code previous} on {@code uri} (the URI {@code
   * previous} was started with), so that {@code previous}'s clients find it: {@code uri} itself,
   * except for tcp and wss, whose ephemeral port is replaced by the port {@code previous} was bound
   * to.
   */
  static String successorUri(String uri, ServerProcess previous) {
    return NetworkUris.isNetwork(uri) ? NetworkUris.samePort(uri, previous.uri()) : uri;
  }

  /** Starts a server for this test only and waits until it is ready. */
  static ServerProcess start(
      ChildJvms children, String name, String uri, String serializer, String... extraArgs)
      throws IOException, TimeoutException {
    return ready(
        children.start(name, List.of(), TestServerMain.class, args(uri, serializer, extraArgs)));
  }

  /** Starts a server for this test only, with JVM options, and waits until it is ready. */
  static ServerProcess start(
      ChildJvms children,
      String name,
      List<String> jvmOptions,
      String uri,
      String serializer,
      String... extraArgs)
      throws IOException, TimeoutException {
    return ready(
        children.start(name, jvmOptions, TestServerMain.class, args(uri, serializer, extraArgs)));
  }

  /** Starts a server shared by several tests and waits until it is ready. */
  static ServerProcess startShared(
      ChildJvms children,
      String name,
      List<String> jvmOptions,
      String uri,
      String serializer,
      String... extraArgs)
      throws IOException, TimeoutException {
    return ready(
        children.startShared(
            name, jvmOptions, TestServerMain.class, args(uri, serializer, extraArgs)));
  }

  private static String[] args(String uri, String serializer, String... extraArgs) {
    String[] args = new String[2 + extraArgs.length];
    args[0] = uri;
    args[1] = serializer;
    System.arraycopy(extraArgs, 0, args, 2, extraArgs.length);
    return args;
  }

  private static ServerProcess ready(ChildJvm jvm) throws IOException, TimeoutException {
    String ready = jvm.awaitLine("READY ", STARTUP);
    // the server's URI, with the options it added (maxFrameSize), is what clients use
    return new ServerProcess(jvm, ready.substring("READY ".length()));
  }
}
