package org.witrpc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A modular application ({@code src/test/modular/com.example.calc}: a named module that requires
 * {@code org.witrpc.server} and {@code org.witrpc.client} and exports its service interface's
 * package, as the README says) is compiled against witrpc's modules and run on the module path: a
 * server JVM and a client JVM, over {@code mmf://}, {@code pipe://}, {@code tcp://} and {@code
 * ws://} (loopback), with encryption and a token, calls, an async call, a record argument and
 * events; and as a host that starts its own main as a worker process. Nothing of witrpc is on the
 * class path of any JVM.
 */
class ModulePathIT {
  private static final String APP = "com.example.calc";
  private static final String MAIN = APP + "/com.example.calc.app.Main";

  @RegisterExtension final ChildJvms jvms = new ChildJvms();

  private static String witrpcModulePath;
  private static Path appClasses;

  @BeforeAll
  static void compileTheApplication() throws IOException {
    assertThat(WitrpcModules.onClassPath(WitrpcModules.LIBRARY))
        .as("witrpc's library modules on the test class path")
        .hasSize(8);
    witrpcModulePath = WitrpcModules.modulePath();
    appClasses = Files.createTempDirectory(Path.of("target"), "modular-app-");
    String errors = compile(Path.of("src/test/modular", APP), appClasses);
    assertThat(errors).as("javac's output for the modular application").isEmpty();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"mmf, json", "pipe, messagePack", "tcp, json", "ws, messagePack"})
  void aModularApplicationServesAndCallsOnTheModulePath(String scheme, String serializer)
      throws Exception {
    String uri =
        scheme.equals("tcp")
            ? "tcp://127.0.0.1:0"
            : scheme.equals("ws")
                ? "ws://127.0.0.1:0/calc"
                : scheme + "://module-it-" + UUID.randomUUID().toString().substring(0, 8);
    String modulePath = witrpcModulePath + File.pathSeparator + appClasses;
    List<String> jvmOptions = new ArrayList<>(ChildJvms.SHORT_LIVED);
    jvmOptions.add("-Dcalc.token=" + UUID.randomUUID());
    String ser = serializer.equals("json") ? "json" : "msgpack";

    ChildJvm server = jvms.startModule("server", jvmOptions, modulePath, MAIN, "server", uri, ser);
    // the server prints the address it really serves (for tcp and ws, the ephemeral port it got)
    String address = server.awaitLine("READY ", Duration.ofSeconds(30)).substring(6);
    ChildJvm client =
        jvms.startModule("client", jvmOptions, modulePath, MAIN, "client", address, ser);
    assertThat(client.awaitExit(Duration.ofSeconds(60))).as(client.output()).isZero();

    List<String> printed = Files.readAllLines(client.stdoutFile());
    assertThat(printed)
        .as(client.output())
        .contains(
            "add=5",
            "midpoint=Point[x=1.0, y=2.0]",
            "echoLater=hi!",
            "events=true [25, 50, 75, 100]",
            "module.app=com.example.calc",
            "module.core=org.witrpc",
            "module.server=org.witrpc.server",
            "module.client=org.witrpc.client",
            // found through ServiceLoader: no module requires the transports
            "module.present.org.witrpc.transport.mmf=true",
            "module.present.org.witrpc.transport.pipes=true",
            "module.present.org.witrpc.transport.tcp=true",
            "module.present.org.witrpc.transport.websocket=true",
            "internal.exportedToApp=false",
            "internal.exportedToClient=true");
    assertThat(Files.readAllLines(server.stdoutFile()))
        .as(server.output())
        .contains("module.server=org.witrpc.server", "internal.exportedToApp=false");
  }

  /**
   * {@code JavaCommand.mainClass(Main.class)} in a modular host starts the worker as the host runs:
   * on the module path, {@code -m com.example.calc/...} (it put only the empty class path on the
   * worker's command line, which then failed to find the class).
   */
  @Test
  void aModularHostStartsItsOwnMainAsAWorkerOnTheModulePath() throws Exception {
    String modulePath = witrpcModulePath + File.pathSeparator + appClasses;
    ChildJvm host = jvms.startModule("host", ChildJvms.SHORT_LIVED, modulePath, MAIN, "host");
    assertThat(host.awaitExit(Duration.ofSeconds(90))).as(host.output()).isZero();
    assertThat(Files.readAllLines(host.stdoutFile())).as(host.output()).contains("worker.add=5");
  }

  @Test
  void anApplicationCannotCompileAgainstWitrpcInternals(@TempDir Path dir) throws IOException {
    Path source = dir.resolve("src");
    Files.createDirectories(source.resolve("com/example/snoop"));
    Files.writeString(
        source.resolve("module-info.java"), "module com.example.snoop { requires org.witrpc; }\n");
    Files.writeString(
        source.resolve("com/example/snoop/Snoop.java"),
        "package com.example.snoop;\n"
            + "public class Snoop { org.witrpc.internal.Handshake handshake; }\n");

    String errors = compile(source, dir.resolve("out"));

    assertThat(errors)
        .contains("package org.witrpc.internal is declared in module org.witrpc")
        .contains("does not export it");
  }

  /** Compiles every source below {@code sourceRoot} against witrpc's modules; javac's output. */
  private static String compile(Path sourceRoot, Path out) throws IOException {
    // In-process javac would default its class path to this JVM's, where witrpc sits unnamed.
    Path emptyClassPath = Files.createDirectories(out.resolveSibling(out.getFileName() + "-cp"));
    List<String> args =
        new ArrayList<>(
            List.of(
                "--release",
                "17",
                "-Xlint:all",
                "--class-path",
                emptyClassPath.toString(),
                "--module-path",
                witrpcModulePath,
                "-d",
                out.toString()));
    try (Stream<Path> files = Files.walk(sourceRoot)) {
      args.addAll(
          files
              .filter(p -> p.toString().endsWith(".java"))
              .map(Path::toString)
              .collect(Collectors.toList()));
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    javac.run(null, output, output, args.toArray(String[]::new));
    return output.toString(StandardCharsets.UTF_8);
  }
}
