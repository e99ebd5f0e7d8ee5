package org.witrpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.witrpc.MethodDescription;
import org.witrpc.ServerDescription;
import org.witrpc.ServerReflection;
import org.witrpc.ServiceDescription;
import org.witrpc.server.WitServer;

/** The commands run in this JVM against servers in this JVM: output, exit codes, bad input. */
class CliCommandsTest {
  private static final String ID = UUID.randomUUID().toString().substring(0, 8);
  private static final String PLAIN = "pipe://cli-" + ID;
  private static final String GUARDED = "pipe://cli-token-" + ID;
  private static final String BLIND = "pipe://cli-blind-" + ID;
  private static final String TOKEN = "s3cret-" + ID;

  private static WitServer plain;
  private static WitServer guarded;
  private static WitServer blind;

  @TempDir Path tmp;

  @BeforeAll
  static void startServers() {
    plain = CliServerMain.server(PLAIN).start();
    guarded = CliServerMain.server(GUARDED, "token=" + TOKEN).start();
    blind = CliServerMain.server(BLIND, "noreflection").start();
  }

  @AfterAll
  static void closeServers() {
    for (WitServer s : new WitServer[] {plain, guarded, blind}) {
      if (s != null) {
        s.close();
      }
    }
  }

  @Test
  void callPrintsTheResultAsJson() {
    assertThat(Cli.run("call", PLAIN, "Calculator.add", "1", "2"))
        .satisfies(r -> assertThat(r.exitCode()).as(r.toString()).isZero())
        .extracting(Cli.Result::out)
        .isEqualTo("3" + System.lineSeparator());
    assertThat(Cli.run("call", PLAIN, "com.example.Calculator.slowEcho", "\"hi\"").out())
        .isEqualTo("\"hi\"" + System.lineSeparator());
    assertThat(Cli.run("call", PLAIN, "Calculator.add(int,int)", "2", "2").out()).startsWith("4");
  }

  @Test
  void whatTheServerSendsCannotDriveTheTerminal() {
    // C1 CSI and a bidi override pass Jackson's JSON escaping; the tool escapes them itself
    Cli.Result echoed = Cli.run("call", PLAIN, "Calculator.slowEcho", "\"a\u009b2Jb\u202ec\"");
    assertThat(echoed.exitCode()).as(echoed.toString()).isZero();
    assertThat(echoed.out()).doesNotContain("\u009b", "\u202e").contains("a\\u009b2Jb\\u202ec");
    Cli.Result failed = Cli.run("call", PLAIN, "Calculator.no\u009bpe\u001b[2J", "1");
    assertThat(failed.exitCode()).isNotZero();
    assertThat(failed.err()).doesNotContain("\u009b", "\u001b").contains("no\\u009bpe\\u001b[2J");
  }

  @Test
  void msgpackIsSpokenWhenAsked() {
    String uri = "pipe://cli-msgpack-" + ID;
    try (WitServer server =
        WitServer.builder()
            .service(com.example.Calculator.class, new com.example.CalculatorImpl())
            .serializer(org.witrpc.Serializers.messagePack())
            .transport(uri)
            .build()
            .start()) {
      assertThat(
              Cli.run(
                      "call",
                      "--serializer",
                      "msgpack",
                      server.address(),
                      "Calculator.add",
                      "5",
                      "6")
                  .out())
          .startsWith("11");
      Cli.Result mismatch = Cli.run("call", uri, "Calculator.add", "5", "6");
      assertThat(mismatch.exitCode()).as(mismatch.toString()).isEqualTo(ExitCode.REFUSED);
      assertThat(mismatch.err()).contains("--serializer");
    }
  }

  @Test
  void aMethodThatThrowsExitsWithTheRemoteErrorCode() {
    Cli.Result r = Cli.run("call", PLAIN, "Calculator.divide", "1", "0");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.REMOTE_ERROR);
    assertThat(r.err()).contains("500").contains("ArithmeticException").doesNotContain("\tat ");
    assertThat(r.err().lines()).hasSize(1);
  }

  @Test
  void badInputIsAUsageErrorNamingTheFix() {
    Cli.Result notJson = Cli.run("call", PLAIN, "Calculator.slowEcho", "hi");
    assertThat(notJson.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(notJson.err()).contains("argument 1 is not JSON").contains("'\"hi\"'");

    // one JSON value per argument: nothing after it is dropped, nothing empty becomes null
    Cli.Result twoValues = Cli.run("call", PLAIN, "Calculator.add", "1 2", "5");
    assertThat(twoValues.exitCode()).as(twoValues.toString()).isEqualTo(ExitCode.USAGE);
    assertThat(twoValues.err()).contains("argument 1 is not one JSON value");
    Cli.Result twoStrings = Cli.run("call", PLAIN, "Calculator.slowEcho", "\"a\" \"b\"");
    assertThat(twoStrings.exitCode()).as(twoStrings.toString()).isEqualTo(ExitCode.USAGE);
    Cli.Result empty = Cli.run("call", PLAIN, "Calculator.slowEcho", " ");
    assertThat(empty.exitCode()).as(empty.toString()).isEqualTo(ExitCode.USAGE);
    assertThat(empty.err()).contains("argument 1 is empty").contains("'\"\"'").contains("null");

    Cli.Result noService = Cli.run("call", PLAIN, "Nope.add", "1", "2");
    assertThat(noService.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(noService.err()).contains("no service Nope").contains("com.example.Calculator");

    Cli.Result arity = Cli.run("call", PLAIN, "Calculator.add", "1");
    assertThat(arity.exitCode()).as(arity.toString()).isEqualTo(ExitCode.USAGE);
    assertThat(arity.err()).contains("add(int a, int b)");

    Cli.Result noMethod = Cli.run("call", PLAIN, "Calculator");
    assertThat(noMethod.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(noMethod.err()).contains("Service.method");

    Cli.Result badOption = Cli.run("ping", "--bogus", PLAIN);
    assertThat(badOption.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(badOption.err()).contains("--bogus").contains("witrpc ping --help");

    Cli.Result badTimeout = Cli.run("ping", "--timeout", "soon", PLAIN);
    assertThat(badTimeout.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(badTimeout.err()).contains("500ms, 10s or 2m");

    Cli.Result badUri = Cli.run("ping", "nope://x");
    assertThat(badUri.exitCode()).as(badUri.toString()).isEqualTo(ExitCode.USAGE);
    assertThat(badUri.err()).contains("cannot use nope://x");
  }

  @Test
  void aDurationIsAtMostADay() {
    // a day is taken; more is a usage error naming the option, not an overflow
    String nobody = "pipe://cli-nobody-" + ID;
    Cli.Result aDay = Cli.run("call", PLAIN, "Calculator.add", "1", "2", "--timeout", "24h");
    assertThat(aDay.exitCode()).as(aDay.toString()).isZero();
    for (String huge : List.of("25h", "1441m", "3000000h", "999999999m", "999999999h")) {
      for (List<String> args :
          List.of(
              List.of("ping", nobody, "--timeout", huge),
              List.of("call", nobody, "Calculator.add", "1", "2", "--timeout", huge),
              List.of("watch", PLAIN, "Calculator.addProgressListener", "--duration", huge),
              List.of("list", "--network", "--wait", huge))) {
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err().lines().findFirst().orElseThrow())
            .as(r.toString())
            .contains(args.get(args.size() - 2))
            .contains("'" + huge + "': a duration must be at most 24h");
      }
    }
  }

  @Test
  void noServerIsCannotConnectPointingAtList() {
    Cli.Result r = Cli.run("call", "pipe://cli-nobody-" + ID, "Calculator.add", "1", "2");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.CANNOT_CONNECT);
    assertThat(r.err())
        .startsWith("witrpc: cannot connect to pipe://cli-nobody-" + ID)
        .contains("`witrpc list`");
    assertThat(r.err().lines()).hasSize(1);
  }

  @Test
  void theTokenComesFromTheEnvironmentOrAFileAndIsRefusedWithoutIt() throws IOException {
    Cli.Result without = Cli.run("call", GUARDED, "Calculator.add", "1", "2");
    assertThat(without.exitCode()).as(without.toString()).isEqualTo(ExitCode.REFUSED);
    assertThat(without.err()).contains("--token-env VAR or --token-file PATH");

    Cli.Result fromEnv =
        Cli.run(
            Map.of("CALC_TOKEN", TOKEN),
            "call",
            "--token-env",
            "CALC_TOKEN",
            GUARDED,
            "Calculator.add",
            "1",
            "2");
    assertThat(fromEnv.exitCode()).as(fromEnv.toString()).isZero();

    Path file = Files.writeString(tmp.resolve("token"), TOKEN + "\n");
    Cli.Result fromFile =
        Cli.run("call", "--token-file", file.toString(), GUARDED, "Calculator.add", "1", "2");
    assertThat(fromFile.exitCode()).as(fromFile.toString()).isZero();

    Cli.Result unset = Cli.run("call", "--token-env", "NOT_SET", GUARDED, "Calculator.add", "1");
    assertThat(unset.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(unset.err()).contains("NOT_SET is not set");
  }

  @Test
  void aTokenFileIsReadOnlyToItsFirstLineAndItsFailuresSayWhy() throws IOException {
    // only the first line is read, and no more of it than a token could be (not /dev/zero)
    Path endless = Files.writeString(tmp.resolve("endless"), "x".repeat(100_000));
    Cli.Result tooLong =
        Cli.run("call", "--token-file", endless.toString(), GUARDED, "Calculator.add", "1", "2");
    assertThat(tooLong.exitCode()).as(tooLong.toString()).isEqualTo(ExitCode.USAGE);
    assertThat(tooLong.err()).contains("no line break in its first 65536 characters");

    Path missing = tmp.resolve("missing");
    Cli.Result notThere =
        Cli.run("call", "--token-file", missing.toString(), GUARDED, "Calculator.add", "1", "2");
    assertThat(notThere.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(notThere.err()).contains(missing + " does not exist");

    Path crlf = Files.writeString(tmp.resolve("crlf"), TOKEN + "\r\nsecond line\n");
    Cli.Result windows =
        Cli.run("call", "--token-file", crlf.toString(), GUARDED, "Calculator.add", "1", "2");
    assertThat(windows.exitCode()).as(windows.toString()).isZero();
  }

  @Test
  void aServerThatTakesTheConnectionAndNeverAnswersIsATimeout() throws IOException {
    // the kernel completes the TCP handshake for the backlog; nothing ever answers
    try (java.net.ServerSocket silent =
        new java.net.ServerSocket(0, 4, java.net.InetAddress.getLoopbackAddress())) {
      String uri = "tcp://127.0.0.1:" + silent.getLocalPort();
      Cli.Result r = Cli.run("describe", "--timeout", "300ms", uri);

      assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.TIMEOUT);
      assertThat(r.err()).contains("no answer from " + uri + " within 300 ms");
      assertThat(r.err().lines()).hasSize(1);
    }
  }

  @Test
  void aListenerMethodIsNotCalledButWatched() {
    for (String method :
        List.of("Calculator.addProgressListener", "Calculator.removeProgressListener")) {
      Cli.Result r = Cli.run("call", PLAIN, method, "null");

      assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.USAGE);
      assertThat(r.err())
          .startsWith("witrpc: " + method + " is a listener method")
          .contains("witrpc watch " + PLAIN + " Calculator.addProgressListener")
          .doesNotContain("use subscribe");
      assertThat(r.err().lines()).hasSize(1);
    }
  }

  /** A server that describes itself as {@code description}, however wrong. */
  private static WitServer describingItselfAs(String uri, ServerDescription description) {
    return WitServer.builder()
        .service(ServerReflection.class, () -> description)
        .transport(uri)
        .build()
        .start();
  }

  private static MethodDescription method(String name, String key, int arity) {
    List<String> types = java.util.Collections.nCopies(arity, "int");
    List<String> names =
        java.util.stream.IntStream.range(0, arity).mapToObj(i -> "arg" + i).toList();
    return new MethodDescription(
        name, key, types, names, "int", false, false, false, false, "", List.of());
  }

  @Test
  @SuppressWarnings("try") // the server only has to run
  void namesFromAServerCannotForgeALineOfTheirOwn() {
    String uri = "pipe://cli-forger-" + ID;
    String forged = "evil\nwitrpc: forged.Calculator";
    ServerDescription d =
        new ServerDescription(
            5,
            "json",
            "pipe",
            Map.of(),
            List.of(
                new ServiceDescription(
                    "com.example.Calculator",
                    List.of(
                        method("echo", "echo(int\nwitrpc: forged)", 1),
                        method("echo", "echo(long)", 1))),
                new ServiceDescription(forged, List.of())));
    try (WitServer server = describingItselfAs(uri, d)) {
      for (List<String> args :
          List.of(
              List.of("call", uri, "Nope.add", "1"),
              List.of("describe", uri, "Nope"),
              List.of("call", uri, "Calculator.add", "1"),
              List.of("call", uri, "com.example.Calculator.echo", "1"),
              List.of("call", uri, "com.example.Calculator.nope", "1"))) {
        Cli.Result r = Cli.run(args.toArray(String[]::new));

        assertThat(r.exitCode()).as(r.toString()).isNotZero();
        assertThat(r.err().lines()).as(r.toString()).hasSize(1);
        assertThat(r.err()).as(r.toString()).startsWith("witrpc: ");
      }
      assertThat(Cli.run("call", uri, "Nope.add", "1").err())
          .contains("it offers: com.example.Calculator, evil\\u000awitrpc: forged.Calculator");
      assertThat(Cli.run("call", uri, "Calculator.add", "1").err())
          .contains("Calculator is ambiguous")
          .contains("evil\\u000awitrpc: forged.Calculator");
    }
  }

  @Test
  @SuppressWarnings("try") // the server only has to run
  void aMalformedKeyInTheServersDescriptionIsTheServersErrorNotAUsageError() {
    String uri = "pipe://cli-malformed-" + ID;
    ServerDescription d =
        new ServerDescription(
            5,
            "json",
            "pipe",
            Map.of(),
            List.of(
                new ServiceDescription(
                    "com.example.Calculator", List.of(method("add", "add(int", 2)))));
    try (WitServer server = describingItselfAs(uri, d)) {
      Cli.Result r = Cli.run("call", uri, "Calculator.add", "1", "2");

      assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.REMOTE_ERROR);
      assertThat(r.err())
          .startsWith("witrpc: " + uri + " describes itself wrongly")
          .contains("'add(int'");
    }
  }

  @Test
  void pingKeepsItsCountWithinWhatItCanHold() {
    Cli.Result huge = Cli.run("ping", "-n", "2000000000", PLAIN);
    assertThat(huge.exitCode()).as(huge.toString()).isEqualTo(ExitCode.USAGE);
    assertThat(huge.err()).contains("--count must be from 1 to 1000000");
  }

  @Test
  void describeShowsSignaturesAndListeners() {
    Cli.Result r = Cli.run("describe", PLAIN);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("com.example.Calculator")
        .contains("int add(int a, int b)")
        .contains("java.util.concurrent.CompletableFuture<String> slowEcho(String s)  [async]")
        .contains(
            "void addProgressListener(com.example.ProgressListener l)  [events:"
                + " onProgress(int percent)]")
        .doesNotContain("ServerReflection")
        .as("keys of methods that are not overloaded")
        .doesNotContain("[key");

    Cli.Result one = Cli.run("describe", PLAIN, "Calculator");
    assertThat(one.exitCode()).as(one.toString()).isZero();
    assertThat(one.out()).contains("int add(int a, int b)");
    Cli.Result none = Cli.run("describe", PLAIN, "Abacus");
    assertThat(none.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(none.err()).contains("has no service Abacus; it offers: com.example.Calculator");
  }

  /** A service with overloads, which are called by their keys. */
  public interface Echoes {
    int echo(int number);

    String echo(String text);

    java.util.List<String> echo(java.util.List<String> texts, int times);
  }

  @Test
  @SuppressWarnings("try") // the server only has to run
  void describeShowsTheKeysOfOverloadsAndCallTakesThem() {
    String uri = "pipe://cli-overloads-" + ID;
    Echoes echoes =
        new Echoes() {
          @Override
          public int echo(int number) {
            return number;
          }

          @Override
          public String echo(String text) {
            return text;
          }

          @Override
          public java.util.List<String> echo(java.util.List<String> texts, int times) {
            return java.util.Collections.nCopies(times, String.join("", texts));
          }
        };
    try (WitServer server =
        WitServer.builder().service(Echoes.class, echoes).transport(uri).build().start()) {
      Cli.Result described = Cli.run("describe", uri);
      assertThat(described.exitCode()).as(described.toString()).isZero();
      assertThat(described.out())
          .contains("int echo(int number)  [key echo(int)]")
          .contains("String echo(String text)  [key echo(java.lang.String)]")
          .contains(
              "java.util.List<String> echo(java.util.List<String> texts, int times)"
                  + "  [key echo(java.util.List,int)]");

      Cli.Result ambiguous = Cli.run("call", uri, "Echoes.echo", "7");
      assertThat(ambiguous.exitCode()).as(ambiguous.toString()).isEqualTo(ExitCode.USAGE);
      assertThat(ambiguous.err())
          .contains("echo(int number) [key echo(int)]")
          .contains("echo(java.lang.String text) [key echo(java.lang.String)]");

      Cli.Result byKey =
          Cli.run(
              "call",
              uri,
              Echoes.class.getName() + ".echo(java.util.List,int)",
              "[\"a\",\"b\"]",
              "2");
      assertThat(byKey.exitCode()).as(byKey.toString()).isZero();
      assertThat(byKey.out().strip()).isEqualTo("[\"ab\",\"ab\"]");
    }
  }

  @Test
  void reflectionOffRefusesDescribeWithItsOwnExitCode() {
    Cli.Result r = Cli.run("describe", BLIND);

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.REFLECTION_OFF);
    assertThat(r.err()).contains("has reflection off").contains("add(int,int)");
    assertThat(Cli.run("call", BLIND, "Calculator.add", "1", "2").exitCode())
        .isEqualTo(ExitCode.REFLECTION_OFF);
    Cli.Result byKey = Cli.run("call", BLIND, "com.example.Calculator.add(int,int)", "1", "2");
    assertThat(byKey.exitCode()).as(byKey.toString()).isZero();
    assertThat(byKey.out()).startsWith("3");
    assertThat(Cli.run("ping", "-n", "5", BLIND).exitCode()).isZero();

    // events are read through the description: watch needs it, by name or by key alike
    for (String method :
        List.of(
            "Calculator.addProgressListener",
            "com.example.Calculator.addProgressListener(com.example.ProgressListener)")) {
      Cli.Result watch = Cli.run("watch", BLIND, method, "--count", "1");
      assertThat(watch.exitCode()).as(watch.toString()).isEqualTo(ExitCode.REFLECTION_OFF);
      assertThat(watch.err()).contains("has reflection off").contains("watch");
    }
  }

  @Test
  void watchPrintsEventsAsJsonLinesUntilTheCount() {
    Cli.Result r = Cli.run("watch", PLAIN, "Calculator.addProgressListener", "--count", "3");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out().lines())
        .containsExactly(
            "{\"event\":\"onProgress\",\"args\":[1]}",
            "{\"event\":\"onProgress\",\"args\":[2]}",
            "{\"event\":\"onProgress\",\"args\":[3]}");
  }

  @Test
  void watchStopsAfterTheDuration() {
    Cli.Result r = Cli.run("watch", PLAIN, "Calculator.addProgressListener", "--duration", "200ms");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out().lines()).allMatch(l -> l.startsWith("{\"event\":\"onProgress\""));
  }

  @Test
  void pingReportsConnectTimeAndPercentiles() {
    Cli.Result r = Cli.run("ping", "-n", "20", PLAIN);

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .containsPattern("connected to " + PLAIN + " in \\d+\\.\\d{3} ms")
        .containsPattern(
            "20 calls of ServerPing.ping\\(\\): p50 [\\d.]+ ms, p90 [\\d.]+ ms, p99"
                + " [\\d.]+ ms, max [\\d.]+ ms");
  }

  @Test
  void listShowsTheServersOfThisProcessAsLive() {
    Cli.Result r = Cli.run("list");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out().lines())
        .anyMatch(
            l ->
                l.matches(
                    "cli-"
                        + ID
                        + " +pipe +"
                        + ProcessHandle.current().pid()
                        + " +\\d+s +LIVE +Calculator"));
    assertThat(Cli.run("list", "--json").out()).contains("\"uri\":\"" + PLAIN + "\"");
  }

  @Test
  void helpListsTheExitCodesAndCompletionIsGenerated() {
    Cli.Result help = Cli.run("--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("Exit codes:").contains("6 reflection is off");

    Cli.Result completion = Cli.run("generate-completion");
    assertThat(completion.exitCode()).isZero();
    assertThat(completion.out()).contains("complete").contains("describe");
  }
}
