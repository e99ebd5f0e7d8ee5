package org.witrpc.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.witrpc.WitTransportException;
import org.witrpc.testkit.RecordingListener;
import org.witrpc.transport.tcp.testkit.TestPorts;

/**
 * A server without TLS refuses a non-loopback address before binding anything, unless told {@code
 * insecure=true}. No traffic: the checks only bind (and the refused server binds nothing).
 */
class TcpServerExposureTest {

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0", "::"})
  void refusesPlainTcpOnAWildcardAddressBeforeBinding(String host) throws Exception {
    int port = TestPorts.free();
    TcpServerTransport server = TcpTransport.server(host, port).build();
    try {
      assertThatThrownBy(() -> server.start(connection -> new RecordingListener()))
          .isInstanceOf(WitTransportException.class)
          .hasMessageContaining("without TLS on a non-loopback address")
          .hasMessageContaining("insecure=true");
    } finally {
      server.close();
    }
    // nothing was bound: the port is free on that address
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress(InetAddress.getByName(host), port));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "localhost"})
  void loopbackMayRunPlain(String host) {
    try (TcpServerTransport server = TcpTransport.server(host, 0).build()) {
      server.start(connection -> new RecordingListener());
      assertThat(server.port()).isPositive();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0"})
  void insecureAllowsPlainTcpOnAWildcardAddress(String host) {
    try (TcpServerTransport server = TcpTransport.server(host, 0).insecure(true).build()) {
      server.start(connection -> new RecordingListener());
      assertThat(server.address()).startsWith("tcp://0.0.0.0:").doesNotEndWith(":0");
    }
  }
}
