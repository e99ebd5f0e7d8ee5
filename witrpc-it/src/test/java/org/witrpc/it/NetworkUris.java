package org.witrpc.it;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The network URIs of the cross-process tests, {@code tcp://} and {@code wss://}: a server binds an
 * ephemeral loopback port ({@code tcp://127.0.0.1:0}, {@code wss://127.0.0.1:0/it}), plain (tcp
 * only) or with mutual TLS, and its clients use the port it got. The certificates are made once per
 * test JVM, under {@code target/}, and child JVMs find them through the paths in the URIs.
 *
 * <p>Thread safety: safe for concurrent use; the certificates are made once, under a lock.
 */
final class NetworkUris {
  /** Options that only a server reads, left out of its clients' URIs. */
  private static final Set<String> SERVER_ONLY =
      Set.of("certificate", "key", "trust", "clientAuth", "insecure", "maxClients");

  private static ItCertificates certificates;

  private NetworkUris() {}

  /** True for the URIs of this class: {@code tcp://} and {@code wss://}. */
  static boolean isNetwork(String uri) {
    return uri.startsWith("tcp://") || uri.startsWith("wss://");
  }

  /** A {@code tcp://} server on an ephemeral loopback port; with mutual TLS if {@code tls}. */
  static String tcpServer(boolean tls) {
    return "tcp://127.0.0.1:0" + (tls ? "?" + certificates().serverOptions() : "");
  }

  /** A {@code wss://} server on an ephemeral loopback port, path {@code /it}, with mutual TLS. */
  static String wssServer() {
    return "wss://127.0.0.1:0/it?" + certificates().serverOptions();
  }

  /**
   * The URI of the clients of a server started on {@code serverUri} and bound at {@code address}
   * ({@code tcp://HOST:PORT} or {@code wss://HOST:PORT/PATH}): the bound address, the server's
   * options that concern both sides, and, if the server has a certificate, trust in its CA and the
   * client certificate made with it.
   */
  static String client(String serverUri, String address) {
    List<String> options = new ArrayList<>();
    for (String option : options(serverUri)) {
      String key = option.substring(0, option.indexOf('='));
      if (key.equals("certificate")) {
        Path directory = Path.of(option.substring(key.length() + 1)).getParent();
        options.add(new ItCertificates(directory).clientOptions());
      } else if (!SERVER_ONLY.contains(key)) {
        options.add(option);
      }
    }
    return options.isEmpty() ? address : address + "?" + String.join("&", options);
  }

  /**
   * {@code serverUri} with the port of {@code boundUri} (a server's or its clients' URI): for a
   * server that takes over the port of one that died, so that their clients find it again.
   */
  static String samePort(String serverUri, String boundUri) {
    int port = URI.create(boundUri).getPort();
    URI server = URI.create(serverUri);
    String query = serverUri.contains("?") ? serverUri.substring(serverUri.indexOf('?')) : "";
    return server.getScheme() + "://" + server.getHost() + ":" + port + server.getPath() + query;
  }

  private static List<String> options(String uri) {
    int query = uri.indexOf('?');
    return query < 0 ? List.of() : List.of(uri.substring(query + 1).split("&"));
  }

  private static synchronized ItCertificates certificates() {
    if (certificates == null) {
      certificates = ItCertificates.make(Path.of("target"), "localhost", "127.0.0.1");
    }
    return certificates;
  }
}
