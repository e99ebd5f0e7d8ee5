package org.witrpc.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.witrpc.spi.Serializer;

/**
 * Everything a {@link WorkerProcessBuilder} was told, checked and frozen: how to run the worker and
 * how to talk to it.
 *
 * @param command the command line; the first element is the executable
 * @param environment variables added to the host's environment for the worker
 * @param directory the worker's working directory, or null for the host's
 * @param scheme {@code mmf} or {@code pipe}
 * @param transportOptions the URI query for the transport ({@code size=8MiB}), or empty
 * @param serializer the serializer of both sides
 * @param encryption whether the connection is encrypted
 * @param startTimeout how long a start may take until the worker serves
 * @param callTimeout the host client's timeout per call
 * @param output where the worker's stdout and stderr go
 * @param restartPolicy the restart policy, if any
 * @param healthCheck the health check, if any
 * @param listeners told of every state change
 */
record WorkerSpec(
    List<String> command,
    Map<String, String> environment,
    Path directory,
    String scheme,
    String transportOptions,
    Serializer serializer,
    boolean encryption,
    Duration startTimeout,
    Duration callTimeout,
    WorkerOutput output,
    Optional<RestartPolicy> restartPolicy,
    Optional<HealthCheck> healthCheck,
    List<WorkerListener> listeners) {

  /** The URI of the worker's server and of the host's client for transport name {@code name}. */
  String uri(String name) {
    return scheme + "://" + name + (transportOptions.isEmpty() ? "" : "?" + transportOptions);
  }

  /** The command line for messages, with a long class path shortened. */
  String describeCommand() {
    StringBuilder b = new StringBuilder();
    for (String part : command) {
      b.append(b.length() == 0 ? "" : " ")
          .append(
              part.length() > 120 ? part.substring(0, 60) + "...(" + part.length() + ")" : part);
    }
    return b.toString();
  }
}
