package org.witrpc.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.witrpc.Serializers;
import org.witrpc.WitSecurityException;
import org.witrpc.WitTimeoutException;
import org.witrpc.WitTransportException;
import org.witrpc.client.WitClient;
import org.witrpc.spi.Serializer;
import picocli.CommandLine.Option;

/**
 * The options of every command that talks to a server, and the connect that uses them. The access
 * token is never an option value (it would show in {@code ps} and the shell's history): it comes
 * from an environment variable or a file.
 *
 * <p>Thread safety: not thread-safe; filled by picocli, then used by one command.
 */
final class ConnectionOptions {
  /** The serializers a server can use. */
  enum SerializerName {
    json,
    msgpack
  }

  @Option(
      names = "--token-env",
      paramLabel = "VAR",
      description = "Read the server's access token from environment variable VAR.")
  String tokenEnv;

  @Option(
      names = "--token-file",
      paramLabel = "PATH",
      description = "Read the server's access token from the first line of file PATH.")
  Path tokenFile;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description =
          "Timeout of the connect and of each call: 500ms, 10s, 2m (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(
      names = "--serializer",
      defaultValue = "json",
      description =
          "The server's serializer: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  SerializerName serializer;

  @Option(
      names = "--encrypt",
      description = "Encrypt the connection (for a server built with encryption(true)).")
  boolean encrypt;

  /**
   * A connected client of {@code uri}.
   *
   * @throws CliFailure if the token cannot be read, the server cannot be reached or refuses us,
   *     with the exit code and a message naming the fix
   */
  WitClient connect(String uri, Map<String, String> environment) {
    WitClient.Builder builder =
        WitClient.builder().serializer(serializer()).encryption(encrypt).timeout(timeout);
    String token = token(environment);
    if (token != null) {
      builder.accessToken(token);
    }
    WitClient client;
    try {
      client = builder.transport(uri).build();
    } catch (IllegalArgumentException | IllegalStateException | WitTransportException e) {
      throw new CliFailure(
          ExitCode.USAGE,
          "cannot use "
              + uri
              + ": "
              + ExitCode.oneLine(e)
              + " (URIs: pipe://NAME, mmf://NAME,"
              + " tcp://HOST:PORT, ws://HOST:PORT/PATH)");
    }
    try {
      client.connect(timeout);
      return client;
    } catch (WitSecurityException e) {
      client.close();
      throw new CliFailure(
          ExitCode.REFUSED,
          "refused by "
              + uri
              + ": "
              + ExitCode.oneLine(e)
              + " (give its token with --token-env VAR or --token-file PATH, and its --serializer"
              + " and --encrypt settings)");
    } catch (WitTimeoutException e) {
      client.close();
      throw new CliFailure(
          ExitCode.TIMEOUT,
          "no answer from " + uri + " within " + timeout.toMillis() + " ms (raise --timeout)");
    } catch (WitTransportException e) {
      client.close();
      String message = ExitCode.oneLine(e);
      throw new CliFailure(
          ExitCode.CANNOT_CONNECT,
          (message.startsWith("cannot connect to ") ? "" : "cannot connect to " + uri + ": ")
              + message
              + " (is it running? `witrpc list` shows the servers of this machine)");
    }
  }

  private Serializer serializer() {
    return serializer == SerializerName.msgpack ? Serializers.messagePack() : Serializers.json();
  }

  private String token(Map<String, String> environment) {
    if (tokenEnv != null && tokenFile != null) {
      throw new CliFailure(ExitCode.USAGE, "give --token-env or --token-file, not both");
    }
    if (tokenEnv != null) {
      String token = environment.get(tokenEnv);
      if (token == null || token.isEmpty()) {
        throw new CliFailure(
            ExitCode.USAGE,
            "environment variable " + tokenEnv + " is not set (export it, or use --token-file)");
      }
      return token;
    }
    if (tokenFile != null) {
      try {
        return Files.readAllLines(tokenFile, StandardCharsets.UTF_8).stream()
            .findFirst()
            .map(String::strip)
            .filter(t -> !t.isEmpty())
            .orElseThrow(
                () ->
                    new CliFailure(
                        ExitCode.USAGE,
                        "token file " + tokenFile + " is empty (put the token in its first line)"));
      } catch (IOException e) {
        throw new CliFailure(
            ExitCode.USAGE, "cannot read token file " + tokenFile + ": " + ExitCode.oneLine(e));
      }
    }
    return null;
  }
}
