package org.witrpc.process;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.ServerPing;
import org.witrpc.Status;
import org.witrpc.WitException;
import org.witrpc.WitRemoteException;
import org.witrpc.WitTransportException;
import org.witrpc.client.ConnectionState;
import org.witrpc.client.ReconnectPolicy;
import org.witrpc.client.WitClient;
import org.witrpc.spi.RuntimeDirectory;

/**
 * A worker process started by this host, and the typed proxy of the service it serves.
 *
 * <pre>{@code
 * try (WorkerProcess<Calculator> worker =
 *     WorkerProcess.builder(Calculator.class).mainClass(CalculatorWorker.class).start()) {
 *   Calculator calc = worker.service();
 *   calc.add(1, 2);
 * }
 * }</pre>
 *
 * <p>The worker (see {@link WitWorker}) serves on a fresh, unguessable address with a fresh 256-bit
 * access token, both handed to it in the environment, never on the command line; the connection is
 * encrypted and the token bound into its key agreement. {@link WorkerProcessBuilder#start} returns
 * once the worker serves, or throws a {@link WorkerStartException} with the worker's last output
 * and leaves no process behind.
 *
 * <p>With a {@link RestartPolicy} a worker that dies is started again on the same address with the
 * same token; the host's client reconnects by itself and the proxy from {@link #service()} keeps
 * working (calls made meanwhile wait for the worker, within their timeout, also those made before
 * the host saw the death; a call that was on its way or running when the worker died fails with a
 * {@link WitTransportException} and is not repeated). A dead worker's socket and shared-memory
 * files are removed at once.
 *
 * <p>Thread safety: safe for concurrent use; the proxy too. {@link #close()} is idempotent.
 */
public final class WorkerProcess<T> implements AutoCloseable {
  /** The grace {@link #close()} gives the worker to stop before it is killed. */
  public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(5);

  private static final Logger LOG = LoggerFactory.getLogger(WorkerProcess.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long POLL_MILLIS = 20;

  private final String name;
  private final String serviceName;
  private final WorkerSpec spec;
  private final String transportName;
  private final Path runtimeDirectory;
  private final Map<String, String> environment;
  private final WitClient client;
  private final T service;
  private final WorkerControl control;
  private final ServerPing pinger;
  private final ScheduledExecutorService supervisor;
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();

  /** Times the host's client became READY: a restart serves once it grew after the exit. */
  private final AtomicLong readies = new AtomicLong();

  /**
   * True on a thread while it tells the listeners of an event (of any worker): it must not wait for
   * an exit, which may need that very thread to go on.
   */
  private static final ThreadLocal<Boolean> notifying = ThreadLocal.withInitial(() -> false);

  private final Object lock = new Object();
  private final Deque<Long> restarts = new ArrayDeque<>(); // guarded by lock
  private WorkerState state = WorkerState.STARTING; // guarded by lock
  private LaunchedProcess current; // guarded by lock
  private long pid = -1; // guarded by lock
  private int lastExitCode; // guarded by lock
  private boolean stopping; // guarded by lock; also set when no restart will follow
  private long readiesAtExit; // guarded by lock
  private ScheduledFuture<?> pendingRestart; // guarded by lock
  private LaunchedProcess killedUnresponsive; // guarded by lock

  /**
   * Runs on the supervisor right after a restart started its process, before the process is
   * watched: a seam for tests to stop the worker in that window.
   */
  volatile Runnable afterRelaunch = () -> {};

  /** Health checks missed in a row by the current process; only on the supervisor thread. */
  private int missedChecks;

  private WorkerProcess(String name, Class<T> iface, WorkerSpec spec) {
    this.name = name;
    this.serviceName = iface.getName();
    this.spec = spec;
    byte[] random = new byte[16];
    RANDOM.nextBytes(random);
    this.transportName = "wk-" + HexFormat.of().formatHex(random);
    this.runtimeDirectory = RuntimeDirectory.defaultDirectory();
    byte[] token = new byte[32];
    RANDOM.nextBytes(token);
    String accessToken = Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    String address = spec.uri(transportName);
    Map<String, String> env = new HashMap<>(spec.environment());
    env.put(WorkerEnvironment.ADDRESS, address);
    env.put(WorkerEnvironment.TOKEN, accessToken);
    env.put(WorkerEnvironment.HOST_PID, Long.toString(ProcessHandle.current().pid()));
    env.put(WorkerEnvironment.ENCRYPTION, Boolean.toString(spec.encryption()));
    env.put(WorkerEnvironment.SERIALIZER, spec.serializer().name());
    env.put(WorkerEnvironment.NAME, name);
    this.environment = Map.copyOf(env);
    WitClient.Builder clientBuilder =
        WitClient.builder()
            .transport(address)
            .serializer(spec.serializer())
            .encryption(spec.encryption())
            .accessToken(accessToken)
            .timeout(spec.callTimeout());
    if (spec.restartPolicy().isPresent()) {
      clientBuilder.autoReconnect(
          ReconnectPolicy.exponential(Duration.ofMillis(10), Duration.ofMillis(200))
              .connectTimeout(spec.startTimeout()));
    }
    this.client = clientBuilder.build();
    client.onStateChange(
        (from, to, cause) -> {
          if (to == ConnectionState.READY) {
            readies.incrementAndGet();
          }
        });
    this.service = client.service(iface);
    this.control = client.service(WorkerControl.class);
    this.pinger = client.service(ServerPing.class);
    ScheduledThreadPoolExecutor supervising =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "witrpc-process-supervisor-" + name);
              t.setDaemon(true);
              return t;
            });
    // a health check due later must not keep the thread after the worker ended
    supervising.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    supervising.setRemoveOnCancelPolicy(true);
    this.supervisor = supervising;
  }

  /** A builder of workers serving {@code iface}. */
  public static <T> WorkerProcessBuilder<T> builder(Class<T> iface) {
    return new WorkerProcessBuilder<>(iface);
  }

  static <T> WorkerProcess<T> start(String name, Class<T> iface, WorkerSpec spec) {
    WorkerProcess<T> worker = new WorkerProcess<>(name, iface, spec);
    try {
      worker.firstStart();
    } catch (RuntimeException | Error e) {
      boolean interrupted = Thread.interrupted(); // the clean-up waits for the process to be gone
      try {
        worker.abandon();
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
      throw e;
    }
    return worker;
  }

  /** The proxy of the worker's service; it keeps working across restarts. */
  public T service() {
    return service;
  }

  /** The worker's name, also the name of the logger its output goes to (after the package). */
  public String name() {
    return name;
  }

  /** The transport URI the worker serves on (not secret: the token is). */
  public String address() {
    return spec.uri(transportName);
  }

  /** The process id of the worker's current (or last) process. */
  public long pid() {
    synchronized (lock) {
      return pid;
    }
  }

  /** True on a thread that is telling a {@link WorkerListener} of an event. */
  static boolean onListenerThread() {
    return notifying.get();
  }

  /** True while the worker runs and the host's connection to it is up. */
  boolean isServing() {
    return state() == WorkerState.RUNNING && client.isConnected();
  }

  /** True once the worker has ended for good: {@link #onExit()} is complete. */
  boolean hasEnded() {
    return exit.isDone();
  }

  /** Calls on the host's connection waiting for their reply (for tests). */
  int pendingCalls() {
    return client.pendingCallCount();
  }

  /** The worker's state now. */
  public WorkerState state() {
    synchronized (lock) {
      return state;
    }
  }

  /**
   * Completes with the exit code when the worker has ended for good (stopped, exited without a
   * restart policy, or given up on by the policy), after its output was read to the end and its
   * files were removed.
   */
  public CompletableFuture<Integer> onExit() {
    return exit.copy();
  }

  /**
   * Stops the worker: asks it over witrpc to stop (or, when not connected, sends its process tree
   * SIGTERM), waits up to {@code grace} for the tree to exit, then kills it. Returns when it is
   * gone; called from a {@link WorkerListener}, returns at once and the stop goes on in the
   * background. Idempotent.
   */
  public void stop(Duration grace) {
    Objects.requireNonNull(grace, "grace == null");
    Duration capped = Durations.capped(grace);
    LaunchedProcess process = beginStop();
    if (process != null) {
      if (notifying.get()) {
        // the supervisor (or the starting thread) must go on to see the exit: stop elsewhere
        RequestThread.start(() -> end(process, capped));
        return;
      }
      end(process, capped);
    }
    awaitExit();
  }

  /** Ends {@code process} and its descendants: asked first, killed after {@code grace}. */
  private void end(LaunchedProcess process, Duration grace) {
    long deadline = System.nanoTime() + grace.toNanos();
    process.rememberDescendants();
    if (!askToStop(grace)) {
      process.destroyTree(false);
    }
    client.close();
    try {
      if (!process.awaitTreeGone(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        LOG.warn("worker {} did not stop within {}: killing it", name, grace);
        process.killTreeAndWait();
      }
    } catch (InterruptedException e) {
      process.destroyTree(true);
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Kills the worker's process tree at once (SIGKILL) and returns when it is gone; called from a
   * {@link WorkerListener}, returns at once. Idempotent.
   */
  public void kill() {
    LaunchedProcess process = beginStop();
    client.close();
    if (process != null) {
      process.destroyTree(true);
    }
    awaitExit();
  }

  /** Stops the worker with {@link #DEFAULT_STOP_GRACE}. Idempotent. */
  @Override
  public void close() {
    stop(DEFAULT_STOP_GRACE);
  }

  @Override
  public String toString() {
    return "WorkerProcess[" + name + ", " + address() + ", " + state() + "]";
  }

  // ---- starting ----

  private void firstStart() {
    LaunchedProcess process = launch();
    if (process == null) {
      throw new WorkerStartException("worker " + name + " was stopped before it served", null);
    }
    long deadline = System.nanoTime() + spec.startTimeout().toNanos();
    WitException lastFailure = null;
    while (true) {
      if (Thread.currentThread().isInterrupted()) {
        throw startFailure("was interrupted before it served", lastFailure, process);
      }
      if (!process.process().isAlive()) {
        throw startFailure(
            "exited with code " + process.process().exitValue() + " before it served",
            lastFailure,
            process);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw startFailure(
            "did not serve within the start timeout of " + spec.startTimeout(),
            lastFailure,
            process);
      }
      process.rememberDescendants(); // a wrapper's JVM, while the wrapper lives to show it
      try {
        client.connect(Duration.ofNanos(Math.min(left, TimeUnit.SECONDS.toNanos(5))));
        process.rememberDescendants();
        break;
      } catch (WitTransportException notYet) {
        lastFailure = notYet; // not listening yet: try again shortly
        try {
          process.process().waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt(); // the loop's next round says so
        }
      } catch (WitException refused) {
        throw startFailure(
            Thread.currentThread().isInterrupted()
                ? "was interrupted before it served"
                : "refused the host's connection: " + refused.getMessage(),
            refused,
            process);
      }
    }
    try {
      control.addHostLink(reason -> LOG.debug("worker {} stops: {}", name, reason));
    } catch (WitException e) {
      throw startFailure("failed right after it served: " + e.getMessage(), e, process);
    }
    checkServesTheService(process);
    watch(process);
    transition(WorkerState.RUNNING, OptionalInt.empty(), "pid " + process.pid());
    spec.healthCheck().ifPresent(check -> scheduleCheck(check.interval().toNanos()));
  }

  /**
   * Refuses a worker that serves other services than the one it was started for (its main class
   * serves another interface, say): every call on {@link #service()} would fail. A worker of an
   * older witrpc that cannot say what it serves is taken as it is.
   */
  private void checkServesTheService(LaunchedProcess process) {
    List<String> served;
    try {
      served = control.services();
    } catch (WitException e) {
      if (e instanceof WitRemoteException remote && remote.is(Status.NOT_FOUND)) {
        LOG.debug("worker {} cannot say which services it serves: {}", name, e.getMessage());
        return;
      }
      throw startFailure("failed right after it served: " + e.getMessage(), e, process);
    }
    if (!served.contains(serviceName)) {
      throw startFailure(
          "serves "
              + (served.isEmpty() ? "no service" : String.join(", ", served))
              + " but not "
              + serviceName
              + ", the interface it was started for",
          null,
          process);
    }
  }

  /**
   * Starts the worker's command; the worker is {@link WorkerState#STARTING}. Returns null, the
   * process ended and its files removed, if a stop began meanwhile: that stop found no process and
   * finishes by itself.
   */
  private LaunchedProcess launch() {
    transition(WorkerState.STARTING, OptionalInt.empty(), "");
    LaunchedProcess process;
    try {
      process =
          LaunchedProcess.start(name, spec.command(), environment, spec.directory(), spec.output());
    } catch (IOException e) {
      throw new WorkerStartException(
          "worker " + name + " did not start: cannot run " + spec.describeCommand() + ": " + e, e);
    }
    synchronized (lock) {
      // published and checked under one lock: a stop from now on takes this process as the one to
      // end, and its exit (watched by the caller) finishes that stop
      if (!stopping) {
        current = process;
        pid = process.pid();
        return process;
      }
    }
    try {
      process.killTreeAndWait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    WorkerFiles.remove(runtimeDirectory, transportName);
    return null;
  }

  /**
   * Kills the tree of a worker that failed to start, reads its last output and returns the failure;
   * an interrupted starting thread waits for that all the same and keeps its interrupt status.
   */
  private WorkerStartException startFailure(String what, Throwable cause, LaunchedProcess process) {
    boolean interrupted = Thread.interrupted(); // the clean-up must not be cut short by it
    try {
      process.killTreeAndWait();
      process.awaitOutputDrained(2_000);
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    return new WorkerStartException(
        "worker "
            + name
            + " ("
            + spec.describeCommand()
            + ") "
            + what
            + "; its last output:\n"
            + process.outputTail(),
        cause);
  }

  /** After a failed first start: nothing may be left (process, client, threads, files). */
  private void abandon() {
    LaunchedProcess process;
    synchronized (lock) {
      process = current;
      stopping = true;
    }
    client.close();
    if (process != null) {
      try {
        process.killTreeAndWait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    supervisor.shutdownNow();
    WorkerFiles.remove(runtimeDirectory, transportName);
    transition(WorkerState.FAILED, OptionalInt.empty(), "did not start");
    exit.complete(
        process != null && !process.process().isAlive() ? process.process().exitValue() : -1);
  }

  // ---- supervision ----

  /** Handles the exit of {@code process} on the supervisor thread. */
  private void watch(LaunchedProcess process) {
    process.process().onExit().thenRun(() -> supervisor.execute(() -> onExited(process)));
  }

  private void onExited(LaunchedProcess process) {
    boolean unresponsive;
    synchronized (lock) {
      readiesAtExit = readies.get();
      unresponsive = killedUnresponsive == process;
      killedUnresponsive = null;
    }
    missedChecks = 0;
    try {
      // a wrapper's JVM may outlive the wrapper, still serving: it must be gone before a restart
      process.killTreeAndWait();
      process.awaitOutputDrained(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    WorkerFiles.remove(runtimeDirectory, transportName);
    int code = process.process().exitValue();
    long restartDelayNanos = -1;
    int restartNumber = 0;
    boolean gaveUp = false;
    synchronized (lock) {
      current = null;
      lastExitCode = code;
      if (!stopping && spec.restartPolicy().isPresent()) {
        RestartPolicy policy = spec.restartPolicy().get();
        long now = System.nanoTime();
        while (!restarts.isEmpty() && now - restarts.peekFirst() > policy.within().toNanos()) {
          restarts.removeFirst();
        }
        if (restarts.size() < policy.maxRestarts()) {
          restarts.addLast(now);
          restartNumber = restarts.size();
          restartDelayNanos = policy.delayBefore(restartNumber).toNanos();
        } else {
          gaveUp = true;
        }
      }
      if (restartDelayNanos < 0) {
        stopping = true; // final: a stop from now on (a listener's, say) has nothing to do
      }
    }
    transition(
        WorkerState.EXITED,
        OptionalInt.of(code),
        "pid "
            + process.pid()
            + (unresponsive
                ? ", killed after "
                    + spec.healthCheck().orElseThrow().maxMissed()
                    + " health checks in a row went unanswered"
                : ""));
    if (restartDelayNanos >= 0) {
      scheduleRestart(restartNumber, restartDelayNanos);
    } else {
      finish(
          gaveUp ? WorkerState.FAILED : null,
          gaveUp ? "the restart policy gave up: " + spec.restartPolicy().get() : "");
    }
  }

  private void scheduleRestart(int number, long delayNanos) {
    if (isStopping()) {
      return; // a listener of EXITED stopped it: the stop saw no process and finishes
    }
    transition(
        WorkerState.RESTARTING,
        OptionalInt.empty(),
        "restart " + number + " in " + Duration.ofNanos(delayNanos).toMillis() + " ms");
    synchronized (lock) {
      if (stopping) {
        return; // stop() saw no process and finishes
      }
      pendingRestart = supervisor.schedule(this::restart, delayNanos, TimeUnit.NANOSECONDS);
    }
  }

  private void restart() {
    synchronized (lock) {
      pendingRestart = null;
      if (stopping) {
        return;
      }
    }
    LaunchedProcess process;
    try {
      process = launch();
    } catch (WorkerStartException e) {
      LOG.error("worker {}: {}", name, e.getMessage());
      finish(WorkerState.FAILED, e.getMessage());
      return;
    }
    if (process == null) {
      return; // a stop began while the JVM was launched, found no process, and finishes
    }
    afterRelaunch.run();
    // also when a stop took the process meanwhile: its exit, handled as any other, ends the stop
    watch(process);
    long deadline = System.nanoTime() + spec.startTimeout().toNanos();
    // the client reconnects by itself (same address, same token) and subscribes the link again;
    // a connection that was READY before the exit is not the new process's
    while (!client.isConnected() || readies.get() <= readiesAtExit()) {
      process.rememberDescendants();
      if (!process.process().isAlive() || isStopping()) {
        return; // onExited (queued behind this task) takes over
      }
      if (System.nanoTime() - deadline > 0) {
        LOG.warn(
            "worker {} did not serve within {} after a restart: killing it",
            name,
            spec.startTimeout());
        process.destroyTree(true);
        return;
      }
      waitForExit(process, POLL_MILLIS);
    }
    process.rememberDescendants();
    transition(WorkerState.RUNNING, OptionalInt.empty(), "pid " + process.pid());
  }

  // ---- health checks (on the supervisor thread) ----

  private void scheduleCheck(long delayNanos) {
    try {
      supervisor.schedule(this::sendCheck, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException finished) {
      // the worker ended for good: no more checks
    }
  }

  /**
   * Asks a running worker for a sign of life ({@link ServerPing}, answered by its server's reader
   * however busy its executor is), to be judged after the check's timeout.
   */
  private void sendCheck() {
    HealthCheck check = spec.healthCheck().orElseThrow();
    try {
      LaunchedProcess process = runningProcess();
      if (process == null) {
        missedChecks = 0; // starting, restarting or ending: the exit path is in charge
        scheduleCheck(check.interval().toNanos());
        return;
      }
      long sent = System.nanoTime();
      CompletableFuture<Void> ping;
      try {
        // not connected: fails at once, or (reconnecting) waits for a connection; a miss either way
        ping = pinger.ping();
      } catch (RuntimeException e) {
        ping = CompletableFuture.failedFuture(e);
      }
      CompletableFuture<Void> sentPing = ping;
      try {
        supervisor.schedule(
            () -> judge(check, process, sentPing, sent),
            check.timeout().toNanos(),
            TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException finished) {
        sentPing.cancel(true);
      }
    } catch (Throwable t) { // the checks must go on (an Error creating a thread, say)
      LOG.warn("worker {}: a health check failed to run", name, t);
      scheduleCheck(check.interval().toNanos());
    }
  }

  /**
   * Counts a check of {@code process} that got no answer as missed (an error status is an answer: a
   * server at its call limit, or of an older witrpc without the ping); kills it after too many.
   */
  private void judge(
      HealthCheck check, LaunchedProcess process, CompletableFuture<Void> ping, long sent) {
    try {
      boolean answered;
      if (!ping.isDone()) {
        ping.cancel(true); // gives the call up, here and on the worker
        answered = false;
      } else {
        try {
          ping.join();
          answered = true;
        } catch (RuntimeException e) {
          answered = (e.getCause() != null ? e.getCause() : e) instanceof WitRemoteException;
        }
      }
      if (answered) {
        missedChecks = 0;
      } else if (runningProcess() == process && ++missedChecks >= check.maxMissed()) {
        // no answer: it stopped, or its connection cannot be made (one that died is not killed)
        missedChecks = 0;
        killUnresponsive(process, check);
      }
    } catch (Throwable t) {
      LOG.warn("worker {}: a health check failed to run", name, t);
    } finally {
      scheduleCheck(Math.max(0, check.interval().toNanos() - (System.nanoTime() - sent)));
    }
  }

  /**
   * Kills the tree of a worker that answers no check, unless it is being stopped (a stop that
   * begins later finds it dying); its exit is handled as any other.
   */
  private void killUnresponsive(LaunchedProcess process, HealthCheck check) {
    synchronized (lock) {
      if (stopping || current != process || !process.process().isAlive()) {
        return; // stopped, or died by itself: its exit is handled as such
      }
      killedUnresponsive = process;
      LOG.warn(
          "worker {} (pid {}) answered none of {} health checks in a row within {}: killing it",
          name,
          process.pid(),
          check.maxMissed(),
          check.timeout());
      process.destroyTree(true); // signals only; under the lock so that no stop begins meanwhile
    }
  }

  /** The worker's process while it is {@link WorkerState#RUNNING} and not stopping, else null. */
  private LaunchedProcess runningProcess() {
    synchronized (lock) {
      return state == WorkerState.RUNNING && !stopping ? current : null;
    }
  }

  /** Final: closes the client, stops supervising, completes {@link #onExit()}. */
  private void finish(WorkerState finalState, String detail) {
    client.close();
    int code;
    synchronized (lock) {
      stopping = true;
      code = lastExitCode;
    }
    if (finalState != null) {
      transition(finalState, OptionalInt.empty(), detail);
    }
    supervisor.shutdown();
    exit.complete(code);
  }

  // ---- stopping ----

  /** Marks the worker as stopping; returns its live process, or null if it has none. */
  private LaunchedProcess beginStop() {
    LaunchedProcess process;
    boolean finishNow = false;
    synchronized (lock) {
      if (stopping || exit.isDone()) {
        return null;
      }
      stopping = true;
      process = current;
      if (process == null) {
        // between an exit and its restart: no process to stop
        if (pendingRestart != null) {
          pendingRestart.cancel(false);
          pendingRestart = null;
        }
        finishNow = true;
      }
    }
    transition(WorkerState.STOPPING, OptionalInt.empty(), "");
    if (finishNow) {
      supervisor.execute(() -> finish(WorkerState.EXITED, "stopped while restarting"));
    }
    return process;
  }

  private boolean isStopping() {
    synchronized (lock) {
      return stopping;
    }
  }

  private long readiesAtExit() {
    synchronized (lock) {
      return readiesAtExit;
    }
  }

  /** Asks the worker over witrpc to stop; false if it could not be asked within {@code grace}. */
  private boolean askToStop(Duration grace) {
    if (!client.isConnected()) {
      return false;
    }
    CompletableFuture<Void> asked = CompletableFuture.runAsync(control::stop, RequestThread::start);
    try {
      asked.get(grace.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (ExecutionException | TimeoutException e) {
      LOG.debug("worker {} could not be asked to stop: {}", name, e.toString());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Waits (bounded) for {@link #finish}; not on a thread telling listeners, which it would block.
   */
  private void awaitExit() {
    if (notifying.get()) {
      return;
    }
    try {
      exit.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("worker {} did not finish its exit: {}", name, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void waitForExit(LaunchedProcess process, long millis) {
    try {
      process.process().waitFor(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WitException("interrupted while waiting for a worker", e);
    }
  }

  private void transition(WorkerState to, OptionalInt exitCode, String detail) {
    synchronized (lock) {
      state = to;
    }
    WorkerEvent event = new WorkerEvent(name, to, exitCode, detail);
    LOG.debug("{}", event);
    boolean outer = !notifying.get(); // a listener's stop tells of STOPPING from within
    notifying.set(true);
    try {
      for (WorkerListener listener : spec.listeners()) {
        try {
          listener.onEvent(event);
        } catch (Throwable e) { // an Error too: it must not end an exit, restart or stop halfway
          LOG.warn("a listener of worker {} failed on {}", name, event, e);
        }
      }
    } finally {
      if (outer) {
        notifying.remove();
      }
    }
  }

  /** Runs one request on a short-lived daemon thread of its own. */
  private static final class RequestThread {
    private RequestThread() {}

    static void start(Runnable request) {
      Thread t = new Thread(request, "witrpc-process-stop-request");
      t.setDaemon(true);
      t.start();
    }
  }
}
