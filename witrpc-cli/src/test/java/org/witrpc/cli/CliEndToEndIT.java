package org.witrpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.witrpc.process.ChildProcess;
import org.witrpc.process.JavaCommand;
import org.witrpc.process.WorkerOutput;
import org.witrpc.spi.RuntimeDirectory;

/**
 * The tool against servers in other JVMs: list, describe, call, watch and ping over {@code
 * pipe://}, {@code mmf://} and {@code tcp://}; a server killed with -9 listed as stale; reflection
 * off; and the runnable jar itself, run as a user runs it.
 */
class CliEndToEndIT {
  private static final Duration START = Duration.ofSeconds(60);
  private static final String ID = UUID.randomUUID().toString().substring(0, 8);

  @TempDir Path logs;
  private final List<ChildProcess> children = new ArrayList<>();

  @AfterEach
  void stopChildren() {
    children.forEach(ChildProcess::close);
  }

  @ParameterizedTest
  @ValueSource(strings = {"pipe://cli-e2e-", "mmf://cli-e2e-", "tcp://127.0.0.1:0"})
  void listDescribeCallWatchAndPingAServerInAnotherJvm(String prefix) throws Exception {
    String requested = prefix.endsWith("-") ? prefix + ID : prefix;
    ChildProcess server = startServer("server", requested);
    String uri = address(server);

    Cli.Result list = Cli.run("list");
    assertThat(list.out().lines())
        .as(list.toString())
        .anyMatch(l -> l.matches(row(uri, server.pid(), "LIVE")));

    Cli.Result describe = Cli.run("describe", uri);
    assertThat(describe.exitCode()).as(describe.toString()).isZero();
    assertThat(describe.out()).startsWith(uri + "  protocol ").contains("int add(int a, int b)");

    Cli.Result call = Cli.run("call", uri, "Calculator.add", "20", "22");
    assertThat(call.exitCode()).as(call.toString()).isZero();
    assertThat(call.out()).isEqualTo("42" + System.lineSeparator());

    Cli.Result watch = Cli.run("watch", uri, "Calculator.addProgressListener", "--count", "2");
    assertThat(watch.exitCode()).as(watch.toString()).isZero();
    assertThat(watch.out().lines())
        .containsExactly(
            "{\"event\":\"onProgress\",\"args\":[1]}", "{\"event\":\"onProgress\",\"args\":[2]}");

    Cli.Result ping = Cli.run("ping", "-n", "20", uri);
    assertThat(ping.exitCode()).as(ping.toString()).isZero();
    assertThat(ping.out()).contains("20 calls of ServerPing.ping(): p50 ");
  }

  @Test
  void aServerKilledWithMinus9IsListedAsStaleAndCannotBeReached() throws Exception {
    ChildProcess server = startServer("doomed", "pipe://cli-doomed-" + ID);
    String uri = address(server);
    assertThat(Cli.run("list").out().lines())
        .anyMatch(l -> l.matches(row(uri, server.pid(), "LIVE")));

    server.kill();

    Cli.Result list = Cli.run("list");
    assertThat(list.out().lines())
        .as(list.toString())
        .anyMatch(l -> l.matches(row(uri, server.pid(), "STALE")));
    assertThat(Cli.run("list", "--json").out())
        .contains("\"uri\":\"" + uri + "\",\"transport\":\"pipe\",\"pid\":" + server.pid());
    Cli.Result call = Cli.run("call", uri, "Calculator.add", "1", "2");
    assertThat(call.exitCode()).as(call.toString()).isEqualTo(ExitCode.CANNOT_CONNECT);
    removeFilesOf(server.pid(), "cli-doomed-" + ID);
  }

  @Test
  void aServerStoppedWithSigtermLeavesNoEntry() throws Exception {
    ChildProcess server = startServer("terminated", "pipe://cli-terminated-" + ID);
    String uri = address(server);
    ProcessHandle handle = ProcessHandle.of(server.pid()).orElseThrow();

    handle.destroy(); // SIGTERM: the JVM runs its shutdown hooks; the server is never closed
    handle.onExit().get(60, TimeUnit.SECONDS);

    Cli.Result list = Cli.run("list");
    assertThat(list.out().lines()).as(list.toString()).noneMatch(l -> l.contains(uri));
    try (DirectoryStream<Path> left =
        Files.newDirectoryStream(
            RuntimeDirectory.defaultDirectory().resolve("servers"), server.pid() + "-*.json")) {
      assertThat(left).isEmpty();
    }
  }

  /** What the killed server left: its announcement and its socket (else swept later). */
  private static void removeFilesOf(long pid, String socketName) throws IOException {
    Path runtime = RuntimeDirectory.defaultDirectory();
    try (DirectoryStream<Path> announcements =
        Files.newDirectoryStream(runtime.resolve("servers"), pid + "-*.json")) {
      for (Path file : announcements) {
        Files.delete(file);
      }
    }
    Files.deleteIfExists(runtime.resolve(socketName + ".sock"));
  }

  @Test
  void describeOfAServerWithReflectionOffFailsClearly() throws Exception {
    ChildProcess server = startServer("blind", "mmf://cli-blind-" + ID, "noreflection");
    String uri = address(server);

    Cli.Result describe = Cli.run("describe", uri);

    assertThat(describe.exitCode()).as(describe.toString()).isEqualTo(ExitCode.REFLECTION_OFF);
    assertThat(describe.err())
        .isEqualTo(
            "witrpc: "
                + uri
                + " has reflection off (WitServer.Builder.reflection(false)), so it cannot be"
                + " described; call it with the interface's full name and the method's key, for"
                + " example com.example.Calculator.add(int,int)"
                + System.lineSeparator());
  }

  @Test
  void theRunnableJarFindsEveryTransportAndExitsWithTheDocumentedCodes() throws Exception {
    Path jar = Path.of("target", "witrpc.jar");
    assertThat(jar).as("built by the package phase").exists();
    ChildProcess server = startServer("jarserver", "mmf://cli-jar-" + ID);
    String uri = address(server);

    assertThat(runJar(jar, "call", uri, "Calculator.add", "2", "3")).isEqualTo("exit 0: 5");
    assertThat(runJar(jar, "list", "--json")).contains("\"uri\":\"" + uri + "\"");
    assertThat(runJar(jar, "call", "tcp://127.0.0.1:1", "Calculator.add", "2", "3"))
        .startsWith("exit 3: ");
    assertThat(runJar(jar, "call", uri, "Calculator.add", "two", "3")).startsWith("exit 2: ");
  }

  /** Runs the jar; returns "exit CODE: " and its stdout (trimmed). */
  private String runJar(Path jar, String... args)
      throws IOException, InterruptedException, TimeoutException {
    String name = "cli-" + children.size();
    ChildProcess cli =
        ChildProcess.start(
            name, JavaCommand.jar(jar).jvmOptions("-Xmx256m").args(args), WorkerOutput.files(logs));
    children.add(cli);
    cli.closeInput();
    if (!cli.process().waitFor(START.toSeconds(), TimeUnit.SECONDS)) {
      throw new TimeoutException("witrpc " + String.join(" ", args) + ": " + cli.outputTail());
    }
    // the output files are complete once the child is gone and its pumps are drained
    cli.stop(Duration.ofSeconds(5));
    return "exit "
        + cli.process().exitValue()
        + ": "
        + Files.readString(logs.resolve(name + ".out")).strip();
  }

  private ChildProcess startServer(String name, String... args) throws IOException {
    ChildProcess child =
        ChildProcess.start(
            name,
            JavaCommand.mainClass(CliServerMain.class).jvmOptions("-Xmx256m").args(args),
            WorkerOutput.files(logs));
    children.add(child);
    return child;
  }

  private static String address(ChildProcess server) throws Exception {
    return server.awaitLine("READY ", START).substring("READY ".length());
  }

  /** A row of the list table for the server at {@code uri}. */
  private static String row(String uri, long pid, String state) {
    String name = uri.substring(uri.indexOf("://") + 3);
    String scheme = uri.substring(0, uri.indexOf(':'));
    String uptime = state.equals("LIVE") ? "\\d\\S*" : "-";
    return java.util.regex.Pattern.quote(name)
        + " +"
        + scheme
        + " +"
        + pid
        + " +"
        + uptime
        + " +"
        + state
        + " +Calculator";
  }
}
