package org.witrpc.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.Serializers;
import org.witrpc.server.WitServer;

/**
 * The worker's side of a {@link WorkerProcess}: serves the worker's services on the address, with
 * the access token, that its host put in the environment, and returns when the worker should end.
 *
 * <pre>{@code
 * public final class CalculatorWorker {
 *   public static void main(String[] args) {
 *     WitWorker.serve(Calculator.class, new CalculatorImpl());
 *   }
 * }
 * }</pre>
 *
 * <p>{@code serve} returns, after closing the server gracefully, when the first of these happens:
 * the host asks the worker to stop ({@link WorkerProcess#stop}); the host process exits; the host's
 * connection ends and the host does not reconnect within {@link Builder#detachGrace} (at once when
 * its process is gone too, which is how a {@code kill -9} of the host ends its workers in
 * milliseconds); the worker JVM gets SIGTERM. Return from {@code main} then to end the worker. A
 * worker whose host has died is never left behind: if some thread of the application still keeps
 * its JVM alive {@value #ORPHAN_EXIT_SECONDS} seconds after {@code serve} returned, the worker
 * calls {@link System#exit}.
 *
 * <p>Thread safety: {@code serve} blocks the calling thread (normally {@code main}); a builder is
 * not thread-safe.
 */
public final class WitWorker {
  /** Seconds after which a worker whose host is gone ends its JVM whatever its threads do. */
  public static final int ORPHAN_EXIT_SECONDS = 5;

  private static final Logger LOG = LoggerFactory.getLogger(WitWorker.class);

  private WitWorker() {}

  /**
   * Serves {@code implementation} as {@code iface} until the worker should end (see the class
   * comment).
   *
   * @throws IllegalStateException if the process was not started by a {@link WorkerProcess}
   */
  public static <T> void serve(Class<T> iface, T implementation) {
    builder().service(iface, implementation).serve();
  }

  /** A builder for several services or other options. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Configures the worker's server. The address, token, encryption and serializer come from the
   * host (through the environment); {@link #configure} may change anything else of the server.
   *
   * <p>Thread safety: not thread-safe.
   */
  public static final class Builder {
    private final List<Consumer<WitServer.Builder>> services = new ArrayList<>();
    private Consumer<WitServer.Builder> configuration = b -> {};
    private Duration detachGrace = Duration.ofSeconds(2);
    private Duration stopGrace = Duration.ofSeconds(5);
    private Map<String, String> environment = System.getenv();

    private Builder() {}

    /** Serves {@code implementation} as {@code iface}; repeat for several services. */
    public <T> Builder service(Class<T> iface, T implementation) {
      Objects.requireNonNull(iface, "iface == null");
      Objects.requireNonNull(implementation, "implementation == null");
      services.add(b -> b.service(iface, implementation));
      return this;
    }

    /**
     * Changes the server's options (limits, executor, dispatch...) before it is built; the
     * transport, token, encryption and serializer are set by the host and must stay as they are.
     */
    public Builder configure(Consumer<WitServer.Builder> configuration) {
      this.configuration = Objects.requireNonNull(configuration, "configuration == null");
      return this;
    }

    /**
     * How long the host may stay disconnected while its process lives (its client reconnecting)
     * before the worker ends. Default 2 seconds.
     */
    public Builder detachGrace(Duration detachGrace) {
      this.detachGrace = Durations.positive(detachGrace, "detachGrace");
      return this;
    }

    /** How long calls in flight may take to finish when the worker stops. Default 5 seconds. */
    public Builder stopGrace(Duration stopGrace) {
      Objects.requireNonNull(stopGrace, "stopGrace == null");
      if (stopGrace.isNegative()) {
        throw new IllegalArgumentException("stopGrace must not be negative: " + stopGrace);
      }
      this.stopGrace = Durations.capped(stopGrace);
      return this;
    }

    /** Reads the host's variables from {@code environment} instead of the process's (tests). */
    Builder environment(Map<String, String> environment) {
      this.environment = Map.copyOf(environment);
      return this;
    }

    /**
     * Serves until the worker should end (see {@link WitWorker}), then closes the server.
     *
     * @throws IllegalStateException if no service was added, or the process was not started by a
     *     {@link WorkerProcess}
     */
    public void serve() {
      if (services.isEmpty()) {
        throw new IllegalStateException("no service: add one with service(iface, implementation)");
      }
      String address = WorkerEnvironment.require(environment, WorkerEnvironment.ADDRESS);
      String token = WorkerEnvironment.require(environment, WorkerEnvironment.TOKEN);
      long hostPid =
          Long.parseLong(WorkerEnvironment.require(environment, WorkerEnvironment.HOST_PID));
      boolean encryption =
          !"false".equals(environment.get(WorkerEnvironment.ENCRYPTION)); // on unless said off
      String serializer = environment.getOrDefault(WorkerEnvironment.SERIALIZER, "json");

      Lifeline lifeline = new Lifeline(hostPid, detachGrace);
      WitServer.Builder server =
          WitServer.builder()
              .transport(address)
              .serializer(
                  serializer.equals("msgpack") ? Serializers.messagePack() : Serializers.json())
              .encryption(encryption)
              .accessToken(token)
              .service(WorkerControl.class, lifeline);
      services.forEach(s -> s.accept(server));
      configuration.accept(server);
      WitServer built = server.build();
      lifeline.services(built.serviceNames());
      Thread sigterm = new Thread(() -> endOnSigterm(lifeline, built), "witrpc-worker-sigterm");
      Runtime.getRuntime().addShutdownHook(sigterm);
      built.start();
      LOG.debug("worker serving on {}", address);
      String reason = awaitEnd(lifeline);
      LOG.debug("worker stops: {}", reason);
      lifeline.tellHosts(reason);
      built.close(stopGrace);
      try {
        Runtime.getRuntime().removeShutdownHook(sigterm);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is exiting already (SIGTERM): the hook is running
      }
      if (!ProcessHandle.of(hostPid).map(Liveness::isRunning).orElse(false)) {
        exitLaterIfStillAlive();
      }
    }

    private static String awaitEnd(Lifeline lifeline) {
      while (true) {
        try {
          return lifeline.ended().get();
        } catch (InterruptedException e) {
          lifeline.end("the worker's main thread was interrupted");
        } catch (ExecutionException e) {
          return "failed: " + e.getCause();
        }
      }
    }

    /** SIGTERM: ends {@code serve} and waits for it to have closed the server. */
    private static void endOnSigterm(Lifeline lifeline, WitServer server) {
      lifeline.end("SIGTERM");
      server.close(); // returns once the closing by serve is done
    }

    private static void exitLaterIfStillAlive() {
      Thread orphan =
          new Thread(
              () -> {
                try {
                  Thread.sleep(ORPHAN_EXIT_SECONDS * 1000L);
                } catch (InterruptedException e) {
                  return;
                }
                LOG.warn(
                    "the host is gone and the worker's JVM still runs {} s after serve returned:"
                        + " exiting",
                    ORPHAN_EXIT_SECONDS);
                System.exit(0);
              },
              "witrpc-worker-orphan-exit");
      orphan.setDaemon(true);
      orphan.start();
    }
  }
}
