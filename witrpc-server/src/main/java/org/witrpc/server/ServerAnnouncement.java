package org.witrpc.server;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.internal.Announcement;
import org.witrpc.spi.RuntimeDirectory;

/**
 * The announcement file of one started server (see {@link Announcement}): written owner-only (0600)
 * and atomically (a temporary file renamed into place) when the server starts, deleted when it
 * closes or, if it is never closed, when the JVM ends normally (a shutdown hook: SIGTERM, Ctrl-C,
 * {@code System.exit}, the last thread ending). A server whose announcement cannot be written still
 * runs: it is only missing from {@code witrpc list}, with a log line saying why.
 *
 * <p>Writing one also removes the announcements of processes that are gone (killed with -9, or
 * crashed) once they are older than {@link #KEEP_STALE}, so that they do not pile up for ever and a
 * server that just died is still listed as stale for a while; and, after the same time, the
 * temporary files ({@code .<pid>-<id>-<random>.tmp}) of writers that died between creating and
 * renaming one. A temporary file whose writer's pid runs is never removed.
 *
 * <p>Thread safety: {@link #delete} may be called from any thread, more than once.
 */
final class ServerAnnouncement {
  /** How long the announcement of a process that is gone is kept, counted from its writing. */
  static final Duration KEEP_STALE = Duration.ofMinutes(1);

  private static final String TEMPORARY_SUFFIX = ".tmp";
  private static final Logger LOG = LoggerFactory.getLogger(ServerAnnouncement.class);
  private static final AtomicLong SERVER_IDS = new AtomicLong();

  /** The announcements of this process's servers, deleted by a shutdown hook if still here. */
  private static final Set<ServerAnnouncement> LIVE = ConcurrentHashMap.newKeySet();

  private static final AtomicBoolean HOOKED = new AtomicBoolean();

  private final Path file;

  private ServerAnnouncement(Path file) {
    this.file = file;
  }

  /**
   * Announces a server at {@code address} in the current user's announcements directory; null for
   * an in-process {@code mem://} server (nobody else can reach it) or when the file cannot be
   * written.
   */
  static ServerAnnouncement write(String address, List<String> services) {
    if (address.startsWith("mem:")) {
      return null;
    }
    try {
      return write(Announcement.directory(), address, services);
    } catch (RuntimeException e) {
      LOG.info("cannot announce the server at {}: {}", address, e.toString());
      return null;
    }
  }

  /** Announces a server at {@code address} in {@code directory}; null if it cannot. */
  static ServerAnnouncement write(Path directory, String address, List<String> services) {
    Announcement announcement = Announcement.ofThisProcess(address, services);
    Path file = null;
    Path temporary = null;
    try {
      RuntimeDirectory.ensure(directory);
      removeStale(directory);
      String name = announcement.pid() + "-" + SERVER_IDS.incrementAndGet();
      file = directory.resolve(name + Announcement.SUFFIX);
      // a random part: a temporary file a crashed process with the same pid left cannot collide
      temporary =
          directory.resolve(
              "."
                  + name
                  + "-"
                  + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong())
                  + TEMPORARY_SUFFIX);
      try (OutputStream out =
          Files.newOutputStream(createOwnerOnly(temporary), StandardOpenOption.WRITE)) {
        out.write(announcement.toJson());
      }
      try {
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
      }
      return new ServerAnnouncement(file).live();
    } catch (IOException | RuntimeException e) {
      LOG.info("cannot announce the server at {} in {}: {}", address, directory, e.toString());
      if (temporary != null) {
        try {
          Files.deleteIfExists(temporary);
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      return null;
    }
  }

  /** Creates {@code file} 0600 (on Windows, with the directory's ACLs, as the transports do). */
  private static Path createOwnerOnly(Path file) throws IOException {
    try {
      return Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      return Files.createFile(file);
    }
  }

  /**
   * Keeps this announcement for the shutdown hook: a JVM that ends normally (its last thread,
   * {@code System.exit}, SIGTERM, Ctrl-C) without closing its servers leaves no entry behind; only
   * a process killed outright (-9) does, which {@code witrpc list} shows as STALE until it is
   * swept.
   */
  private ServerAnnouncement live() {
    LIVE.add(this);
    if (HOOKED.compareAndSet(false, true)) {
      try {
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> LIVE.forEach(ServerAnnouncement::delete), "witrpc-announcements-exit"));
      } catch (IllegalStateException e) {
        LIVE.forEach(ServerAnnouncement::delete); // the JVM is already shutting down
      } catch (RuntimeException e) {
        // no hook (a security manager says no): the file stays until close, as it always did
        LOG.debug("cannot remove announcements at exit: {}", e.toString());
      }
    }
    return this;
  }

  /** Deletes the file; never throws. */
  void delete() {
    LIVE.remove(this);
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.debug("cannot remove the announcement {}: {}", file, e.toString());
    }
  }

  /** The announcement file (for tests). */
  Path file() {
    return file;
  }

  private static void removeStale(Path directory) {
    Instant before = Instant.now().minus(KEEP_STALE);
    remove(directory, "*" + Announcement.SUFFIX, file -> isStale(file, before));
    remove(directory, ".*" + TEMPORARY_SUFFIX, file -> isAbandoned(file, before));
  }

  /** Deletes the files matching {@code glob} that {@code stale} accepts; never throws. */
  private static void remove(Path directory, String glob, Predicate<Path> stale) {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, glob)) {
      for (Path candidate : files) {
        if (stale.test(candidate)) {
          Files.deleteIfExists(candidate);
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("cannot sweep {} in {}: {}", glob, directory, e.toString());
    }
  }

  /** An announcement written before {@code before} by a process that is gone. */
  private static boolean isStale(Path candidate, Instant before) {
    try {
      return writtenBefore(candidate, before) && !Announcement.read(candidate).processAlive();
    } catch (IOException | IllegalArgumentException e) {
      return false; // gone meanwhile, or not a file a server wrote: not ours to remove
    }
  }

  /**
   * A temporary file written before {@code before} whose name carries the pid of a process that no
   * longer runs (a live writer's file, or one with another name, is kept).
   */
  private static boolean isAbandoned(Path candidate, Instant before) {
    String name = candidate.getFileName().toString();
    int dash = name.indexOf('-');
    if (dash < 2) {
      return false;
    }
    long pid;
    try {
      pid = Long.parseLong(name.substring(1, dash));
    } catch (NumberFormatException notOurs) {
      return false;
    }
    try {
      return writtenBefore(candidate, before)
          && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    } catch (IOException e) {
      return false;
    }
  }

  /** A regular file (not a link), last modified before {@code before}. */
  private static boolean writtenBefore(Path candidate, Instant before) throws IOException {
    BasicFileAttributes attrs =
        Files.readAttributes(candidate, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    return attrs.isRegularFile() && attrs.lastModifiedTime().toInstant().isBefore(before);
  }
}
