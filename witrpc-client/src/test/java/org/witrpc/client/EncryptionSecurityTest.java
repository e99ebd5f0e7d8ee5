package org.witrpc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.witrpc.MemTransport;
import org.witrpc.Serializers;
import org.witrpc.Status;
import org.witrpc.WitException;
import org.witrpc.WitRemoteException;
import org.witrpc.WitSecurityException;
import org.witrpc.WitTransportException;
import org.witrpc.server.WitServer;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.Connection;
import org.witrpc.spi.FrameListener;
import org.witrpc.testkit.TestService;
import org.witrpc.testkit.TestServiceImpl;

/**
 * Encryption against a man in the middle: a relay between client and server records every frame and
 * may flip a bit in, replay, reorder or truncate one. Also mismatched settings and the limits.
 */
class EncryptionSecurityTest {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final String TOKEN = "tok-3f9a1c-very-secret";

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final String name = "sec" + NAMES.incrementAndGet();

  /**
   * Relays frames; {@code up} edits client-to-server frames, {@code down} server-to-client ones
   * (each returns the frames to deliver instead, possibly none or several).
   */
  static final class Relay implements ClientTransport {
    final ClientTransport inner;
    final List<byte[]> seen = new CopyOnWriteArrayList<>();
    volatile Tamper up = (i, f) -> List.of(f);
    volatile Tamper down = (i, f) -> List.of(f);

    interface Tamper {
      List<byte[]> apply(int index, byte[] frame);
    }

    Relay(ClientTransport inner) {
      this.inner = inner;
    }

    @Override
    public Connection connect(FrameListener listener, Duration timeout) {
      AtomicInteger downCount = new AtomicInteger();
      AtomicInteger upCount = new AtomicInteger();
      Connection c =
          inner.connect(
              new FrameListener() {
                @Override
                public void onFrame(ByteBuffer frame) {
                  byte[] b = bytes(frame);
                  seen.add(b);
                  for (byte[] out : down.apply(downCount.getAndIncrement(), b)) {
                    // a copy: the frame is the listener's, which opens it in place
                    listener.onFrame(ByteBuffer.wrap(out.clone()));
                  }
                }

                @Override
                public void onClosed(Throwable cause) {
                  listener.onClosed(cause);
                }
              },
              timeout);
      return new Connection() {
        @Override
        public synchronized void send(ByteBuffer... parts) {
          int total = 0;
          for (ByteBuffer p : parts) {
            total += p.remaining();
          }
          ByteBuffer all = ByteBuffer.allocate(total);
          for (ByteBuffer p : parts) {
            all.put(p);
          }
          byte[] b = all.array();
          seen.add(b);
          for (byte[] out : up.apply(upCount.getAndIncrement(), b)) {
            c.send(ByteBuffer.wrap(out));
          }
        }

        @Override
        public boolean isOpen() {
          return c.isOpen();
        }

        @Override
        public void close() {
          c.close();
        }

        @Override
        public String description() {
          return "relay:" + c.description();
        }
      };
    }

    @Override
    public String address() {
      return inner.address();
    }
  }

  static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  static byte[] flip(byte[] frame, int at) {
    byte[] b = frame.clone();
    b[at] ^= 0x10;
    return b;
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private WitServer server(UnaryOperator<WitServer.Builder> config) {
    WitServer s =
        config
            .apply(
                WitServer.builder()
                    .service(TestService.class, new TestServiceImpl())
                    .transport("mem://" + name)
                    .encryption(true)
                    .accessToken(TOKEN))
            .build();
    closeables.add(s);
    return s.start();
  }

  private WitClient client(ClientTransport transport, UnaryOperator<WitClient.Builder> config) {
    WitClient c =
        config
            .apply(
                WitClient.builder()
                    .transport(transport)
                    .encryption(true)
                    .accessToken(TOKEN)
                    .timeout(Duration.ofSeconds(5)))
            .build();
    closeables.add(c);
    return c;
  }

  private Relay relay() {
    return new Relay(MemTransport.client(name));
  }

  private WitClient connected(Relay relay) {
    return client(relay, b -> b).connect(Duration.ofSeconds(5));
  }

  private void othersStillServed() {
    WitClient other = client(MemTransport.client(name), b -> b).connect(Duration.ofSeconds(5));
    assertThat(other.service(TestService.class).echo("still here")).isEqualTo("still here");
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  @Test
  void encryptedRoundTripsWithBothSerializersAndTheTokenNeverAppearsInClear() {
    for (var serializer : List.of(Serializers.json(), Serializers.messagePack())) {
      WitServer s =
          server(b -> b.serializer(serializer).transport("mem://" + name + serializer.name()));
      Relay relay = new Relay(MemTransport.client(name + serializer.name()));
      WitClient c = client(relay, b -> b.serializer(serializer)).connect(Duration.ofSeconds(5));
      TestService svc = c.service(TestService.class);
      assertThat(svc.echo("plaintext-marker")).isEqualTo("plaintext-marker");
      assertThat(svc.echoBytes(new byte[10_000])).hasSize(10_000);
      byte[] token = TOKEN.getBytes(StandardCharsets.UTF_8);
      byte[] marker = "plaintext-marker".getBytes(StandardCharsets.UTF_8);
      assertThat(relay.seen).isNotEmpty();
      assertThat(relay.seen).noneMatch(f -> contains(f, token) || contains(f, marker));
      c.close();
      s.close();
    }
  }

  @Test
  void withoutEncryptionTheRelaySeesTheToken() {
    server(b -> b.encryption(false));
    Relay relay = relay();
    client(relay, b -> b.encryption(false)).connect(Duration.ofSeconds(5));
    byte[] token = TOKEN.getBytes(StandardCharsets.UTF_8);
    assertThat(relay.seen).anyMatch(f -> contains(f, token));
  }

  @Test
  void aFlippedBitFromTheClientClosesThatConnectionOnly() {
    server(b -> b);
    Relay relay = relay();
    WitClient c = connected(relay);
    relay.up = (i, f) -> List.of(flip(f, f.length - 3));
    assertThatThrownBy(() -> c.service(TestService.class).echo("x"))
        .isInstanceOf(WitTransportException.class);
    assertThat(c.isConnected()).isFalse();
    othersStillServed();
  }

  @Test
  void aTamperedHeaderIsDetected() {
    server(b -> b);
    Relay relay = relay();
    WitClient c = connected(relay);
    relay.down = (i, f) -> List.of(flip(f, 11)); // inside the correlation id
    assertThatThrownBy(() -> c.service(TestService.class).echo("x"))
        .isInstanceOf(WitTransportException.class)
        .hasRootCauseInstanceOf(javax.crypto.AEADBadTagException.class)
        .hasMessageContaining("frame authentication failed");
    assertThat(c.isConnected()).isFalse();
    othersStillServed();
  }

  @Test
  void aReplayedFrameIsRefused() {
    server(b -> b);
    Relay relay = relay();
    WitClient c = connected(relay);
    relay.up = (i, f) -> List.of(f, f);
    TestService svc = c.service(TestService.class);
    assertThatThrownBy(
            () -> {
              svc.echo("once");
              svc.echo("twice"); // the replay closed the connection
            })
        .isInstanceOf(WitTransportException.class);
    othersStillServed();
  }

  @Test
  void reorderedFramesAreRefused() {
    server(b -> b);
    Relay relay = relay();
    WitClient c = connected(relay);
    List<byte[]> held = new CopyOnWriteArrayList<>();
    relay.up =
        (i, f) -> {
          if (held.isEmpty()) {
            held.add(f);
            return List.of();
          }
          return List.of(f, held.get(0));
        };
    TestService svc = c.service(TestService.class);
    CompletableFuture<String> first = svc.echoAsync("first");
    assertThatThrownBy(() -> svc.echo("second")).isInstanceOf(WitTransportException.class);
    assertThat(first).failsWithin(Duration.ofSeconds(5));
    othersStillServed();
  }

  @Test
  void aTruncatedFrameIsRefused() {
    server(b -> b);
    Relay relay = relay();
    WitClient c = connected(relay);
    relay.down = (i, f) -> List.of(java.util.Arrays.copyOf(f, f.length - 1));
    assertThatThrownBy(() -> c.service(TestService.class).echo("x"))
        .isInstanceOf(WitTransportException.class)
        .hasRootCauseInstanceOf(WitSecurityException.class);
    othersStillServed();
  }

  @Test
  void aTamperedHandshakeFailsConnectWithASecurityException() {
    server(b -> b);
    Relay relay = relay();
    // change the server's public key in HELLO_ACK: both sides derive different keys
    relay.down = (i, f) -> List.of(i == 0 ? flip(f, f.length - 5) : f);
    assertThatThrownBy(() -> client(relay, b -> b).connect(Duration.ofSeconds(5)))
        .isInstanceOf(WitException.class)
        .satisfies(
            e ->
                assertThat(e)
                    .isInstanceOfAny(WitSecurityException.class, WitTransportException.class));
    othersStillServed();
  }

  @Test
  void mismatchedSettingsAreNamed() {
    server(b -> b);
    assertThatThrownBy(
            () -> client(relay(), b -> b.encryption(false)).connect(Duration.ofSeconds(5)))
        .isInstanceOf(WitSecurityException.class)
        .hasMessageContaining("encryption mismatch: client has encryption off, server has it on");
    assertThatThrownBy(
            () ->
                client(relay(), b -> b.serializer(Serializers.messagePack()))
                    .connect(Duration.ofSeconds(5)))
        .isInstanceOf(WitSecurityException.class)
        .hasMessageContaining("serializer mismatch");
    assertThatThrownBy(
            () -> client(relay(), b -> b.accessToken("nope")).connect(Duration.ofSeconds(5)))
        .isInstanceOf(WitSecurityException.class)
        .hasMessageContaining("did not prove that it knows the access token")
        .hasMessageNotContaining("nope");
    othersStillServed();
  }

  @Test
  void callsBeyondThePerConnectionLimitGet503() {
    server(b -> b.maxConcurrentCallsPerConnection(2));
    WitClient c = connected(relay());
    TestService svc = c.service(TestService.class);
    CompletableFuture<String> a = svc.never();
    CompletableFuture<String> b = svc.never();
    assertThatThrownBy(() -> svc.echo("third"))
        .isInstanceOfSatisfying(
            WitRemoteException.class,
            e -> assertThat(e.status()).isEqualTo(Status.UNAVAILABLE.code()))
        .hasMessageContaining("too many concurrent calls");
    assertThat(a).isNotDone();
    assertThat(b).isNotDone();
    othersStillServed();
  }
}
