package org.witrpc.transport.mmf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import org.witrpc.WitTransportException;

/**
 * Creates and maps the per-connection shared-memory files: {@code NAME.<128 random bits>.mmf},
 * owner-only (0600), in the runtime directory.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class MmfFiles {
  static final String SUFFIX = ".mmf";

  private static final SecureRandom RANDOM = new SecureRandom();

  private MmfFiles() {}

  /** A mapped file and its path. */
  record Mapped(Path path, MappedByteBuffer buffer) {}

  /**
   * Creates a new owner-only file of {@code length} bytes with an unguessable name, writes {@code
   * header} (position to limit) at its start and maps it. The file is deleted if any of it fails.
   *
   * @throws IOException if the file cannot be created or written, a full file system included
   */
  static Mapped create(Path dir, String name, int length, ByteBuffer header) throws IOException {
    byte[] random = new byte[16];
    RANDOM.nextBytes(random);
    Path path = dir.resolve(name + "." + HexFormat.of().formatHex(random) + SUFFIX);
    // One open creates it (owner-only from the start) and gives the channel to write and map it
    // with; the mapping grows the new file to its length sparsely, so only the header's page is
    // allocated here. The header goes through write(), not the mapping: on a full file system
    // (a tmpfs such as /dev/shm, which any local user can fill) a store into an unallocated page of
    // a mapping raises SIGBUS, an InternalError on whichever thread, where write() fails with an
    // IOException (ENOSPC).
    try (FileChannel file = createNew(path)) {
      try {
        ByteBuffer bytes = header.duplicate();
        while (bytes.hasRemaining()) {
          file.write(bytes, bytes.position() - header.position());
        }
        return new Mapped(path, file.map(FileChannel.MapMode.READ_WRITE, 0, length));
      } catch (Throwable e) {
        deleteAfterFailure(path, e);
        throw e;
      }
    }
  }

  private static void deleteAfterFailure(Path path, Throwable failure) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  private static FileChannel createNew(Path path) throws IOException {
    Set<StandardOpenOption> options =
        EnumSet.of(
            StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      return FileChannel.open(path, options, ownerOnly());
    } catch (UnsupportedOperationException notPosix) {
      return FileChannel.open(path, options);
    }
  }

  /**
   * Maps an existing file created by the peer and checks its header.
   *
   * @throws WitTransportException if the file is too large or its header is corrupt
   */
  static Mapped open(Path path) throws IOException {
    try (FileChannel file =
        FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long length = file.size();
      if (length > Integer.MAX_VALUE || length < RingDescriptor.HEADER_LENGTH) {
        throw new WitTransportException(
            "corrupt shared-memory header: file " + path + " has an impossible length " + length);
      }
      MappedByteBuffer buffer = file.map(FileChannel.MapMode.READ_WRITE, 0, length);
      RingDescriptor.validate(buffer, length);
      return new Mapped(path, buffer);
    }
  }

  /** True if {@code path} names a mapping file made by {@link #create} for {@code name}. */
  static boolean isMappingOf(String name, Path path) {
    String file = path.getFileName().toString();
    return file.startsWith(name + ".")
        && file.length() == name.length() + 1 + 32 + SUFFIX.length()
        && file.endsWith(SUFFIX)
        && file.substring(name.length() + 1, name.length() + 33).matches("[0-9a-f]{32}");
  }

  private static FileAttribute<?> ownerOnly() {
    return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  }
}
