package org.witrpc.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.witrpc.Serializers;
import org.witrpc.spi.Serializer;

/**
 * Configures and starts a {@link WorkerProcess}. Required: what to run ({@link #mainClass}, {@link
 * #command(JavaCommand)} or {@link #commandLine}).
 *
 * <p>Thread safety: not thread-safe; configure from one thread, then {@link #start()} (which may be
 * called again for more workers of the same kind).
 */
public final class WorkerProcessBuilder<T> {
  private static final AtomicInteger NAMES = new AtomicInteger();

  private final Class<T> iface;
  private String name;
  private JavaCommand javaCommand;
  private List<String> commandLine;
  private final List<String> jvmOptions = new ArrayList<>();
  private final Map<String, String> environment = new HashMap<>();
  private Path directory;
  private String transport = "mmf";
  private Serializer serializer = Serializers.json();
  private boolean encryption = true;
  private Duration startTimeout = Duration.ofSeconds(30);
  private Duration callTimeout = Duration.ofSeconds(30);
  private WorkerOutput output = WorkerOutput.log();
  private RestartPolicy restartPolicy;
  private HealthCheck healthCheck;
  private final List<WorkerListener> listeners = new ArrayList<>();

  WorkerProcessBuilder(Class<T> iface) {
    this.iface = Objects.requireNonNull(iface, "iface == null");
    if (!iface.isInterface()) {
      throw new IllegalArgumentException(iface.getName() + " is not an interface");
    }
  }

  /**
   * The worker's name: its output is logged under {@code org.witrpc.process.NAME}. Default: the
   * interface's simple name and a number ({@code Calculator-1}).
   */
  public WorkerProcessBuilder<T> name(String name) {
    this.name = ProcessNames.check(name);
    return this;
  }

  /**
   * Runs {@code mainClass} with the host's {@code java}, from the host's class path, or from its
   * module path for a class in a named module ({@link JavaCommand#mainClass(Class)}).
   */
  public WorkerProcessBuilder<T> mainClass(Class<?> mainClass) {
    return command(JavaCommand.mainClass(mainClass));
  }

  /** Runs this Java command (a class path, module path or jar, with options and arguments). */
  public WorkerProcessBuilder<T> command(JavaCommand command) {
    this.javaCommand = Objects.requireNonNull(command, "command == null");
    this.commandLine = null;
    return this;
  }

  /**
   * Runs any command line, for example a script that starts the JVM; the worker in it must call
   * {@link WitWorker} in a process that inherits the environment.
   */
  public WorkerProcessBuilder<T> commandLine(List<String> command) {
    Objects.requireNonNull(command, "command == null");
    if (command.isEmpty()) {
      throw new IllegalArgumentException("the command line is empty");
    }
    this.commandLine = List.copyOf(checkElements(command, "command line"));
    this.javaCommand = null;
    return this;
  }

  /** Adds JVM options to a Java command ({@link #mainClass} or {@link #command(JavaCommand)}). */
  public WorkerProcessBuilder<T> jvmOptions(String... options) {
    Objects.requireNonNull(options, "options == null");
    jvmOptions.addAll(checkElements(Arrays.asList(options), "JVM options"));
    return this;
  }

  /** {@code list}, checked to hold no null, which would otherwise fail as a bare exception. */
  static List<String> checkElements(List<String> list, String what) {
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i) == null) {
        throw new NullPointerException(what + ": element " + i + " is null");
      }
    }
    return list;
  }

  /**
   * Sets an environment variable of the worker (on top of the host's environment).
   *
   * @throws IllegalArgumentException if the name is empty or has an {@code =} or a NUL, or the
   *     value has a NUL (the operating system would refuse them when starting the worker), or the
   *     name is one of the host's own {@code WITRPC_WORKER_*}
   */
  public WorkerProcessBuilder<T> environment(String variable, String value) {
    Objects.requireNonNull(variable, "variable == null");
    Objects.requireNonNull(value, "value == null");
    if (variable.isEmpty() || variable.indexOf('=') >= 0 || variable.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "an environment variable's name must not be empty nor contain '=' or NUL: '"
              + variable
              + "'");
    }
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "the value of environment variable " + variable + " must not contain NUL");
    }
    if (variable.startsWith("WITRPC_WORKER_")) {
      throw new IllegalArgumentException(variable + " is set by the host itself");
    }
    environment.put(variable, value);
    return this;
  }

  /** The worker's working directory. Default: the host's. */
  public WorkerProcessBuilder<T> workingDirectory(Path directory) {
    this.directory = Objects.requireNonNull(directory, "directory == null");
    return this;
  }

  /**
   * The transport: {@code mmf} (shared memory, the default) or {@code pipe} (Unix domain sockets),
   * optionally with the transport's URI options, as in {@code mmf?size=8MiB}. The transport's
   * module must be on the class path (or module path) of both sides.
   */
  public WorkerProcessBuilder<T> transport(String transport) {
    Objects.requireNonNull(transport, "transport == null");
    String scheme =
        transport.contains("?") ? transport.substring(0, transport.indexOf('?')) : transport;
    if (!scheme.equals("mmf") && !scheme.equals("pipe")) {
      throw new IllegalArgumentException(
          "transport must be mmf or pipe (with options after '?'): " + transport);
    }
    this.transport = transport;
    return this;
  }

  /**
   * The serializer of both sides: {@code Serializers.json()} (default) or {@code messagePack()}.
   */
  public WorkerProcessBuilder<T> serializer(Serializer serializer) {
    Objects.requireNonNull(serializer, "serializer == null");
    if (!serializer.name().equals("json") && !serializer.name().equals("msgpack")) {
      throw new IllegalArgumentException(
          "the worker knows the json and msgpack serializers, not " + serializer.name());
    }
    this.serializer = serializer;
    return this;
  }

  /** Whether the connection is encrypted (the token bound into the key agreement). Default on. */
  public WorkerProcessBuilder<T> encryption(boolean encryption) {
    this.encryption = encryption;
    return this;
  }

  /** How long a start may take until the worker serves. Default 30 seconds. */
  public WorkerProcessBuilder<T> startTimeout(Duration startTimeout) {
    this.startTimeout = Durations.positive(startTimeout, "startTimeout");
    return this;
  }

  /**
   * How long a call on the proxy waits for its reply. Default 30 seconds. It also bounds the host's
   * own short calls to the worker (attaching at the start, asking it to stop), which take
   * microseconds on a healthy worker.
   */
  public WorkerProcessBuilder<T> callTimeout(Duration callTimeout) {
    this.callTimeout = Durations.positive(callTimeout, "callTimeout");
    return this;
  }

  /** Where the worker's stdout and stderr go. Default {@link WorkerOutput#log()}. */
  public WorkerProcessBuilder<T> output(WorkerOutput output) {
    this.output = Objects.requireNonNull(output, "output == null");
    return this;
  }

  /** Restarts the worker when it dies, as {@code policy} says. Default: no restarts. */
  public WorkerProcessBuilder<T> restartPolicy(RestartPolicy policy) {
    this.restartPolicy = Objects.requireNonNull(policy, "policy == null");
    return this;
  }

  /**
   * Kills the worker when it stops answering although its process lives (stopped, stuck), as {@code
   * check} says; with a {@link #restartPolicy} it is started again. Default: no check, and a worker
   * that stops answering keeps its calls waiting until their {@link #callTimeout}.
   */
  public WorkerProcessBuilder<T> healthCheck(HealthCheck check) {
    this.healthCheck = Objects.requireNonNull(check, "check == null");
    return this;
  }

  /** Tells {@code listener} of every state change of the worker. */
  public WorkerProcessBuilder<T> listener(WorkerListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener == null"));
    return this;
  }

  /**
   * Starts the worker and returns once it serves.
   *
   * @throws WorkerStartException if it could not be run, exited first, did not serve within the
   *     start timeout, serves other interfaces than this builder's, or the calling thread was
   *     interrupted (its interrupt status stays set); no process is left behind
   */
  public WorkerProcess<T> start() {
    return start(name != null ? name : iface.getSimpleName() + "-" + NAMES.incrementAndGet());
  }

  /** Starts a worker named {@code workerName}. */
  WorkerProcess<T> start(String workerName) {
    return WorkerProcess.start(workerName, iface, spec());
  }

  /** The name a worker of this builder gets: the one set, or empty for a numbered default. */
  Optional<String> name() {
    return Optional.ofNullable(name);
  }

  Class<T> iface() {
    return iface;
  }

  private WorkerSpec spec() {
    List<String> command;
    if (javaCommand != null) {
      command = javaCommand.jvmOptions(jvmOptions).toList();
    } else if (commandLine != null) {
      if (!jvmOptions.isEmpty()) {
        throw new IllegalStateException(
            "jvmOptions apply to a Java command, not to a command line");
      }
      command = commandLine;
    } else {
      throw new IllegalStateException("nothing to run: set mainClass, command or commandLine");
    }
    int query = transport.indexOf('?');
    return new WorkerSpec(
        command,
        Map.copyOf(environment),
        directory,
        query < 0 ? transport : transport.substring(0, query),
        query < 0 ? "" : transport.substring(query + 1),
        serializer,
        encryption,
        startTimeout,
        callTimeout,
        output,
        Optional.ofNullable(restartPolicy),
        Optional.ofNullable(healthCheck),
        List.copyOf(listeners));
  }
}
