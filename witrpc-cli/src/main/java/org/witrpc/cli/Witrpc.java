package org.witrpc.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code witrpc} command-line tool: lists the servers of this machine, describes one, calls its
 * methods with JSON arguments, watches its events and measures its latency. Exit codes are in
 * {@link ExitCode}; every failure is one line on stderr naming the fix.
 *
 * <p>Thread safety: one instance runs one command line, on the calling thread.
 */
@Command(
    name = "witrpc",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "See and poke witrpc servers: list, describe, call, watch, ping.",
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0 ok            1 remote error (the server answered with an error status)",
      "  2 usage         3 cannot connect (no server, connection lost, server busy)",
      "  4 timeout       5 refused (access token or settings: serializer, encryption)",
      "  6 reflection is off on the server (describe, or a name that needs it)"
    },
    subcommands = {
      ListCommand.class,
      DescribeCommand.class,
      CallCommand.class,
      WatchCommand.class,
      PingCommand.class,
      AutoComplete.GenerateCompletion.class
    })
public final class Witrpc {
  private final Map<String, String> environment;

  Witrpc(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /** The environment variables the command sees ({@code --token-env} reads one). */
  Map<String, String> environment() {
    return environment;
  }

  /** Runs the command line and exits with its {@link ExitCode}. */
  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(run(System.getenv(), out, err, args));
  }

  /** Runs {@code args} with this environment and these streams; returns the exit code. */
  static int run(
      Map<String, String> environment, PrintWriter out, PrintWriter err, String... args) {
    return run(environment, CommandLine.defaultFactory(), out, err, args);
  }

  /**
   * As {@link #run(Map, PrintWriter, PrintWriter, String...)}, making commands with {@code
   * factory}.
   */
  static int run(
      Map<String, String> environment,
      CommandLine.IFactory factory,
      PrintWriter out,
      PrintWriter err,
      String... args) {
    Objects.requireNonNull(environment, "environment == null");
    CommandLine line = new CommandLine(new Witrpc(environment), factory);
    // what a server sends (names, results, errors) must not reach the terminal raw
    PrintWriter safeOut = TerminalSafeWriter.wrap(out);
    PrintWriter safeErr = TerminalSafeWriter.wrap(err);
    line.setOut(safeOut);
    line.setErr(safeErr);
    line.setExitCodeExceptionMapper(ExitCode::of);
    line.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          // one line, whatever a server put in the names or messages the failure quotes
          commandLine.getErr().println("witrpc: " + TerminalSafeWriter.field(ExitCode.message(e)));
          return ExitCode.of(e);
        });
    line.setParameterExceptionHandler(
        (e, args2) -> {
          CommandLine failed = e.getCommandLine();
          failed.getErr().println("witrpc: " + e.getMessage());
          failed
              .getErr()
              .println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for usage.");
          return ExitCode.USAGE;
        });
    int code;
    try {
      code = line.execute(args);
    } catch (OutOfMemoryError e) {
      // what a server sends is bounded by the client's frame limit, not by this JVM's heap
      safeErr.println(
          "witrpc: out of memory (the server's answer may be larger than this JVM's heap: raise it"
              + " with WITRPC_JAVA_OPTS=-Xmx1g)");
      code = ExitCode.REMOTE_ERROR;
    }
    safeOut.flush();
    safeErr.flush();
    return code;
  }
}
