package org.witrpc.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.witrpc.WitTransportException;

class RuntimeDirectoryTest {

  @TempDir Path temp;

  @Test
  void createsTheDirectoryOwnerOnly() throws Exception {
    Path dir = RuntimeDirectory.ensure(temp.resolve("a").resolve("rt"));

    assertThat(dir).isDirectory();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
  }

  @Test
  void everyDirectoryItCreatesIsOwnerOnlyFromItsCreation() throws Exception {
    List<String> created = new ArrayList<>();
    Path dir =
        RuntimeDirectory.ensure(
            temp.resolve("p1").resolve("p2").resolve("rt"),
            (d, attribute) -> {
              assertThat(attribute.name()).isEqualTo("posix:permissions");
              @SuppressWarnings("unchecked")
              Set<PosixFilePermission> mode = (Set<PosixFilePermission>) attribute.value();
              created.add(temp.relativize(d) + " " + PosixFilePermissions.toString(mode));
              Files.createDirectory(d, attribute);
            });

    assertThat(created).containsExactly("p1 rwx------", "p1/p2 rwx------", "p1/p2/rt rwx------");
    for (Path p : new Path[] {temp.resolve("p1"), temp.resolve("p1/p2"), dir}) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
          .as(p.toString())
          .isEqualTo("rwx------");
    }
  }

  @Test
  void ownerBitsAStrictUmaskTookAwayAreGivenBack() {
    // as with umask 0277: created r-x------, then completed to rwx------, never more open
    FileAttribute<Set<PosixFilePermission>> strict =
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r-x------"));
    Path dir =
        RuntimeDirectory.ensure(
            temp.resolve("u").resolve("rt"), (d, attribute) -> Files.createDirectory(d, strict));

    for (Path p : new Path[] {temp.resolve("u"), dir}) {
      try {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
            .as(p.toString())
            .isEqualTo("rwx------");
      } catch (java.io.IOException e) {
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void aDirectoryCreatedMeanwhileByAnotherProcessIsCheckedNotChanged() throws Exception {
    Path dir = temp.resolve("raced");
    assertThatThrownBy(
            () ->
                RuntimeDirectory.ensure(
                    dir,
                    (d, attribute) -> {
                      // another process wins the race with a directory open to others
                      Files.createDirectory(
                          d,
                          PosixFilePermissions.asFileAttribute(
                              PosixFilePermissions.fromString("rwxr-xr-x")));
                      Files.setPosixFilePermissions(
                          d, PosixFilePermissions.fromString("rwxr-xr-x"));
                      throw new java.nio.file.FileAlreadyExistsException(d.toString());
                    }))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("open to other users");
  }

  @Test
  void acceptsAnExistingOwnerOnlyDirectory() {
    Path dir = RuntimeDirectory.ensure(temp.resolve("rt"));
    assertThat(RuntimeDirectory.ensure(dir)).isEqualTo(dir);
  }

  @Test
  void refusesADirectoryOpenToOthers() throws Exception {
    Path dir = Files.createDirectory(temp.resolve("open"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));

    assertThatThrownBy(() -> RuntimeDirectory.ensure(dir))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("open to other users")
        .hasMessageContaining("chmod 700");
  }

  @Test
  void refusesAFile() throws Exception {
    Path file = Files.createFile(temp.resolve("file"));

    assertThatThrownBy(() -> RuntimeDirectory.ensure(file))
        .isInstanceOf(WitTransportException.class)
        .hasMessageContaining("not a directory");
  }

  @Test
  void defaultDirectoryIsPerUserAndOwnerOnly() throws Exception {
    Path dir = RuntimeDirectory.defaultDirectory();

    assertThat(dir.getFileName().toString()).startsWith("witrpc-");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
  }

  @Test
  void checksNames() {
    assertThat(RuntimeDirectory.checkName("calc-1.v2_x")).isEqualTo("calc-1.v2_x");
    for (String bad : new String[] {"", ".hidden", "a/b", "a b", "x".repeat(65)}) {
      assertThatThrownBy(() -> RuntimeDirectory.checkName(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("invalid transport name");
    }
  }

  @Test
  void refusesSocketPathsTooLongForTheOperatingSystem() {
    Path ok = Path.of("/tmp/" + "s".repeat(80) + ".sock");
    assertThat(RuntimeDirectory.checkSocketPath(ok)).isEqualTo(ok);

    Path tooLong = Path.of("/tmp/" + "s".repeat(100) + ".sock");
    assertThatThrownBy(() -> RuntimeDirectory.checkSocketPath(tooLong))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("limited to about 100 bytes")
        .hasMessageContaining("shorter name");
  }
}
