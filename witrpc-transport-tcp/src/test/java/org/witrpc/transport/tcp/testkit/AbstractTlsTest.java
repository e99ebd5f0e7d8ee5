package org.witrpc.transport.tcp.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.witrpc.WitException;
import org.witrpc.WitSecurityException;
import org.witrpc.WitTransportException;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.Connection;
import org.witrpc.spi.ServerTransport;
import org.witrpc.testkit.RecordingListener;
import org.witrpc.testkit.StderrCapture;
import org.witrpc.transport.tcp.TlsOptions;

/**
 * TLS on a network transport: both sides see the peer's certificate subject under mutual TLS; a
 * wrong, expired or misnamed server certificate, a missing client certificate and a client and
 * server that disagree about TLS each fail the connect with an error that names the cause, and the
 * server goes on serving other clients.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class AbstractTlsTest {
  private static final Duration AWAIT = Duration.ofSeconds(10);

  @TempDir static Path directory;
  static TestCertificates.Authority ca;
  static TestCertificates.Authority stranger;
  static TestCertificates.Leaf server;
  static TestCertificates.Leaf client;
  static TestCertificates.Leaf expired;
  static TestCertificates.Leaf otherHost;

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final BlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();

  /** For the subclass of each transport. */
  protected AbstractTlsTest() {}

  /** An unstarted server on 127.0.0.1, port 0, with {@code tls}, or plain if null. */
  protected abstract ServerTransport newServer(TlsOptions tls);

  /** A client of the server on 127.0.0.1 and {@code port} with {@code tls}, or plain if null. */
  protected abstract ClientTransport newClient(int port, TlsOptions tls);

  /** What a plain client of a TLS server is told to do, for example {@code "tls=true"}. */
  protected abstract String plainClientAdvice();

  @BeforeAll
  static void makeCertificates() {
    TestCertificates maker = new TestCertificates(directory);
    ca = maker.authority("ca");
    stranger = maker.authority("stranger");
    server = maker.leaf(ca, "server");
    client = maker.leaf(ca, "client");
    Instant now = Instant.now();
    expired =
        maker.leaf(
            ca,
            "expired",
            now.minus(Duration.ofDays(2)),
            now.minus(Duration.ofDays(1)),
            "localhost",
            "127.0.0.1");
    otherHost =
        maker.leaf(
            ca,
            "other-host",
            now.minus(Duration.ofHours(1)),
            now.plus(Duration.ofDays(1)),
            "other.example");
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private ServerTransport startEchoServer(TlsOptions tls) {
    ServerTransport transport = newServer(tls);
    resources.add(transport);
    transport.start(
        connection -> {
          accepted.add(connection);
          return new RecordingListener(connection::send);
        });
    return transport;
  }

  private Connection connect(ServerTransport server, TlsOptions tls, RecordingListener listener) {
    Connection connection = newClient(port(server), tls).connect(listener, AWAIT);
    resources.add(connection::close);
    return connection;
  }

  private static int port(ServerTransport server) {
    return URI.create(server.address()).getPort();
  }

  private static TlsOptions trustingClient() {
    return TlsOptions.client().trust(ca.pem());
  }

  private static TlsOptions mutualServer() {
    return TlsOptions.server(server.chain(), server.key())
        .trust(ca.pem())
        .requireClientCertificate();
  }

  private void assertEchoes(ServerTransport server, TlsOptions tls) throws Exception {
    RecordingListener listener = new RecordingListener();
    Connection connection = connect(server, tls, listener);
    connection.send(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    assertThat(listener.nextFrame(AWAIT).remaining()).isEqualTo(3);
  }

  @Test
  void mutualTlsGivesEachSideThePeersCertificateSubject() throws Exception {
    ServerTransport transport = startEchoServer(mutualServer());
    RecordingListener listener = new RecordingListener();
    Connection connection =
        connect(transport, trustingClient().certificate(client.chain(), client.key()), listener);

    Connection serverSide = accepted.poll(AWAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(serverSide).isNotNull();
    assertThat(serverSide.peerPrincipal())
        .contains((Principal) client.certificate().getSubjectX500Principal());
    assertThat(connection.peerPrincipal())
        .contains((Principal) server.certificate().getSubjectX500Principal());
    connection.send(ByteBuffer.wrap(new byte[] {7}));
    assertThat(listener.nextFrame(AWAIT).get(0)).isEqualTo((byte) 7);
  }

  @Test
  void withoutClientCertificatesTheServerKnowsNoIdentity() throws Exception {
    ServerTransport transport = startEchoServer(TlsOptions.server(server.chain(), server.key()));
    connect(transport, trustingClient(), new RecordingListener());
    Connection serverSide = accepted.poll(AWAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(serverSide).isNotNull();
    assertThat(serverSide.peerPrincipal()).isEqualTo(Optional.empty());
  }

  @Test
  void refusesAServerCertificateFromAnUntrustedAuthority() throws Exception {
    ServerTransport transport = startEchoServer(TlsOptions.server(server.chain(), server.key()));
    assertThatThrownBy(
            () ->
                connect(
                    transport, TlsOptions.client().trust(stranger.pem()), new RecordingListener()))
        .isInstanceOf(WitSecurityException.class)
        .hasMessageContaining("TLS with " + transport.address())
        .hasMessageContaining("not trusted");
    assertEchoes(transport, trustingClient());
  }

  @Test
  void refusesAnExpiredServerCertificate() throws Exception {
    ServerTransport transport = startEchoServer(TlsOptions.server(expired.chain(), expired.key()));
    assertThatThrownBy(() -> connect(transport, trustingClient(), new RecordingListener()))
        .isInstanceOf(WitSecurityException.class)
        .hasMessageContaining("validity check failed");
  }

  @Test
  void refusesAServerCertificateForAnotherHostUnlessTheCheckIsOff() throws Exception {
    ServerTransport transport =
        startEchoServer(TlsOptions.server(otherHost.chain(), otherHost.key()));
    assertThatThrownBy(() -> connect(transport, trustingClient(), new RecordingListener()))
        .isInstanceOf(WitSecurityException.class)
        .hasMessageContaining("127.0.0.1")
        .hasMessageContaining("not for this host name");
    assertEchoes(transport, trustingClient().hostnameVerification(false));
  }

  @Test
  void mutualTlsRefusesAClientWithoutACertificateAndServesOthers() throws Exception {
    ServerTransport transport = startEchoServer(mutualServer());
    assertThatThrownBy(() -> connect(transport, trustingClient(), new RecordingListener()))
        .isInstanceOf(WitSecurityException.class)
        .hasMessageContaining("requires a client certificate");
    assertEchoes(transport, trustingClient().certificate(client.chain(), client.key()));
  }

  @Test
  void aPlainClientOfATlsServerIsToldToUseTls() throws Exception {
    ServerTransport transport = startEchoServer(TlsOptions.server(server.chain(), server.key()));
    assertThatThrownBy(() -> connect(transport, null, new RecordingListener()))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining(plainClientAdvice());
    assertEchoes(transport, trustingClient());
  }

  @Test
  void failedHandshakesInAFloodAreRefusedWithOneWarningOfEachKind() throws Exception {
    ServerTransport transport = startEchoServer(TlsOptions.server(server.chain(), server.key()));
    try (StderrCapture log = StderrCapture.start()) {
      for (int i = 0; i < 20; i++) {
        assertThatThrownBy(() -> connect(transport, null, new RecordingListener()))
            .isInstanceOf(WitTransportException.class);
        assertThatThrownBy(
                () ->
                    connect(
                        transport,
                        TlsOptions.client().trust(stranger.pem()),
                        new RecordingListener()))
            .isInstanceOf(WitSecurityException.class);
      }
      // a plain client's refusal is logged before its socket closes; an untrusting client's alert
      // reaches the server after the client has failed, so its warning is awaited
      assertThat(log.awaitContains("TLS handshake with", AWAIT)).isTrue();
      List<String> warnings =
          log.text()
              .lines()
              .filter(line -> line.contains(" WARN ") && line.contains(transport.address()))
              .toList();
      assertThat(warnings.stream().filter(line -> line.contains("sent no TLS")).count())
          .isBetween(1L, 2L);
      assertThat(warnings.stream().filter(line -> line.contains("TLS handshake with")).count())
          .isBetween(1L, 2L);
      assertThat(warnings).allMatch(line -> line.contains("more like this are logged at DEBUG"));
    }
    assertEchoes(transport, trustingClient());
  }

  @Test
  void aTlsClientOfAPlainServerIsToldTheServerIsPlain() throws Exception {
    ServerTransport plain = startEchoServer(null);
    assertThatThrownBy(() -> connect(plain, trustingClient(), new RecordingListener()))
        .isInstanceOf(WitException.class)
        .hasMessageContaining("127.0.0.1:" + port(plain))
        .hasMessageContaining("plain")
        .hasMessageNotContaining("null");
  }

  @Test
  void aTlsClientOfAServerThatClosesDuringTheHandshakeIsToldSoNotOfASecurityFailure()
      throws Exception {
    ServerSocket closing = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    resources.add(closing);
    Thread acceptor = new Thread(() -> readClientHellosAndClose(closing), "closing-server");
    acceptor.setDaemon(true);
    acceptor.start();

    assertThatThrownBy(
            () ->
                newClient(closing.getLocalPort(), trustingClient())
                    .connect(new RecordingListener(), AWAIT))
        .isInstanceOf(WitTransportException.class)
        .isNotInstanceOf(WitSecurityException.class)
        .hasMessageContaining("127.0.0.1:" + closing.getLocalPort())
        .hasMessageContaining("closed the connection during the TLS handshake")
        .hasMessageNotContaining("null");
  }

  /**
   * Accepts sockets on {@code server} until it closes; reads each one's first TLS record (the
   * ClientHello) and closes it, with nothing left unread, so that the client sees an orderly end.
   */
  private static void readClientHellosAndClose(ServerSocket server) {
    while (!server.isClosed()) {
      try (Socket socket = server.accept()) {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] header = new byte[5];
        in.readFully(header);
        in.readFully(new byte[((header[3] & 0xff) << 8) | (header[4] & 0xff)]);
      } catch (IOException e) {
        // the server socket closed, or the client gave up: either way, next
      }
    }
  }
}
