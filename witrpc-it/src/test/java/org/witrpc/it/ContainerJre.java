package org.witrpc.it;

import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Volume;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * Containers that run a class of the test class path on this machine's own JDK, with no image from
 * a registry.
 *
 * <p>The image is built locally {@code FROM scratch} and holds only {@code /etc/passwd} and {@code
 * /etc/group} naming the current user, so that in the container {@code user.name} and the owner
 * names of files are the same as on the host (the runtime directory is {@code /dev/shm/witrpc-USER}
 * and is refused if its owner name differs). The JDK ({@code java.home}, and whatever its symbolic
 * links point to, such as Debian's {@code /etc/java-17-openjdk}), the directories of the shared
 * libraries that {@code ldd} lists for it, and the test class path are bind-mounted read-only at
 * their host paths instead of being copied into the image: nothing is copied, the image builds in
 * well under a second on a fresh machine, and the container runs exactly the JVM and classes of the
 * test.
 *
 * <p>Containers run as the host's uid and gid with {@code /tmp} a private tmpfs and no network, so
 * only what a test shares explicitly (for example {@code --ipc=host}) connects them to the host.
 *
 * <p>Thread safety: safe for concurrent use; the image is built once per JVM.
 */
final class ContainerJre {
  private static final Object LOCK = new Object();
  private static ImageFromDockerfile image;
  private static List<String[]> jdkMounts;

  private ContainerJre() {}

  /**
   * A container, not yet started, that runs {@code mainClass} with {@code args} as the host user.
   */
  static GenericContainer<?> jvm(Class<?> mainClass, String... args) {
    List<String> command = new ArrayList<>();
    command.add(javaHome().resolve("bin").resolve("java").toString());
    command.addAll(
        List.of(
            "-Xmx768m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-XX:-UsePerfData",
            "-Djava.io.tmpdir=/tmp",
            // no locales in the image: without this the default charset would be ASCII
            "-Dfile.encoding=UTF-8",
            "-cp",
            System.getProperty("java.class.path"),
            mainClass.getName()));
    command.addAll(List.of(args));
    GenericContainer<?> c = new GenericContainer<>(image());
    for (String[] m : mounts()) {
      bind(c, m[0], m[1], AccessMode.ro);
    }
    String user = uid() + ":" + gid();
    return c.withTmpFs(Map.of("/tmp", "rw,mode=1777"))
        .withNetworkMode("none")
        .withCreateContainerCmdModifier(cmd -> cmd.withUser(user))
        .withCommand(command.toArray(new String[0]));
  }

  /**
   * Bind-mounts host directory {@code host} at {@code inContainer}. Added to the create command
   * directly: {@code withFileSystemBind} makes Testcontainers probe file mounting with an image it
   * would pull from a registry.
   */
  static void bind(GenericContainer<?> c, String host, String inContainer, AccessMode mode) {
    Bind bind = new Bind(host, new Volume(inContainer), mode);
    c.withCreateContainerCmdModifier(
        cmd -> {
          Bind[] old = cmd.getHostConfig().getBinds();
          List<Bind> binds = new ArrayList<>(old == null ? List.of() : List.of(old));
          binds.add(bind);
          cmd.getHostConfig().withBinds(binds);
        });
  }

  /** The locally built image: scratch plus a passwd and group naming the host user. */
  static ImageFromDockerfile image() {
    synchronized (LOCK) {
      if (image == null) {
        String name = System.getProperty("user.name");
        long uid = uid();
        long gid = gid();
        String passwd = name + ":x:" + uid + ":" + gid + "::/tmp:/nonexistent\n";
        String group = name + ":x:" + gid + ":\n";
        if (uid != 0) {
          passwd = "root:x:0:0::/root:/nonexistent\n" + passwd;
          group = "root:x:0:\n" + group;
        }
        image =
            new ImageFromDockerfile("witrpc-it-jre", true)
                .withFileFromString("passwd", passwd)
                .withFileFromString("group", group)
                .withFileFromString("Dockerfile", "FROM scratch\nCOPY passwd group /etc/\n");
      }
      return image;
    }
  }

  /** Bind mounts (host path, container path) of the JDK, its libraries and the class path. */
  static List<String[]> mounts() {
    List<String[]> all = new ArrayList<>(jdkMounts());
    List<Path> covered = new ArrayList<>();
    for (String[] m : all) {
      covered.add(Path.of(m[1]));
    }
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (entry.isEmpty()) {
        continue;
      }
      Path p = Path.of(entry).toAbsolutePath().normalize();
      // Jars by their directory: Docker binds of single files go stale when the file is replaced.
      p = Files.isDirectory(p) ? p : p.getParent();
      if (p != null && Files.exists(p) && covered.stream().noneMatch(p::startsWith)) {
        all.add(new String[] {realPath(p).toString(), p.toString()});
        covered.add(p);
      }
    }
    return all;
  }

  private static List<String[]> jdkMounts() {
    synchronized (LOCK) {
      if (jdkMounts == null) {
        jdkMounts = computeJdkMounts();
      }
      return jdkMounts;
    }
  }

  private static List<String[]> computeJdkMounts() {
    Path home = javaHome();
    TreeSet<Path> dirs = new TreeSet<>();
    dirs.add(home);
    // Links out of the JDK: Debian keeps conf/ and jvm.cfg in /etc/java-17-openjdk, for example.
    try (Stream<Path> files = Files.walk(home)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        if (!Files.isSymbolicLink(p)
            || p.startsWith(home.resolve("legal"))
            || p.equals(home.resolve("docs"))) {
          continue;
        }
        Path target = p.getParent().resolve(Files.readSymbolicLink(p)).normalize();
        if (!target.startsWith(home) && Files.exists(target)) {
          dirs.add(Files.isDirectory(target) ? target : target.getParent());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the JDK at " + home, e);
    }
    // The directories of the shared libraries the launcher, the JVM and the JDK's own libraries
    // load, as the host's dynamic loader resolves them (including the loader itself).
    List<String> ldd = new ArrayList<>(List.of("ldd", home.resolve("bin/java").toString()));
    try (Stream<Path> libs = Files.walk(home.resolve("lib"))) {
      libs.filter(p -> p.toString().endsWith(".so") && Files.isRegularFile(p))
          .forEach(p -> ldd.add(p.toString()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the JDK's libraries", e);
    }
    for (String line : run(ldd)) {
      String path = libraryPath(line.trim());
      if (path != null && Files.exists(Path.of(path))) {
        dirs.add(Path.of(path).getParent());
      }
    }
    List<String[]> mounts = new ArrayList<>();
    Path last = null;
    for (Path d : dirs) { // sorted, so a directory comes before those inside it
      if (last != null && d.startsWith(last)) {
        continue;
      }
      mounts.add(new String[] {realPath(d).toString(), d.toString()});
      last = d;
    }
    return mounts;
  }

  /** The library path in one line of ldd's output, or null. */
  private static String libraryPath(String line) {
    int arrow = line.indexOf("=> ");
    String rest = arrow >= 0 ? line.substring(arrow + 3) : line;
    if (!rest.startsWith("/")) {
      return null; // "not found", linux-vdso, or a file header
    }
    int space = rest.indexOf(' ');
    String path = space < 0 ? rest : rest.substring(0, space);
    return path.endsWith(":") ? null : path;
  }

  private static List<String> run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      List<String> lines;
      try (var in = p.getInputStream()) {
        lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      }
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(command.get(0) + " did not finish");
      }
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot run " + command.get(0) + " (ldd is needed to find the JDK's libraries)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static Path javaHome() {
    return realPath(Path.of(System.getProperty("java.home")));
  }

  private static Path realPath(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The uid of this process (the owner of /proc/self). */
  static long uid() {
    return attribute("unix:uid");
  }

  /** The gid of this process. */
  static long gid() {
    return attribute("unix:gid");
  }

  private static long attribute(String name) {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), name)).longValue();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name + " of /proc/self", e);
    }
  }
}
