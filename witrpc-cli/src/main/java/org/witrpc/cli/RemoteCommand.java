package org.witrpc.cli;

import java.io.PrintWriter;
import org.witrpc.client.WitClient;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What the commands that talk to one server share: its URI (the first parameter), the connection
 * options and the connect.
 *
 * <p>Thread safety: not thread-safe; filled by picocli, then run once.
 */
abstract class RemoteCommand {
  @ParentCommand Witrpc root;
  @Spec CommandSpec spec;
  @Mixin ConnectionOptions connection;

  @Parameters(
      index = "0",
      paramLabel = "URI",
      description = "The server: pipe://NAME, mmf://NAME, tcp://HOST:PORT, ws://HOST:PORT/PATH.")
  String uri;

  /** A client connected to {@link #uri}; see {@link ConnectionOptions#connect}. */
  WitClient connect() {
    return connection.connect(uri, root.environment());
  }

  /** Where the command prints its result. */
  PrintWriter out() {
    return spec.commandLine().getOut();
  }
}
