package org.witrpc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Exports;
import java.lang.module.ModuleDescriptor.Requires;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module rules of docs/ARCHITECTURE.md, read from the compiled module descriptors. Java itself
 * enforces the rest: a class that imports from a module its {@code module-info} does not require,
 * or from a package that module does not export to it, does not compile. So the rules are "who
 * requires whom" and "who exports what to whom", checked here, and a forbidden import fails the
 * build either way.
 */
class ModuleRulesTest {
  /** What every witrpc module other than core may require, besides java.base. */
  private static final Set<String> ON_CORE = Set.of("org.witrpc", "org.slf4j");

  private static Map<String, ModuleDescriptor> modules;

  @BeforeAll
  static void readDescriptors() {
    Path[] entries =
        WitrpcModules.onClassPath(WitrpcModules.LIBRARY).stream()
            .map(Path::of)
            .toArray(Path[]::new);
    modules =
        ModuleFinder.of(entries).findAll().stream()
            .map(reference -> reference.descriptor())
            .collect(
                Collectors.toMap(
                    ModuleDescriptor::name, Function.identity(), (a, b) -> a, TreeMap::new));
    assertThat(modules)
        .as("every library module is a named module with a descriptor of its own")
        .containsOnlyKeys(
            "org.witrpc",
            "org.witrpc.server",
            "org.witrpc.client",
            "org.witrpc.transport.mmf",
            "org.witrpc.transport.pipes",
            "org.witrpc.transport.tcp",
            "org.witrpc.transport.websocket",
            "org.witrpc.process");
    assertThat(modules.values()).noneMatch(ModuleDescriptor::isAutomatic);
  }

  @Test
  void coreRequiresOnlyItsSerializationCryptoAndLoggingLibraries() {
    assertThat(requires("org.witrpc"))
        .containsExactlyInAnyOrder(
            "com.fasterxml.jackson.core",
            "com.fasterxml.jackson.databind",
            "com.fasterxml.jackson.datatype.jdk8",
            "com.fasterxml.jackson.datatype.jsr310",
            "jackson.dataformat.msgpack",
            "msgpack.core",
            "org.bouncycastle.provider",
            "org.slf4j",
            "jdk.net");
  }

  @Test
  void serverClientAndLocalTransportsDependOnCoreAloneNeverOnEachOther() {
    for (String module :
        Set.of(
            "org.witrpc.server",
            "org.witrpc.client",
            "org.witrpc.transport.mmf",
            "org.witrpc.transport.pipes")) {
      assertThat(requires(module)).as(module).isSubsetOf(ON_CORE).contains("org.witrpc");
    }
  }

  @Test
  void networkTransportsAddNettyAndNothingElse() {
    assertThat(requires("org.witrpc.transport.tcp"))
        .contains("org.witrpc")
        .allMatch(name -> ON_CORE.contains(name) || name.startsWith("io.netty."));
    assertThat(requires("org.witrpc.transport.websocket"))
        .contains("org.witrpc", "org.witrpc.transport.tcp", "io.netty.codec.http")
        .allMatch(
            name ->
                ON_CORE.contains(name)
                    || name.equals("org.witrpc.transport.tcp")
                    || name.startsWith("io.netty."));
  }

  @Test
  void tcpSharesItsNettyMachineryWithTheWebSocketTransportAlone() {
    assertThat(modules.get("org.witrpc.transport.tcp").exports())
        .extracting(Exports::source, Exports::targets)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("org.witrpc.transport.tcp", Set.of()),
            org.assertj.core.groups.Tuple.tuple(
                "org.witrpc.transport.tcp.internal", Set.of("org.witrpc.transport.websocket")));
  }

  @Test
  void workerProcessesBuildOnServerAndClientAndNoTransport() {
    assertThat(requires("org.witrpc.process"))
        .contains("org.witrpc.server", "org.witrpc.client")
        .isSubsetOf("org.witrpc", "org.witrpc.server", "org.witrpc.client", "org.slf4j");
  }

  @Test
  void coreExportsItsApiAndSpiToAllAndItsInternalsOnlyToWitrpcsOwnModules() {
    Map<String, Set<String>> exports =
        modules.get("org.witrpc").exports().stream()
            .collect(Collectors.toMap(Exports::source, Exports::targets));
    assertThat(exports)
        .containsOnlyKeys("org.witrpc", "org.witrpc.spi", "org.witrpc.internal")
        .containsEntry("org.witrpc", Set.of())
        .containsEntry("org.witrpc.spi", Set.of())
        .containsEntry(
            "org.witrpc.internal",
            Set.of(
                "org.witrpc.server",
                "org.witrpc.client",
                "org.witrpc.process",
                "org.witrpc.transport.mmf",
                "org.witrpc.transport.pipes",
                "org.witrpc.transport.tcp",
                "org.witrpc.transport.websocket",
                // witrpc-spring-boot-autoconfigure's Automatic-Module-Name
                "org.witrpc.spring.boot"));
  }

  @Test
  void everyModuleExportsOnlyItsOwnPackageAndOpensNothing() {
    for (ModuleDescriptor m : modules.values()) {
      assertThat(m.isOpen()).as(m.name()).isFalse();
      assertThat(m.opens()).as(m.name()).isEmpty();
      if (!m.name().equals("org.witrpc")) {
        assertThat(m.exports())
            .as(m.name())
            .filteredOn(e -> !e.isQualified())
            .extracting(Exports::source)
            .containsExactly(m.name());
      }
    }
  }

  @Test
  void transportsAreFoundThroughServiceLoader() {
    assertThat(modules.get("org.witrpc").uses())
        .containsExactly("org.witrpc.spi.TransportProvider");
    for (String transport :
        Set.of(
            "org.witrpc",
            "org.witrpc.transport.mmf",
            "org.witrpc.transport.pipes",
            "org.witrpc.transport.tcp",
            "org.witrpc.transport.websocket")) {
      assertThat(modules.get(transport).provides())
          .as(transport)
          .extracting(ModuleDescriptor.Provides::service)
          .containsExactly("org.witrpc.spi.TransportProvider");
    }
  }

  private static Set<String> requires(String module) {
    return modules.get(module).requires().stream()
        .map(Requires::name)
        .filter(name -> !name.equals("java.base"))
        .collect(Collectors.toSet());
  }
}
