package org.witrpc.spi;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.witrpc.WitTransportException;

/**
 * The per-user directory where the local transports keep their socket and shared-memory files:
 * {@code /dev/shm/witrpc-USER/} where {@code /dev/shm} exists, else {@code TMPDIR/witrpc-USER/}.
 * Created owner-only (0700), atomically: each missing directory (parents included) is created with
 * that mode as its creation attribute, so it is never more open than 0700 whatever the umask, and
 * only owner bits the umask took away are added afterwards. A directory owned by another user or
 * open to others is refused, so users of one machine never see each other's files.
 *
 * <p>Thread safety: stateless; safe for concurrent use (creation races are tolerated).
 */
public final class RuntimeDirectory {

  /** Unix domain socket paths are limited to 108 bytes on Linux (104 on macOS); stay below both. */
  public static final int MAX_SOCKET_PATH_BYTES = 100;

  private static final Set<PosixFilePermission> OWNER_ONLY_DIR =
      PosixFilePermissions.fromString("rwx------");

  private RuntimeDirectory() {}

  /**
   * Creates one directory with a creation attribute: {@code Files::createDirectory}, in tests a
   * fake.
   */
  interface DirectoryCreator {
    void create(Path dir, FileAttribute<?> attribute) throws IOException;
  }

  /** The default runtime directory of the current user, created (0700) if needed. */
  public static Path defaultDirectory() {
    Path base = Path.of("/dev/shm");
    if (!Files.isDirectory(base)) {
      base = Path.of(System.getProperty("java.io.tmpdir"));
    }
    String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
    return ensure(base.resolve("witrpc-" + user));
  }

  /**
   * Creates {@code dir} owner-only if it does not exist, and checks that it is a directory owned by
   * the current user and closed to group and others.
   *
   * @throws WitTransportException if it cannot be created or fails the checks
   */
  public static Path ensure(Path dir) {
    return ensure(dir, (d, attribute) -> Files.createDirectory(d, attribute));
  }

  static Path ensure(Path dir, DirectoryCreator creator) {
    Objects.requireNonNull(dir, "dir == null");
    try {
      if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        createOwnerOnly(dir, creator);
      }
      PosixFileAttributes attrs =
          Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attrs.isDirectory()) {
        throw new WitTransportException("runtime directory " + dir + " is not a directory");
      }
      String me = System.getProperty("user.name");
      if (me != null && !attrs.owner().getName().equals(me)) {
        throw new WitTransportException(
            "runtime directory "
                + dir
                + " is owned by "
                + attrs.owner().getName()
                + ", not by "
                + me
                + "; refusing to use it");
      }
      Set<PosixFilePermission> open = EnumSet.copyOf(attrs.permissions());
      open.retainAll(
          EnumSet.of(
              PosixFilePermission.GROUP_READ,
              PosixFilePermission.GROUP_WRITE,
              PosixFilePermission.GROUP_EXECUTE,
              PosixFilePermission.OTHERS_READ,
              PosixFilePermission.OTHERS_WRITE,
              PosixFilePermission.OTHERS_EXECUTE));
      if (!open.isEmpty()) {
        throw new WitTransportException(
            "runtime directory "
                + dir
                + " is open to other users ("
                + PosixFilePermissions.toString(attrs.permissions())
                + "); it must be 0700 (chmod 700 "
                + dir
                + ")");
      }
      return dir;
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system (Windows): rely on the per-user location's own ACLs.
      try {
        return Files.createDirectories(dir);
      } catch (IOException io) {
        throw new WitTransportException("cannot create runtime directory " + dir + ": " + io, io);
      }
    } catch (IOException e) {
      throw new WitTransportException("cannot create runtime directory " + dir + ": " + e, e);
    }
  }

  /**
   * Creates {@code dir} and its missing parents, top down, each 0700 from its creation on. One that
   * another process creates meanwhile is left as it is (only {@code dir} itself is checked after).
   */
  private static void createOwnerOnly(Path dir, DirectoryCreator creator) throws IOException {
    Deque<Path> missing = new ArrayDeque<>();
    for (Path p = dir.toAbsolutePath();
        p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS);
        p = p.getParent()) {
      missing.push(p);
    }
    FileAttribute<Set<PosixFilePermission>> ownerOnly =
        PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR);
    for (Path p : missing) {
      try {
        creator.create(p, ownerOnly);
      } catch (FileAlreadyExistsException raced) {
        continue;
      }
      // the umask can only have taken bits away: give the owner's back
      if (!Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS).equals(OWNER_ONLY_DIR)) {
        Files.setPosixFilePermissions(p, OWNER_ONLY_DIR);
      }
    }
  }

  /**
   * Checks that a transport name is usable as a file name: 1 to 64 characters from {@code
   * [A-Za-z0-9._-]}, not starting with a dot.
   *
   * @throws IllegalArgumentException naming the rule that failed
   */
  public static String checkName(String name) {
    Objects.requireNonNull(name, "name == null");
    if (name.isEmpty() || name.length() > 64 || !name.matches("[A-Za-z0-9_-][A-Za-z0-9._-]*")) {
      throw new IllegalArgumentException(
          "invalid transport name '"
              + name
              + "': use 1 to 64 characters from A-Z a-z 0-9 . _ - (not starting with '.')");
    }
    return name;
  }

  /**
   * Checks that {@code socket} fits the operating system's limit on Unix socket paths.
   *
   * @throws IllegalArgumentException saying the path is too long and how to shorten it
   */
  public static Path checkSocketPath(Path socket) {
    int bytes = socket.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (bytes > MAX_SOCKET_PATH_BYTES) {
      throw new IllegalArgumentException(
          "socket path "
              + socket
              + " is "
              + bytes
              + " bytes; Unix domain socket paths are limited to about "
              + MAX_SOCKET_PATH_BYTES
              + " bytes: use a shorter name or directory");
    }
    return socket;
  }
}
