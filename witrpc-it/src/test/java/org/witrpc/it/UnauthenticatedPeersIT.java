package org.witrpc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;
import org.witrpc.client.WitClient;
import org.witrpc.spi.RuntimeDirectory;
import org.witrpc.testkit.Await;
import org.witrpc.testkit.RawSockets;
import org.witrpc.testkit.TestService;

/**
 * A server JVM with a small heap ({@code -Xmx256m}) keeps serving an authorized client's large
 * calls (32 MiB byte[] echoes) while 20 unauthenticated raw peers keep connecting and announcing 64
 * MiB frames before any handshake. The peers speak the documented wire formats by hand
 * (docs/transport-pipes.md: status byte, length prefix; docs/transport-mmf.md: rendezvous, a FIRST
 * record in the client-to-server ring, a DATA doorbell byte). Without the pre-READY frame limit a
 * few such announcements fill the heap and the client's calls fail with the server out of memory.
 */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"pipe", "mmf"})
@DisplayName("unauthenticated peers announcing huge frames to a server with a small heap")
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class UnauthenticatedPeersIT {
  @RegisterExtension static final CrossProcessHarness HARNESS = new CrossProcessHarness();

  private static final String TOKEN = "it-token";
  private static final int PEERS = 20;
  private static final int ANNOUNCED_BYTES = 64 << 20;
  private static final int CALL_BYTES = 32 << 20;
  private static final int CALLS = 4;
  private static final int ROUNDS_PER_PEER = 10;
  private static final Duration PEER_WAIT = Duration.ofSeconds(10);
  private static final Duration PEERS_BOUND = Duration.ofSeconds(120);

  private static final VarHandle LONGS =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

  @Parameter String transport;

  @BeforeParameterizedClassInvocation
  static void namePrefix(String transport) {
    HARNESS.newPrefix("u" + transport.charAt(0));
  }

  @Test
  void authorizedLargeCallsSucceedWhileSilentPeersAnnounceHugeFrames() throws Exception {
    String name = HARNESS.prefix() + "-1";
    List<String> jvmOptions = new ArrayList<>(TestServerMain.securityOptions(false, TOKEN));
    jvmOptions.add("-Xmx256m");
    ServerProcess server =
        ServerProcess.start(
            HARNESS.children(),
            HARNESS.prefix() + "-server",
            jvmOptions,
            ServerProcess.uri(transport, name),
            "msgpack");
    Path socket =
        RuntimeDirectory.defaultDirectory()
            .resolve(name + (transport.equals("mmf") ? ".mmf.sock" : ".sock"));

    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger announced = new AtomicInteger();
    AtomicInteger dropped = new AtomicInteger();
    ExecutorService peers = Executors.newFixedThreadPool(PEERS);
    List<Future<?>> running = new ArrayList<>();
    try {
      long peersDeadline = System.nanoTime() + PEERS_BOUND.toNanos();
      for (int p = 0; p < PEERS; p++) {
        running.add(
            peers.submit(
                () -> {
                  for (int round = 0;
                      round < ROUNDS_PER_PEER
                          && !stop.get()
                          && System.nanoTime() - peersDeadline < 0;
                      round++) {
                    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                      channel.connect(UnixDomainSocketAddress.of(socket));
                      boolean droppedAlready =
                          transport.equals("mmf")
                              ? announceOverMmf(channel, ANNOUNCED_BYTES)
                              : announceOverPipe(channel, ANNOUNCED_BYTES);
                      announced.incrementAndGet();
                      if (droppedAlready || RawSockets.awaitEndOfStream(channel, PEER_WAIT)) {
                        dropped.incrementAndGet();
                      }
                    }
                  }
                  return null;
                }));
      }
      Await.until(
          PEERS + " huge frames announced", Duration.ofSeconds(60), () -> announced.get() >= PEERS);

      try (WitClient client =
          WitClient.builder()
              .transport(server.uri())
              .serializer(ItSerializers.byName("msgpack"))
              .accessToken(TOKEN)
              .timeout(Duration.ofSeconds(60))
              .build()
              .connect(Duration.ofSeconds(30))) {
        TestService service = client.service(TestService.class);
        for (int i = 0; i < CALLS; i++) {
          byte[] payload = new byte[CALL_BYTES];
          payload[0] = (byte) i;
          payload[CALL_BYTES - 1] = (byte) (i + 1);
          byte[] echoed = service.echoBytes(payload);
          assertThat(echoed).as("echo %d of %d MiB", i, CALL_BYTES >> 20).isEqualTo(payload);
        }
      }
    } finally {
      stop.set(true);
      peers.shutdown();
      if (!peers.awaitTermination(30, TimeUnit.SECONDS)) {
        peers.shutdownNow();
      }
    }
    for (Future<?> peer : running) {
      peer.get(1, TimeUnit.SECONDS); // a peer that failed (not merely dropped) fails the test
    }
    assertThat(dropped.get())
        .as("announcements answered by a disconnect within %s", PEER_WAIT)
        .isEqualTo(announced.get());
    assertThat(server.jvm().isAlive()).as("server JVM alive").isTrue();
    assertThat(server.jvm().output()).doesNotContain("OutOfMemoryError");
  }

  /**
   * Pipe wire format: read the ACCEPTED status byte, then send a length prefix and no body.
   *
   * @return false: the server learns of the announcement only by reading the prefix, so it cannot
   *     have dropped the peer for it yet
   */
  private static boolean announceOverPipe(SocketChannel channel, int length) throws IOException {
    ByteBuffer status = ByteBuffer.allocate(1);
    readFully(channel, status);
    if (status.get(0) != 0) {
      throw new IOException("pipe server refused the peer: status " + status.get(0));
    }
    RawSockets.writeFully(channel, ByteBuffer.allocate(4).putInt(0, length));
    return false;
  }

  /**
   * Mmf wire format: the rendezvous reply (status 1, u16 length, path), map the file, announce a
   * maximum frame size, ack; then publish in ring 0 (client to server) one FIRST record of 4 KiB
   * announcing {@code total} bytes, and ring the DATA doorbell.
   *
   * @return true if the server dropped the peer before its doorbell could be written: a server
   *     reader that starts after the ack reads what the ring already holds without waiting for a
   *     doorbell, so it may refuse the record and close the socket while this thread is between
   *     publishing and ringing (the doorbell write then fails with a broken pipe or a reset)
   */
  private static boolean announceOverMmf(SocketChannel channel, int total) throws IOException {
    ByteBuffer head = ByteBuffer.allocate(3);
    readFully(channel, head);
    if (head.get(0) != 1) {
      throw new IOException("mmf server refused the peer: status " + head.get(0));
    }
    ByteBuffer text = ByteBuffer.allocate(Short.toUnsignedInt(head.getShort(1)));
    readFully(channel, text);
    Path file = Path.of(new String(text.array(), StandardCharsets.UTF_8));
    MappedByteBuffer mapping;
    try (FileChannel fc =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      mapping = fc.map(FileChannel.MapMode.READ_WRITE, 0, fc.size());
    }
    mapping.order(ByteOrder.nativeOrder());
    mapping.putInt(36, 256 << 20); // client max frame
    RawSockets.writeFully(channel, ByteBuffer.wrap(new byte[] {1})); // ack

    int ring = 128; // ring 0: client -> server; tail at +0, data at +512
    int data = ring + 512;
    long tail = (long) LONGS.getAcquire(mapping, ring);
    if (tail != 0) {
      throw new IOException("a new ring should start at tail 0, found " + tail);
    }
    int chunk = 4096;
    mapping.putLong(data + 8, total); // FIRST: the total frame length follows the header
    mapping.putLong(data, (2L << 32) | chunk); // header: type FIRST, 4096 frame bytes
    LONGS.setRelease(mapping, ring, (long) (8 + 8 + chunk)); // publish the record
    try {
      RawSockets.writeFully(channel, ByteBuffer.wrap(new byte[] {1})); // DATA doorbell
      return false;
    } catch (IOException e) {
      return true; // the server read the record and closed the socket first
    }
  }

  private static void readFully(SocketChannel channel, ByteBuffer dst) throws IOException {
    if (!RawSockets.read(channel, dst, PEER_WAIT)) {
      throw new IOException("the server closed the socket before the peer could misbehave");
    }
  }
}
