package org.witrpc.process;

import java.util.Map;
import java.util.Optional;

/**
 * The environment variables through which a host hands a worker what it must know. They travel in
 * the environment, never on the command line, where {@code ps} would show the access token to every
 * user of the machine.
 *
 * <p>Thread safety: stateless.
 */
final class WorkerEnvironment {
  /** The transport URI the worker serves on, for example {@code mmf://wk-3f…}. */
  static final String ADDRESS = "WITRPC_WORKER_ADDRESS";

  /** The access token (256 random bits, base64url); the host's client knows it. */
  static final String TOKEN = "WITRPC_WORKER_TOKEN";

  /** The host's process id: the worker ends when that process does. */
  static final String HOST_PID = "WITRPC_WORKER_HOST_PID";

  /** {@code true} or {@code false}: whether the connection is encrypted. */
  static final String ENCRYPTION = "WITRPC_WORKER_ENCRYPTION";

  /** The serializer's name: {@code json} or {@code msgpack}. */
  static final String SERIALIZER = "WITRPC_WORKER_SERIALIZER";

  /** The worker's name, as the host logs it. */
  static final String NAME = "WITRPC_WORKER_NAME";

  private WorkerEnvironment() {}

  /**
   * The value of {@code variable} in {@code env}.
   *
   * @throws IllegalStateException naming the variable when it is missing: the process was not
   *     started by a {@link WorkerProcess}
   */
  static String require(Map<String, String> env, String variable) {
    return Optional.ofNullable(env.get(variable))
        .filter(value -> !value.isEmpty())
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "environment variable "
                        + variable
                        + " is not set: a worker is started by a WorkerProcess on its host"));
  }
}
