package org.witrpc.transport.tcp.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a TCP connection on loopback can hold between a sender and a peer that stopped reading, for
 * the conformance suite's stalled-peer cases: the peer's Netty side reads one whole frame into
 * memory before it pauses, and then the kernel's buffers (which grow up to the maxima of {@code
 * net.ipv4.tcp_rmem} and {@code tcp_wmem}) and Netty's outbound buffer take more.
 *
 * <p>Thread safety: stateless.
 */
public final class LoopbackBuffers {
  private static final int FALLBACK = 64 << 20;

  private LoopbackBuffers() {}

  /** A frame size that surely does not fit in the buffers on the way: their maxima plus 8 MiB. */
  public static int framePastTheBuffers() {
    long total = maximum("tcp_rmem") + maximum("tcp_wmem") + (8 << 20);
    return total > 0 && total < (200 << 20) ? (int) total : FALLBACK;
  }

  /** A frame of 1 MiB, more than the peer queues before it stops reading. */
  public static ByteBuffer frameThePeerStillTakes() {
    byte[] bytes = new byte[1 << 20];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 31 + 7);
    }
    return ByteBuffer.wrap(bytes);
  }

  private static long maximum(String sysctl) {
    try {
      String[] values =
          Files.readString(Path.of("/proc/sys/net/ipv4", sysctl)).trim().split("\\s+");
      return Long.parseLong(values[values.length - 1]);
    } catch (IOException | RuntimeException e) {
      return FALLBACK;
    }
  }
}
