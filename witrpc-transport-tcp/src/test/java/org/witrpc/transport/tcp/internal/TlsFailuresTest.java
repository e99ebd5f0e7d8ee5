package org.witrpc.transport.tcp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.ssl.NotSslRecordException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.witrpc.WitException;
import org.witrpc.WitSecurityException;
import org.witrpc.WitTransportException;

/**
 * The client's error for a failed TLS handshake names the cause in words, even when the cause has
 * no message: a connection the server closed is a transport failure that says so, and no error ever
 * says a bare "null".
 */
class TlsFailuresTest {

  @Test
  void aConnectionClosedDuringTheHandshakeIsATransportFailureThatSaysSo() {
    WitException failure =
        TlsFailures.clientFailure(
            "tcp://127.0.0.1:7000", new ClosedChannelException(), "a plain tcp:// server");

    assertThat(failure).isInstanceOf(WitTransportException.class);
    assertThat(failure.getMessage())
        .contains("tcp://127.0.0.1:7000")
        .contains("the server closed the connection during the TLS handshake")
        .contains("a plain tcp:// server")
        .doesNotContain("null");
    assertThat(failure.getCause()).isInstanceOf(ClosedChannelException.class);
  }

  @Test
  void aTlsFailureWithoutAMessageIsNamedByItsKind() {
    WitException failure =
        TlsFailures.clientFailure(
            "tcp://127.0.0.1:7000", new SSLHandshakeException(null), "a plain tcp:// server");

    assertThat(failure).isInstanceOf(WitSecurityException.class);
    assertThat(failure.getMessage()).contains("SSLHandshakeException").doesNotContain("null");
  }

  @Test
  void aHostNameACertificateCannotBeCheckedAgainstIsExplained() {
    WitException failure =
        TlsFailures.clientFailure(
            "tcp://my_host:7000",
            new SSLHandshakeException("Illegal given domain name: my_host"),
            "a plain tcp:// server");

    assertThat(failure).isInstanceOf(WitSecurityException.class);
    assertThat(failure.getMessage()).contains("a host name with '_'");
  }

  @Test
  void aWrappedClosedChannelIsFoundInTheChain() {
    WitException failure =
        TlsFailures.clientFailure(
            "wss://127.0.0.1:7000/rpc",
            new SSLException(null, new ClosedChannelException()),
            "a plain ws:// server");

    assertThat(failure).isInstanceOf(WitTransportException.class);
    assertThat(failure.getMessage()).contains("a plain ws:// server").doesNotContain("null");
  }

  @Test
  void aServerThatAnswersWithoutTlsIsShownByItsFirstBytesNotByAllItSent() {
    String answer =
        "HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\n\r\n" + "x".repeat(8_000);
    NotSslRecordException notTls =
        new NotSslRecordException(
            "not an SSL/TLS record: "
                + ByteBufUtil.hexDump(answer.getBytes(StandardCharsets.US_ASCII)));

    WitException failure =
        TlsFailures.clientFailure(
            "wss://127.0.0.1:7000/rpc", new SSLException(notTls), "a plain ws:// server");

    assertThat(failure).isInstanceOf(WitSecurityException.class);
    assertThat(failure.getMessage())
        .contains("not TLS, beginning \"HTTP/1.1 400 Bad Request..conten\"")
        .contains("a plain ws:// server")
        .hasSizeLessThan(200);
    assertThat(failure.getCause()).isInstanceOf(SSLException.class);
  }
}
