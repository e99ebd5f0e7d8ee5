package org.witrpc.transport.mmf;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.witrpc.internal.Limits;
import org.witrpc.spi.RuntimeDirectory;

/**
 * The settings of one shared-memory transport, validated.
 *
 * <p>Thread safety: immutable.
 *
 * @param name the transport name (a file-name-safe word)
 * @param directory the runtime directory, made absolute (against the working directory) and
 *     normalized; empty for {@link RuntimeDirectory#defaultDirectory()}
 * @param size shared memory per connection, split between the two directions
 * @param spinNanos how long a waiting side spins before it parks
 * @param maxClients most clients a server keeps connected
 * @param maxFrameSize largest frame accepted
 * @param sendTimeout how long a send waits for a peer that frees no ring space before the
 *     connection is closed as stalled
 */
record MmfSettings(
    String name,
    Optional<Path> directory,
    long size,
    long spinNanos,
    int maxClients,
    int maxFrameSize,
    Duration sendTimeout) {

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  MmfSettings {
    RuntimeDirectory.checkName(name);
    // Absolute: the server hands its clients mapping paths in it, which they check against theirs
    directory = directory.map(dir -> dir.toAbsolutePath().normalize());
    RingDescriptor.capacityForSize(size);
    Limits.spinBudget(Duration.ofNanos(spinNanos));
    Limits.maxClients(maxClients);
    Limits.maxFrameSize(maxFrameSize);
    sendTimeout = Limits.sendTimeout(sendTimeout);
  }

  /** Ring capacity per direction. */
  int capacity() {
    return RingDescriptor.capacityForSize(size);
  }

  /** The runtime directory, created and checked. */
  Path resolveDirectory() {
    return directory.map(RuntimeDirectory::ensure).orElseGet(RuntimeDirectory::defaultDirectory);
  }

  /** The rendezvous socket of this name in {@code dir}. */
  Path socketPath(Path dir) {
    return RuntimeDirectory.checkSocketPath(dir.resolve(name + ".mmf.sock"));
  }

  /**
   * The address clients use: {@code mmf://NAME}, with {@code ?dir=} and the absolute directory
   * (percent-encoded) when it is not the default one, so that a client or {@code witrpc list} given
   * only this address finds the rendezvous socket.
   */
  String address() {
    return directory
        .map(dir -> "mmf://" + name + "?dir=" + encode(dir.toAbsolutePath().toString()))
        .orElse("mmf://" + name);
  }

  /** Percent-encodes all but unreserved characters and {@code /} (as UTF-8). */
  private static String encode(String value) {
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-._~/".indexOf(c) >= 0) {
        out.append(c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return out.toString();
  }
}
