package org.witrpc.transport.mmf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.witrpc.spi.RuntimeDirectory;

/**
 * A connection's two rings of the default size ({@link MmfTransport#DEFAULT_SIZE}) laid out in a
 * memory-mapped file in the runtime directory ({@code /dev/shm/witrpc-USER}), as a connection's
 * are, for the ring benchmarks.
 *
 * <p>Thread safety: not thread-safe; one benchmark state owns it.
 */
final class RingFile {
  private final Path file;
  private final MappedByteBuffer mapping;
  private final int capacity;

  /** Creates, maps and lays out a file named after {@code prefix}. */
  RingFile(String prefix) throws IOException {
    capacity = RingDescriptor.capacityForSize(MmfTransport.DEFAULT_SIZE);
    file = Files.createTempFile(RuntimeDirectory.defaultDirectory(), prefix, ".mmf");
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      mapping =
          channel.map(FileChannel.MapMode.READ_WRITE, 0, RingDescriptor.totalLength(capacity));
    }
    RingDescriptor.initialize(mapping, capacity);
  }

  /** A view of ring {@code direction} (writer or reader: each view is one side). */
  RingBuffer ring(int direction, int maxFrameSize) {
    int offset = RingDescriptor.ringOffset(direction, capacity);
    return new RingBuffer(mapping, offset, capacity, maxFrameSize, () -> {}, () -> {});
  }

  /** Deletes the file. */
  void delete() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
