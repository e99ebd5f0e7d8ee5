package org.witrpc.transport.tcp;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.witrpc.WitTransportException;
import org.witrpc.spi.ServerTransport;
import org.witrpc.testkit.RecordingListener;

/**
 * A server that cannot listen says why and what to do: an unknown host is named as such (not taken
 * for a non-loopback address that needs insecure=true), a port in use asks about another server on
 * that port, and an address of another machine is named as one. No traffic is sent: names are
 * resolved without DNS and binds fail locally.
 */
class TcpServerStartTest {

  private static void start(ServerTransport server) {
    try (server) {
      server.start(connection -> new RecordingListener());
    }
  }

  @Test
  void anUnknownHostIsNamedAndNotTakenForANonLoopbackAddress() {
    // an IPv6 literal with the scope of no interface: unknown without asking DNS
    String host = "fe80::1%nosuchif0";
    assertThatThrownBy(() -> start(TcpTransport.server(host, 0).build()))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("unknown host '" + host + "'")
        .hasMessageNotContaining("insecure=true");
    assertThatThrownBy(() -> start(TcpTransport.server(host, 0).insecure(true).build()))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("unknown host '" + host + "'")
        .hasMessageNotContaining("another server");
  }

  @Test
  void aPortInUseAsksAboutAnotherServerOnIt() {
    try (TcpServerTransport first = TcpTransport.server("127.0.0.1", 0).build()) {
      first.start(connection -> new RecordingListener());
      assertThatThrownBy(() -> start(TcpTransport.server("127.0.0.1", first.port()).build()))
          .isInstanceOf(WitTransportException.class)
          .hasMessageContaining("is another server on port " + first.port() + "?");
    }
  }

  @Test
  void anAddressOfAnotherMachineIsNamedAsOne() {
    // TEST-NET-1 (RFC 5737) is on no interface here: bind fails locally, nothing is sent
    assertThatThrownBy(() -> start(TcpTransport.server("192.0.2.1", 0).insecure(true).build()))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("is 192.0.2.1 an address of this machine?")
        .hasMessageNotContaining("another server on port 0");
  }
}
