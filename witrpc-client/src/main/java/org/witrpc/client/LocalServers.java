package org.witrpc.client;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.witrpc.internal.Announcement;
import org.witrpc.internal.StaleSockets;

/**
 * Lists the witrpc servers of the current user on this machine. Every started server (on any
 * transport but the in-process {@code mem://}) writes an announcement file into the {@code servers}
 * directory of the owner-only runtime directory and deletes it when it closes; this class reads
 * them and tells live servers from stale ones:
 *
 * <pre>{@code
 * for (LocalServer s : LocalServers.list()) {
 *   System.out.println(s.uri() + (s.live() ? " live" : " stale") + " " + s.services());
 * }
 * }</pre>
 *
 * <p>A server is live when its process runs (the same process: a later one that reused its id does
 * not count) and, for {@code pipe://} and {@code mmf://}, its socket accepts a connection (a probe
 * that connects and closes at once, without a handshake). A server killed with -9 leaves its file
 * behind: it is listed as stale, and removed a minute later by the next server that starts. Listing
 * removes nothing.
 *
 * <p>Listing is bounded: it follows no symbolic link, reads no file over 16 KiB and at most {@value
 * #MAX_SERVERS} files; a file it cannot read or parse is listed as stale with a {@link
 * LocalServer#problem() problem}, never thrown.
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
public final class LocalServers {
  /** Most announcement files one listing reads. */
  public static final int MAX_SERVERS = 1000;

  private LocalServers() {}

  /**
   * The servers announced in the current user's runtime directory, oldest first; empty if there are
   * none (or the directory does not exist yet).
   */
  public static List<LocalServer> list() {
    return list(Announcement.directory());
  }

  /** The servers announced in {@code directory}, oldest first. */
  static List<LocalServer> list(Path directory) {
    List<LocalServer> servers = new ArrayList<>();
    try (DirectoryStream<Path> files =
        Files.newDirectoryStream(directory, "*" + Announcement.SUFFIX)) {
      for (Path file : files) {
        if (servers.size() == MAX_SERVERS) {
          break;
        }
        servers.add(read(file));
      }
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new org.witrpc.WitTransportException(
          "cannot list the servers in " + directory + ": " + e, e);
    }
    servers.sort(Comparator.comparing(LocalServer::startedAt).thenComparing(LocalServer::name));
    return servers;
  }

  private static LocalServer read(Path file) {
    String fileName = file.getFileName().toString();
    Instant written = Instant.EPOCH;
    try {
      BasicFileAttributes attrs =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      written = attrs.lastModifiedTime().toInstant();
      if (!attrs.isRegularFile()) {
        return unreadable(fileName, written, "not a regular file");
      }
      if (attrs.size() > Announcement.MAX_FILE_BYTES) {
        return unreadable(fileName, written, "too large");
      }
      return describe(Announcement.read(file));
    } catch (IOException e) {
      return unreadable(fileName, written, "cannot read: " + e.getClass().getSimpleName());
    } catch (IllegalArgumentException e) {
      return unreadable(fileName, written, "malformed: " + e.getMessage());
    }
  }

  private static LocalServer describe(Announcement a) {
    Optional<Path> socket = a.localSocket();
    boolean live = a.processAlive() && socket.map(StaleSockets::isListening).orElse(true);
    return new LocalServer(
        nameOf(a.uri()), a.uri(), a.pid(), a.startedAt(), a.services(), live, "");
  }

  private static LocalServer unreadable(String fileName, Instant written, String problem) {
    return new LocalServer(fileName, "", 0, written, List.of(), false, problem);
  }

  /** {@code pipe://calc?x=1} -> {@code calc}; {@code tcp://host:7000} -> {@code host:7000}. */
  static String nameOf(String uri) {
    int start = uri.indexOf("://");
    String rest = start < 0 ? uri : uri.substring(start + 3);
    int query = rest.indexOf('?');
    return query < 0 ? rest : rest.substring(0, query);
  }
}
