package org.witrpc.transport.websocket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.witrpc.transport.tcp.testkit.TestCertificates;

/**
 * One set of test certificates for a test class (a CA, a server certificate for localhost and
 * 127.0.0.1, a client certificate) and the {@code wss://} URIs that use them. Files go to a
 * temporary directory deleted at exit.
 */
final class WssTlsFixture {
  final TestCertificates.Authority ca;
  final TestCertificates.Leaf server;
  final TestCertificates.Leaf client;

  WssTlsFixture() {
    Path directory;
    try {
      directory = Files.createTempDirectory("witrpc-wss-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    directory.toFile().deleteOnExit();
    TestCertificates maker = new TestCertificates(directory);
    ca = maker.authority("ca");
    server = maker.leaf(ca, "server");
    client = maker.leaf(ca, "client");
    for (Path file :
        new Path[] {ca.pem(), server.chain(), server.key(), client.chain(), client.key()}) {
      file.toFile().deleteOnExit();
    }
  }

  /** A server's URI on {@code port}, requiring client certificates if {@code mutual}. */
  String serverUri(int port, boolean mutual) {
    return "wss://127.0.0.1:"
        + port
        + "/rpc?certificate="
        + server.chain()
        + "&key="
        + server.key()
        + (mutual ? "&trust=" + ca.pem() + "&clientAuth=require" : "");
  }

  /** A client's URI for {@code port}, with a client certificate if {@code mutual}. */
  String clientUri(int port, boolean mutual) {
    return "wss://127.0.0.1:"
        + port
        + "/rpc?trust="
        + ca.pem()
        + (mutual ? "&certificate=" + client.chain() + "&key=" + client.key() : "");
  }
}
