package org.witrpc.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
          "Timeout of the connect and of each call: 500ms, 10s, 2m, at most "
              + DurationConverter.MAX_TEXT
              + " (default:"
              + " ${DEFAULT-VALUE}).")
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
    long start = System.nanoTime();
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
      if (System.nanoTime() - start >= timeout.toNanos()) {
        // the time ran out (a server that took the connection and never answered, or a host
        // that drops the connection's packets): a timeout, whatever the transport calls it
        throw new CliFailure(
            ExitCode.TIMEOUT,
            "no answer from "
                + uri
                + " within "
                + timeout.toMillis()
                + " ms (is it a witrpc server, reachable and not stuck? raise --timeout to wait"
                + " longer)");
      }
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
      return firstLine(tokenFile);
    }
    return null;
  }

  /** The longest first line a token file may have: a token is far shorter. */
  static final int MAX_TOKEN_CHARS = 64 * 1024;

  /** The first line of a token file, stripped; read no further than {@link #MAX_TOKEN_CHARS}. */
  static String firstLine(Path file) {
    StringBuilder line = new StringBuilder();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (int c = reader.read(); c != -1 && c != '\n' && c != '\r'; c = reader.read()) {
        if (line.length() == MAX_TOKEN_CHARS) {
          throw new CliFailure(
              ExitCode.USAGE,
              "token file "
                  + file
                  + " has no line break in its first "
                  + MAX_TOKEN_CHARS
                  + " characters (put the token in its first line)");
        }
        line.append((char) c);
      }
    } catch (NoSuchFileException e) {
      throw new CliFailure(ExitCode.USAGE, "token file " + file + " does not exist");
    } catch (AccessDeniedException e) {
      throw new CliFailure(ExitCode.USAGE, "token file " + file + " is not readable by this user");
    } catch (IOException | UncheckedIOException e) {
      throw new CliFailure(
          ExitCode.USAGE,
          "cannot read token file "
              + file
              + ": "
              + e.getClass().getSimpleName()
              + ": "
              + ExitCode.oneLine(e));
    }
    String token = line.toString().strip();
    if (token.isEmpty()) {
      throw new CliFailure(
          ExitCode.USAGE, "token file " + file + " is empty (put the token in its first line)");
    }
    return token;
  }
}
