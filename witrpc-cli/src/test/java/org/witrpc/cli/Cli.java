package org.witrpc.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import picocli.CommandLine;

/** Runs the tool in this JVM, as a test would run it from a shell. */
final class Cli {
  /** What a run printed and returned. */
  record Result(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  private Cli() {}

  static Result run(String... args) {
    return run(Map.of(), args);
  }

  static Result run(Map<String, String> environment, String... args) {
    return run(environment, CommandLine.defaultFactory(), args);
  }

  /** Runs with {@code list --network} hearing what {@code listener} returns. */
  static Result runListening(ListCommand.NetworkListener listener, String... args) {
    CommandLine.IFactory factory =
        new CommandLine.IFactory() {
          @Override
          public <K> K create(Class<K> type) throws Exception {
            return type == ListCommand.class
                ? type.cast(new ListCommand(listener))
                : CommandLine.defaultFactory().create(type);
          }
        };
    return run(Map.of(), factory, args);
  }

  private static Result run(
      Map<String, String> environment, CommandLine.IFactory factory, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Witrpc.run(environment, factory, new PrintWriter(out), new PrintWriter(err), args);
    return new Result(code, out.toString(), err.toString());
  }
}
