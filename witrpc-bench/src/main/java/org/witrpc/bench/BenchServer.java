package org.witrpc.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.witrpc.Serializers;
import org.witrpc.server.Dispatch;
import org.witrpc.server.WitServer;

/**
 * The server side of every benchmark, in its own JVM. Modes:
 *
 * <ul>
 *   <li>{@code witrpc DISPATCH JSON_URI MSGPACK_URI [encrypted]}: two {@link WitServer}s of {@link
 *       BenchService}, one per serializer, demanding encryption if {@code encrypted} is given; the
 *       {@code READY} line carries their addresses ({@link #witrpcAddresses});
 *   <li>{@code grpc WIRE [SOCKET|CERTIFICATES_DIR]}: gRPC-java ({@link GrpcPeer}) on a Unix socket
 *       ({@code UNIX_SOCKET SOCKET}), TCP loopback ({@code TCP}) or TCP loopback with TLS ({@code
 *       TCP_TLS DIR}, the {@link BenchCertificates} in DIR); the {@code READY} line carries the
 *       socket or port;
 *   <li>{@code shm FILE}: the raw shared-memory ping-pong ({@link ShmPingPong});
 *   <li>{@code uds SOCKET}: the raw Unix-socket ping-pong ({@link SocketPingPong});
 *   <li>{@code rmi}: Java RMI ({@link RmiPeer}); the {@code READY} line carries the stub.
 * </ul>
 *
 * Prints {@code READY} when clients can connect and runs until its stdin ends.
 *
 * <p>Thread safety: a main class; not meant to be shared.
 */
public final class BenchServer {
  private BenchServer() {}

  /** See the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    switch (args.length == 0 ? "" : args[0]) {
      case "witrpc" ->
          serveWitrpc(
              Dispatch.valueOf(args[1]),
              args[2],
              args[3],
              args.length > 4 && args[4].equals("encrypted"));
      case "grpc" -> {
        GrpcPeer.Wire wire = GrpcPeer.Wire.valueOf(args[1]);
        Path path = args.length > 2 ? Path.of(args[2]) : null;
        GrpcPeer.serve(
            wire,
            path,
            wire == GrpcPeer.Wire.TCP_TLS
                ? BenchCertificates.in(Objects.requireNonNull(path))
                : null);
      }
      case "shm" -> {
        ChildMain.exitWhenStdinEnds();
        serveSharedMemory(Path.of(args[1]));
      }
      case "uds" -> {
        ChildMain.exitWhenStdinEnds();
        SocketPingPong.serve(Path.of(args[1]), () -> ChildMain.ready("uds"));
      }
      case "rmi" -> serveRmi();
      default -> {
        System.err.println("usage: BenchServer witrpc|grpc|shm|uds|rmi ...");
        System.exit(2);
      }
    }
    System.exit(0); // RMI leaves non-daemon threads behind
  }

  /** The arguments of the {@code witrpc} mode (see the class comment). */
  static List<String> witrpcArgs(
      Dispatch dispatch, String jsonUri, String msgpackUri, boolean encryption) {
    return List.of(
        "witrpc", dispatch.name(), jsonUri, msgpackUri, encryption ? "encrypted" : "plaintext");
  }

  /**
   * The JSON and the MessagePack server's addresses from what a {@code witrpc} server's {@code
   * READY} line says after {@code READY} (the real ports where the URIs asked for port 0).
   */
  static List<String> witrpcAddresses(String readyDetail) {
    String[] words = readyDetail.split(" ");
    return List.of(words[2], words[3]);
  }

  private static void serveWitrpc(
      Dispatch dispatch, String jsonUri, String msgpackUri, boolean encryption) {
    List<WitServer> servers = new ArrayList<>();
    try {
      servers.add(start(dispatch, jsonUri, "json", encryption));
      servers.add(start(dispatch, msgpackUri, "msgpack", encryption));
      ChildMain.ready(
          "witrpc " + dispatch + " " + servers.get(0).address() + " " + servers.get(1).address());
      ChildMain.awaitStdinEnd();
    } finally {
      servers.forEach(WitServer::close);
    }
  }

  private static WitServer start(
      Dispatch dispatch, String uri, String serializer, boolean encryption) {
    return WitServer.builder()
        .encryption(encryption)
        .service(BenchService.class, new BenchServiceImpl())
        .transport(uri)
        .dispatch(dispatch)
        // a loaded machine (a build beside the benchmark) can take seconds for an encrypted
        // handshake; the default 5 s would drop a client the benchmark is about to measure
        .handshakeTimeout(Duration.ofSeconds(30))
        .serializer(serializer.equals("json") ? Serializers.json() : Serializers.messagePack())
        .build()
        .start();
  }

  private static void serveSharedMemory(Path file) {
    try (ShmPingPong shm = ShmPingPong.map(file)) {
      ChildMain.ready("shm");
      shm.serve();
    }
  }

  private static void serveRmi() throws Exception {
    ChildMain.ready(RmiPeer.export());
    ChildMain.awaitStdinEnd();
  }
}
