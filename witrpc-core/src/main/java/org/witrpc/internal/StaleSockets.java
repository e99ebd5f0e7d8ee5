package org.witrpc.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sweeps the files of dead servers from a runtime directory: a socket file ({@code NAME.sock},
 * {@code NAME.mmf.sock}) on which nobody listens any more (a connection to it is refused), and the
 * shared-memory files a dead mmf server left ({@code NAME.<32 hex digits>.mmf} with no live {@code
 * NAME.mmf.sock}). A server killed with -9 leaves its socket file; servers on fresh names (worker
 * processes) would otherwise pile them up for ever. The local transports sweep their directory when
 * a server starts.
 *
 * <p>Only what is provably dead is removed: a socket is probed by connecting to it, and a file
 * younger than {@link #MIN_AGE} is left alone, since a server binds its socket a moment before it
 * listens (a probe in between is refused too) and creates a mapping a moment before its client maps
 * it.
 *
 * <p>Thread safety: stateless; concurrent sweeps of one directory are harmless.
 */
public final class StaleSockets {
  /** Files younger than this are never swept. */
  public static final Duration MIN_AGE = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(StaleSockets.class);
  private static final String MMF_SOCKET = ".mmf.sock";
  private static final String SOCKET = ".sock";
  private static final String MAPPING = "\\.[0-9a-f]{32}\\.mmf";

  private StaleSockets() {}

  /**
   * Removes the stale files of {@code directory}; returns how many. Never throws: a sweep that
   * cannot read or delete something logs it and goes on.
   */
  public static int sweep(Path directory) {
    Instant youngest = Instant.now().minus(MIN_AGE);
    int removed = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (!isOldEnough(file, youngest)) {
          continue;
        }
        Object dead = name.endsWith(SOCKET) ? deadSocket(file) : null;
        if (dead != null) {
          removed += deleteIfStill(file, dead);
        } else if (name.matches(".+" + MAPPING)) {
          String server = name.replaceFirst(MAPPING + "$", "");
          Path socket = directory.resolve(server + MMF_SOCKET);
          if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS) || isDeadSocket(socket)) {
            removed += delete(file);
          }
        }
      }
    } catch (IOException e) {
      LOG.debug("cannot sweep {}: {}", directory, e.toString());
    }
    if (removed > 0) {
      LOG.info("removed {} stale files of dead servers from {}", removed, directory);
    }
    return removed;
  }

  private static boolean isOldEnough(Path file, Instant youngest) {
    try {
      BasicFileAttributes attrs =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return attrs.lastModifiedTime().toInstant().isBefore(youngest);
    } catch (IOException e) {
      return false; // gone meanwhile
    }
  }

  /**
   * The {@link #identity identity} of {@code socket} if it is a socket file on which a connection
   * is refused, else null. The probe never blocks: a live server whose backlog is full (stopped, or
   * behind in accepting) leaves the connect pending, which counts as live.
   */
  private static Object deadSocket(Path socket) {
    Object identity;
    try {
      BasicFileAttributes attrs =
          Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attrs.isOther() || attrs.fileKey() == null) {
        return null; // not a socket (not ours to judge), or no way to tell it from a successor
      }
      identity = identity(attrs);
    } catch (IOException e) {
      return null;
    }
    return probe(socket) == Probe.REFUSED ? identity : null;
  }

  /**
   * Whether someone listens on the Unix socket {@code socket}: it is a socket file and a connection
   * to it is not refused. Like the sweep's probe, it never blocks (a pending connect counts as
   * listening) and follows no symbolic link.
   */
  public static boolean isListening(Path socket) {
    try {
      BasicFileAttributes attrs =
          Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attrs.isOther()) {
        return false;
      }
    } catch (IOException e) {
      return false;
    }
    return probe(socket) == Probe.LISTENING;
  }

  private enum Probe {
    LISTENING,
    REFUSED,
    UNKNOWN
  }

  /** Connects to {@code socket} without blocking: a pending connect counts as listening. */
  private static Probe probe(Path socket) {
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.configureBlocking(false);
      probe.connect(UnixDomainSocketAddress.of(socket));
      return Probe.LISTENING;
    } catch (ConnectException refused) {
      return Probe.REFUSED;
    } catch (IOException | RuntimeException e) {
      return Probe.UNKNOWN;
    }
  }

  /**
   * What tells a file from one created later at the same path. The file key (device and inode) is
   * not enough: a file deleted and a new one created at once may get the same inode number, so the
   * modification time (set when a socket is bound) goes with it; where the file system has no file
   * key, the creation time.
   */
  static Object identity(BasicFileAttributes attributes) {
    return attributes.fileKey() == null
        ? attributes.creationTime()
        : List.of(attributes.fileKey(), attributes.lastModifiedTime());
  }

  private static boolean isDeadSocket(Path socket) {
    return deadSocket(socket) != null;
  }

  /**
   * Deletes the socket file probed dead, unless a new server has put its own socket at that path
   * since the probe (its file has another identity).
   */
  static int deleteIfStill(Path socket, Object identity) {
    try {
      BasicFileAttributes now =
          Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!identity.equals(identity(now))) {
        return 0;
      }
    } catch (IOException e) {
      return 0; // gone meanwhile
    }
    return delete(socket);
  }

  private static int delete(Path file) {
    try {
      return Files.deleteIfExists(file) ? 1 : 0;
    } catch (IOException e) {
      LOG.debug("cannot remove stale {}: {}", file, e.toString());
      return 0;
    }
  }
}
