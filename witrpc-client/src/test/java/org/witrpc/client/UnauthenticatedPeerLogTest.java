package org.witrpc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.witrpc.Transports;
import org.witrpc.WitSecurityException;
import org.witrpc.internal.Handshake;
import org.witrpc.server.WitServer;
import org.witrpc.spi.Connection;
import org.witrpc.testkit.Calculator;
import org.witrpc.testkit.RecordingListener;
import org.witrpc.testkit.StderrCapture;
import org.witrpc.testkit.TestServiceImpl;

/**
 * Peers that have not authenticated cannot flood a server's log: a wrong access token, a handshake
 * left unfinished and a frame out of order before READY are each refused as before, but only the
 * first of each kind in a while is logged at INFO or WARN (saying that more go to DEBUG), not one
 * line per connection.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UnauthenticatedPeerLogTest {
  private static final int PEERS = 20;
  private static final Duration AWAIT = Duration.ofSeconds(10);

  private static WitServer server(String name, Duration handshakeTimeout) {
    return server(name, handshakeTimeout, false);
  }

  private static WitServer server(String name, Duration handshakeTimeout, boolean encryption) {
    return WitServer.builder()
        .service(Calculator.class, new TestServiceImpl())
        .transport("mem://" + name)
        .accessToken("secret")
        .encryption(encryption)
        .handshakeTimeout(handshakeTimeout)
        .build()
        .start();
  }

  @Test
  void wrongTokensAreEachRefusedAndLoggedOnce() {
    WitServer server = server("peer-log-token", Duration.ofSeconds(10));
    try (StderrCapture log = StderrCapture.start()) {
      for (int i = 0; i < PEERS; i++) {
        try (WitClient guesser =
            WitClient.builder()
                .transport("mem://peer-log-token")
                .accessToken("guess-" + i)
                .build()) {
          assertThatThrownBy(() -> guesser.connect(AWAIT))
              .isInstanceOf(WitSecurityException.class)
              .hasMessageContaining("access token refused");
        }
      }
      assertThat(lines(log.text(), " INFO ", "access token refused")).isBetween(1L, 2L);
      assertThat(lines(log.text(), " INFO ", "more like this are logged at DEBUG"))
          .isBetween(1L, 2L);
    } finally {
      server.close();
    }
  }

  /**
   * Encrypted, both sides bind the token into the keys: a wrong token shows as an AUTH frame that
   * the server cannot open, which the encryption layer logs (once, too) before the refusal.
   */
  @Test
  void wrongTokenBoundKeysAreEachRefusedAndLoggedOnce() {
    WitServer server = server("peer-log-bound", Duration.ofSeconds(10), true);
    try (StderrCapture log = StderrCapture.start()) {
      for (int i = 0; i < PEERS; i++) {
        try (WitClient guesser =
            WitClient.builder()
                .transport("mem://peer-log-bound")
                .encryption(true)
                .accessToken("guess-" + i)
                .build()) {
          assertThatThrownBy(() -> guesser.connect(AWAIT)).isInstanceOf(WitSecurityException.class);
        }
      }
      assertThat(lines(log.text(), " WARN ", "frame authentication failed")).isBetween(1L, 2L);
      assertThat(lines(log.text(), " INFO ", "access token refused")).isBetween(1L, 2L);
    } finally {
      server.close();
    }
  }

  @Test
  void handshakesLeftUnfinishedAndFramesOutOfOrderAreEachDroppedAndLoggedOnce() throws Exception {
    WitServer server = server("peer-log-silent", Duration.ofMillis(20));
    // its own server, whose handshake timeout cannot close the connection before AUTH is sent
    WitServer strict = server("peer-log-early", Duration.ofSeconds(30));
    try (StderrCapture log = StderrCapture.start()) {
      for (int i = 0; i < PEERS; i++) {
        RecordingListener silent = new RecordingListener();
        Connection c = Transports.client("mem://peer-log-silent").connect(silent, AWAIT);
        try {
          assertThat(silent.awaitClosed(AWAIT)).as("dropped at the handshake timeout").isPresent();
        } finally {
          c.close();
        }
        RecordingListener early = new RecordingListener();
        Connection e = Transports.client("mem://peer-log-early").connect(early, AWAIT);
        try {
          e.send(Handshake.auth("secret")); // AUTH before HELLO
          assertThat(early.awaitClosed(AWAIT)).as("dropped for the violation").isPresent();
        } finally {
          e.close();
        }
      }
      assertThat(lines(log.text(), " WARN ", "no complete handshake")).isBetween(1L, 2L);
      assertThat(lines(log.text(), " WARN ", "protocol violation")).isBetween(1L, 2L);
    } finally {
      server.close();
      strict.close();
    }
  }

  private static long lines(String log, String level, String part) {
    return log.lines().filter(l -> l.contains(level) && l.contains(part)).count();
  }
}
