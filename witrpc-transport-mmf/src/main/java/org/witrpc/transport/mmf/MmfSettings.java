package org.witrpc.transport.mmf;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.witrpc.spi.Limits;
import org.witrpc.spi.RuntimeDirectory;

/**
 * The settings of one shared-memory transport, validated.
 *
 * <p>Thread safety: immutable.
 *
 * @param name the transport name (a file-name-safe word)
 * @param directory the runtime directory; empty for {@link RuntimeDirectory#defaultDirectory()}
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

  MmfSettings {
    RuntimeDirectory.checkName(name);
    RingDescriptor.capacityForSize(size);
    Limits.spinBudget(Duration.ofNanos(spinNanos));
    Limits.maxClients(maxClients);
    Limits.maxFrameSize(maxFrameSize);
    Limits.sendTimeout(sendTimeout);
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

  String address() {
    return "mmf://" + name;
  }
}
