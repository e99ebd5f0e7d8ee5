package org.witrpc.cli;

import com.example.Calculator;
import com.example.CalculatorImpl;
import java.io.IOException;
import java.io.InputStream;
import org.witrpc.server.WitServer;

/**
 * A calculator server for the CLI's end-to-end tests, in its own JVM: {@code URI [noreflection]
 * [token=TOKEN]}. Prints {@code READY <address>}, serves until its stdin ends, then closes.
 */
public final class CliServerMain {
  private CliServerMain() {}

  public static void main(String[] args) throws IOException {
    WitServer server = server(args).start();
    System.out.println("READY " + server.address());
    try (InputStream in = System.in) {
      while (in.read() >= 0) {
        // until the test closes our stdin (or dies)
      }
    } finally {
      server.close();
    }
  }

  static WitServer server(String... args) {
    WitServer.Builder builder =
        WitServer.builder().service(Calculator.class, new CalculatorImpl()).transport(args[0]);
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("noreflection")) {
        builder.reflection(false);
      } else if (args[i].startsWith("token=")) {
        builder.accessToken(args[i].substring("token=".length()));
      } else {
        throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    return builder.build();
  }
}
