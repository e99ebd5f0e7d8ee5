package org.witrpc.server;

import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.witrpc.DiscoveryGroup;
import org.witrpc.Metadata;
import org.witrpc.Serializers;
import org.witrpc.ServerPing;
import org.witrpc.ServerReflection;
import org.witrpc.Transports;
import org.witrpc.WitTransportException;
import org.witrpc.internal.Durations;
import org.witrpc.internal.Handshake;
import org.witrpc.internal.Limits;
import org.witrpc.internal.TrafficCounter;
import org.witrpc.internal.WarningThrottle;
import org.witrpc.spi.Serializer;
import org.witrpc.spi.ServerTransport;
import org.witrpc.spi.TransportOptions;

/**
 * Exposes plain Java objects through their interfaces to witrpc clients. Built by {@link
 * #builder()}, then {@link #start()}ed; {@link #close()} stops it.
 *
 * <pre>{@code
 * WitServer server = WitServer.builder()
 *     .service(Calculator.class, new CalculatorImpl())
 *     .transport("mem://calc")
 *     .build();
 * server.start();
 * }</pre>
 *
 * <p>Thread safety: safe for concurrent use; {@code close} is idempotent. Service implementations
 * are called from many threads at once and must be thread-safe themselves.
 */
public final class WitServer implements AutoCloseable {
  /** Default of {@link Builder#maxConcurrentCallsPerConnection(int)}. */
  public static final int DEFAULT_MAX_CONCURRENT_CALLS = 1024;

  /** Default of {@link Builder#handshakeTimeout(Duration)}: 5 seconds. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);

  /** Default of {@link Builder#maxSubscriptionsPerConnection(int)}. */
  public static final int DEFAULT_MAX_SUBSCRIPTIONS = 1024;

  /** Default interval of an announced server's heartbeats: 5 seconds. */
  public static final Duration DEFAULT_ANNOUNCE_INTERVAL = Duration.ofSeconds(5);

  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(1);

  /** How long {@link #close(Duration)} waits, in all, for clients to take their GOODBYE. */
  private static final Duration GOODBYE_WAIT = Duration.ofMillis(200);

  /** How long {@link #close(Duration)} then waits, in all, for the connections to close. */
  private static final Duration CONNECTION_CLOSE_WAIT = Duration.ofMillis(800);

  private static final AtomicLong CLOSER_IDS = new AtomicLong();

  /** Every server's {@link ServerPing}: answers at once. */
  private static final ServerPing PING = () -> CompletableFuture.completedFuture(null);

  /** How long a worker of the server's own executor spins for the next request (WarmHandOff). */
  private static final long WARM_SPIN_NANOS = 50_000;

  private final ServerTransport transport;
  private final ServerSettings settings;
  private final ExecutorService ownedExecutor;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch closeDone = new CountDownLatch(1);
  private final ServerLifecycle lifecycle = new ServerLifecycle();
  private final HandshakeTimer handshakeTimer;
  private final TrafficCounter traffic = new TrafficCounter();
  private final Builder.Announce announce;
  private final List<String> serviceNames;
  private volatile Announcer announcer;
  private volatile ServerAnnouncement announcement;

  private WitServer(Builder b) {
    this.announce = b.announce;
    this.serviceNames = b.services.keySet().stream().map(Class::getName).toList();
    this.transport =
        b.transport != null
            ? b.transport
            : Transports.server(
                b.transportUri,
                TransportOptions.defaults()
                    .withMaxClients(b.maxClients)
                    .withMaxFrameSize(b.maxFrameSize)
                    .withSendTimeout(b.sendTimeout));
    this.ownedExecutor = b.executor == null ? ServerExecutors.createDefault() : null;
    Executor executor =
        b.executor != null ? b.executor : new WarmHandOff(ownedExecutor, WARM_SPIN_NANOS);
    this.handshakeTimer = new HandshakeTimer(b.handshakeTimeout);
    this.settings =
        new ServerSettings(
            new ServiceRegistry(servicesOf(b)),
            b.serializer,
            b.encryption,
            TokenCheck.of(b.accessToken, b.tokenValidator, b.encryption),
            executor,
            b.dispatch,
            b.sendStackTraces,
            b.maxConcurrentCallsPerConnection,
            lifecycle,
            handshakeTimer,
            b.maxSubscriptionsPerConnection,
            PeerCheck.of(b.peerValidator),
            b.interceptors.isEmpty() ? null : new ServerInterceptors(b.interceptors),
            b.maxMetadataSize,
            new WarningThrottle());
  }

  /**
   * The services to serve: the application's, the server's own {@link ServerPing}, and (if
   * reflection is on and the application did not register its own) the {@link ServerReflection}
   * that describes the application's.
   */
  private Map<Class<?>, Object> servicesOf(Builder b) {
    Map<Class<?>, Object> services = new LinkedHashMap<>(b.services);
    services.put(ServerPing.class, PING);
    if (!b.reflection || b.services.containsKey(ServerReflection.class)) {
      return services;
    }
    Map<String, String> options =
        b.transportUri == null
            ? Map.of() // an instance: its settings are its own, not the builder's
            : ReflectionService.transportOptions(
                b.transportUri, b.maxFrameSize, b.maxClients, b.sendTimeout);
    services.put(
        ServerReflection.class,
        new ReflectionService(
            List.copyOf(b.services.keySet()), b.serializer.name(), options, transport::address));
    return services;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts accepting clients. Returns once clients can connect. A server on any transport but
   * {@code mem://} then announces itself to the other processes of this user: a small owner-only
   * file in the runtime directory (its address, process id, start time and service names; deleted
   * by {@link #close()}) that {@code org.witrpc.client.LocalServers} and {@code witrpc list} read.
   *
   * @throws IllegalStateException if already started or closed
   * @throws WitTransportException if the transport cannot listen (for example the name is in use)
   */
  public WitServer start() {
    if (closed.get() || !started.compareAndSet(false, true)) {
      throw new IllegalStateException("the server was already started or closed");
    }
    transport.start(
        connection ->
            traffic.countReceives(
                ServerConnection.accept(traffic.countSends(connection), settings)));
    announcement = ServerAnnouncement.write(transport.address(), serviceNames);
    if (closed.get() && announcement != null) {
      announcement.delete(); // a close that ran meanwhile did not see it
    }
    if (announce != null) {
      try {
        announcer =
            Announcer.start(
                announce.group(), announce.name(), address(), serviceNames, announce.interval());
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }
    return this;
  }

  /** The address clients connect to, for example {@code mem://calc}. */
  public String address() {
    return transport.address();
  }

  /**
   * The names of the services the application gave this server (their interfaces' binary names, as
   * clients address them), in the order they were added; not {@link ServerReflection}, which the
   * server adds itself. The same list the server announces.
   */
  public List<String> serviceNames() {
    return serviceNames;
  }

  /**
   * Refuses new connections from now on (their HELLO is answered 503 "server is not accepting
   * connections" and closed); connected clients keep being served. Idempotent.
   */
  public WitServer stopAccepting() {
    lifecycle.accepting(false);
    return this;
  }

  /** Accepts new connections again after {@link #stopAccepting()}. Idempotent. */
  public WitServer startAccepting() {
    lifecycle.accepting(true);
    return this;
  }

  /** Calls of all connections that a CANCEL can reach now (for tests). */
  int runningCalls() {
    int n = 0;
    for (ServerConnection c : lifecycle.connections()) {
      n += c.runningCalls();
    }
    return n;
  }

  /**
   * Bytes of the frames this server has sent to all its clients so far, as the transport took them:
   * an encrypted frame counts its ciphertext, a transport's own framing (a length prefix, a
   * WebSocket header, TLS records) does not.
   */
  public long bytesSent() {
    return traffic.bytesSent();
  }

  /**
   * Bytes of the frames this server has received from all its clients, as for {@link #bytesSent}.
   */
  public long bytesReceived() {
    return traffic.bytesReceived();
  }

  /** Number of clients connected now (handshake started or done). */
  public int connectionCount() {
    return lifecycle.connections().size();
  }

  /**
   * Closes without a grace period: like {@link #close(Duration)} with {@link Duration#ZERO}. Calls
   * in flight are not waited for (their clients see the connection close).
   */
  @Override
  public void close() {
    close(Duration.ZERO);
  }

  /**
   * Closes gracefully: refuses new connections and new calls (503 "the server is shutting down"),
   * lets the calls in flight finish for up to {@code grace}, then says GOODBYE ("server closed") to
   * every client that takes it within 200 ms (a frozen client is just disconnected) and closes the
   * connections, all at once, waiting for them up to another 800 ms; removes their subscriptions
   * from the implementations, stops listening and, if the server created its executor, shuts it
   * down (interrupting methods still running after another second). Returns within {@code grace}
   * plus about 2.5 s, whatever the clients and the service methods do. Idempotent; a call while
   * another thread is closing the server returns only when that close is done (so a shutdown hook
   * racing an application's own close cannot let the JVM exit with the socket still there).
   */
  public void close(Duration grace) {
    Objects.requireNonNull(grace, "grace == null");
    if (!closed.compareAndSet(false, true)) {
      awaitClosed();
      return;
    }
    try {
      Announcer a = announcer;
      if (a != null) {
        a.close(); // the GOODBYE first: listeners stop sending clients here
      }
      ServerAnnouncement announced = announcement;
      if (announced != null) {
        announced.delete();
      }
      lifecycle.startDraining();
      awaitNoCallsInFlight(grace);
      // one short wait for all: a client that does not read gets no GOODBYE, only the close
      long goodbyeDeadline = System.nanoTime() + GOODBYE_WAIT.toNanos();
      closeConnections(goodbyeDeadline, goodbyeDeadline + CONNECTION_CLOSE_WAIT.toNanos());
      transport.close();
      if (ownedExecutor != null) {
        ownedExecutor.shutdown();
        try {
          if (!ownedExecutor.awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            ownedExecutor.shutdownNow();
          }
        } catch (InterruptedException e) {
          ownedExecutor.shutdownNow();
          Thread.currentThread().interrupt();
        }
      }
    } finally {
      handshakeTimer.close();
      closeDone.countDown();
    }
  }

  /**
   * Says GOODBYE to every connection and closes it, all at once (a thread each, so that one
   * connection whose reader is busy in a service method does not hold up the others), and waits for
   * them until {@code waitDeadline}; a connection still closing then finishes on its own.
   */
  private void closeConnections(long goodbyeDeadline, long waitDeadline) {
    List<Thread> closers = new ArrayList<>();
    for (ServerConnection c : lifecycle.connections()) {
      Thread closer =
          new Thread(
              () -> c.goodbye("server closed", goodbyeDeadline),
              "witrpc-server-close-" + CLOSER_IDS.incrementAndGet());
      closer.setDaemon(true);
      closer.start();
      closers.add(closer);
    }
    for (Thread closer : closers) {
      long left = waitDeadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      try {
        closer.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Polls (bounded by {@code grace}) until no call is in flight; the calls end on other threads.
   */
  private void awaitNoCallsInFlight(Duration grace) {
    long deadline = System.nanoTime() + Durations.capped(grace).toNanos();
    while (lifecycle.inFlight() > 0 && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }
  }

  private void awaitClosed() {
    try {
      closeDone.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Configures a {@link WitServer}. Required: at least one {@link #service} and a transport.
   *
   * <p>Thread safety: not thread-safe; use from one thread, then {@link #build()}.
   */
  public static final class Builder {
    private final Map<Class<?>, Object> services = new LinkedHashMap<>();
    private String transportUri;
    private ServerTransport transport;
    private Serializer serializer = Serializers.json();
    private boolean encryption;
    private String accessToken;
    private Predicate<String> tokenValidator;
    private Predicate<Principal> peerValidator;
    private int maxClients = TransportOptions.DEFAULT_MAX_CLIENTS;
    private Executor executor;
    private Dispatch dispatch = Dispatch.AUTO;
    private boolean sendStackTraces;
    private int maxFrameSize = TransportOptions.DEFAULT_MAX_FRAME_SIZE;
    private Duration sendTimeout = TransportOptions.DEFAULT_SEND_TIMEOUT;
    private int maxConcurrentCallsPerConnection = DEFAULT_MAX_CONCURRENT_CALLS;
    private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
    private int maxSubscriptionsPerConnection = DEFAULT_MAX_SUBSCRIPTIONS;
    private final List<ServerInterceptor> interceptors = new ArrayList<>();
    private Announce announce;
    private Duration announceInterval = DEFAULT_ANNOUNCE_INTERVAL;

    /** What {@link #announce} configured. */
    record Announce(String name, DiscoveryGroup group, Duration interval) {}

    /**
     * Announces this server on the network as {@code name} once it starts: a HELLO, then a
     * heartbeat every {@link #announceInterval} (default 5 s), a GOODBYE at close, each with the
     * name, {@link WitServer#address()} (a wildcard host such as {@code 0.0.0.0} is replaced by the
     * listener with the sender's address) and the service interfaces' names, sent to {@code group}
     * (see {@link DiscoveryGroup}: multicast, TTL 1 by default). Off unless called. Only {@code
     * tcp://}, {@code ws://} and {@code wss://} servers can be announced ({@link #start()} throws
     * for a local transport); clients hear them with {@code NetworkDiscovery}. Announcements are
     * not authenticated and tell everyone on the segment what this server offers: see
     * docs/SECURITY.md.
     */
    public Builder announce(String name, DiscoveryGroup group) {
      Objects.requireNonNull(name, "name == null");
      Objects.requireNonNull(group, "group == null");
      if (name.isBlank() || name.length() > 255 || name.chars().anyMatch(Character::isISOControl)) {
        throw new IllegalArgumentException(
            "the announced name must be 1 to 255 characters, not blank, no control characters");
      }
      this.announce = new Announce(name, group, null);
      return this;
    }

    /**
     * How often an announced server says it is still there (default 5 s, at least 100 ms); a
     * listener forgets it three intervals plus a second after the last one it heard.
     */
    public Builder announceInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval == null");
      if (interval.compareTo(Duration.ofMillis(100)) < 0
          || interval.compareTo(Duration.ofMinutes(3)) > 0) {
        throw new IllegalArgumentException("announceInterval must be 100 ms to 3 minutes");
      }
      this.announceInterval = interval;
      return this;
    }

    private int maxMetadataSize = Metadata.DEFAULT_MAX_SIZE;
    private boolean reflection = true;

    private Builder() {}

    /**
     * Whether the server offers {@link ServerReflection}, which describes its services (interfaces,
     * method signatures, listeners), protocol version, serializer and transport settings to any
     * client that passes the handshake and the access token, like any call. With it off, a client
     * that asks gets 404 NOT_FOUND like for any unknown service. It never describes classes other
     * than the registered interfaces and those their methods name. Default true.
     */
    public Builder reflection(boolean reflection) {
      this.reflection = reflection;
      return this;
    }

    /**
     * Adds an interceptor that every call (not subscribe / unsubscribe, nor the server's own {@link
     * ServerPing}) passes through, after those added before: the first added is the outermost. See
     * {@link ServerInterceptor} for the thread it runs on and what happens when it throws. None by
     * default; with none, a call costs nothing for them.
     */
    public Builder interceptor(ServerInterceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor == null"));
      return this;
    }

    /**
     * Largest metadata block a call may carry, in bytes (keys, values and their length fields; see
     * docs/PROTOCOL.md), announced to clients in the handshake: a client fails a call with more
     * before sending it, and a request with more (or with a malformed block) is answered 400
     * without being run or its metadata being allocated. Default {@value
     * Metadata#DEFAULT_MAX_SIZE}; 0 refuses all metadata.
     *
     * @throws IllegalArgumentException if negative or above 1 MiB
     */
    public Builder maxMetadataSize(int bytes) {
      if (bytes < 0 || bytes > 1 << 20) {
        throw new IllegalArgumentException("maxMetadataSize must be 0 to 1 MiB, not " + bytes);
      }
      this.maxMetadataSize = bytes;
      return this;
    }

    /**
     * Exposes {@code implementation} through interface {@code iface}. Call once per interface;
     * several interfaces make a composite service, routed by interface.
     */
    public <T> Builder service(Class<T> iface, T implementation) {
      Objects.requireNonNull(iface, "iface == null");
      Objects.requireNonNull(implementation, "implementation == null");
      if (!iface.isInterface()) {
        throw new IllegalArgumentException(iface.getName() + " is not an interface");
      }
      if (iface == ServerPing.class) {
        throw new IllegalArgumentException(
            iface.getName() + " is the server's own: every server answers it by itself");
      }
      if (services.putIfAbsent(iface, implementation) != null) {
        throw new IllegalArgumentException(iface.getName() + " is already registered");
      }
      return this;
    }

    /** The transport as a URI, for example {@code mem://calc} or {@code pipe://calc}. */
    public Builder transport(String uri) {
      this.transportUri = Objects.requireNonNull(uri, "uri == null");
      this.transport = null;
      return this;
    }

    /** An unstarted transport instance; the server starts and closes it. */
    public Builder transport(ServerTransport transport) {
      this.transport = Objects.requireNonNull(transport, "transport == null");
      this.transportUri = null;
      return this;
    }

    /** The serializer; clients must use the same one. Default {@code Serializers.json()}. */
    public Builder serializer(Serializer serializer) {
      this.serializer = Objects.requireNonNull(serializer, "serializer == null");
      return this;
    }

    /**
     * Whether every connection is encrypted (X25519 key agreement, AES-256-GCM per frame; see
     * docs/SECURITY.md). Clients must use the same setting: a client that differs is refused in the
     * handshake with a message naming the setting. Default false.
     */
    public Builder encryption(boolean encryption) {
      this.encryption = encryption;
      return this;
    }

    /**
     * Largest frame accepted or sent, in bytes, checked before allocation (for a transport given as
     * URI); at least 1 KiB. Default 256 MiB. The handshake tells each client this limit (its larger
     * requests fail before they are sent) and tells the server the client's. A result larger than
     * the server may send (this limit, or the client's) is answered with 500 naming the sizes; an
     * event that large is dropped for that client, with a warning; the connection goes on.
     */
    public Builder maxFrameSize(int maxFrameSize) {
      this.maxFrameSize = Limits.maxFrameSize(maxFrameSize);
      return this;
    }

    /**
     * Most requests (and subscribe / unsubscribe calls) of one connection in flight at once; the
     * next one is answered with status 503 UNAVAILABLE. Default {@value
     * WitServer#DEFAULT_MAX_CONCURRENT_CALLS}.
     */
    public Builder maxConcurrentCallsPerConnection(int max) {
      this.maxConcurrentCallsPerConnection =
          Limits.atLeastOne("maxConcurrentCallsPerConnection", max);
      return this;
    }

    /**
     * How long a send (a reply, an event, GOODBYE) waits for a client that takes none of its bytes
     * (frozen, paused, not reading) before that client is disconnected, with a WARN naming it, for
     * a transport given as URI (a {@code sendTimeout} option in the URI wins). A method that fires
     * events to such a client, and every other sender to it, waits at most this long; its pending
     * work is dropped and everyone else goes on. Default 10 s.
     */
    public Builder sendTimeout(Duration sendTimeout) {
      this.sendTimeout = Limits.sendTimeout(sendTimeout);
      return this;
    }

    /**
     * How long a client may take from connecting to READY (HELLO, AUTH and their answers); a
     * connection that is not READY by then is told GOODBYE and closed, with a log line naming it,
     * so that silent peers cannot hold the {@link #maxClients} slots. One timer thread per server
     * serves all connections. Default {@link #DEFAULT_HANDSHAKE_TIMEOUT} (5 s).
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder handshakeTimeout(Duration handshakeTimeout) {
      this.handshakeTimeout = Limits.positive("handshakeTimeout", handshakeTimeout);
      return this;
    }

    /**
     * Most listener subscriptions ({@code addXxxListener} calls not yet removed) one connection may
     * hold at once, so that a client cannot make the server keep an unbounded number of stubs. The
     * next subscribe is refused with status 400 BAD_REQUEST naming the limit (not 503: waiting does
     * not help, the client must remove listeners first, and retry policies retry 503); the
     * connection and its other subscriptions stay. Default {@value
     * WitServer#DEFAULT_MAX_SUBSCRIPTIONS}.
     */
    public Builder maxSubscriptionsPerConnection(int max) {
      this.maxSubscriptionsPerConnection = Limits.atLeastOne("maxSubscriptionsPerConnection", max);
      return this;
    }

    /**
     * Clients must know this token. With {@link #encryption(boolean) encryption} on, it is bound
     * into the key agreement (HELLO_ACK flags bit 1): a client proves that it knows the token
     * without sending it, and the server proves the same to the client. Without encryption the
     * client sends it in AUTH and it is compared in constant time. Use a random token of 128 bits
     * or more: a bound token can be guessed offline by an impostor that records one handshake (see
     * docs/SECURITY.md).
     */
    public Builder accessToken(String accessToken) {
      this.accessToken = Handshake.checkedToken(accessToken);
      return this;
    }

    /**
     * Decides which tokens are accepted ("" when the client sent none); replaces {@link
     * #accessToken}. Called on a transport thread during the handshake: keep it fast. The validator
     * must see the token, so it cannot be bound into the key agreement: clients must send it, which
     * they refuse by default with encryption on (they opt in with {@code
     * WitClient.Builder.sendTokenToServer(true)}), because an impostor server would receive it the
     * same way. Prefer {@link #accessToken} where one static token will do.
     */
    public Builder tokenValidator(Predicate<String> tokenValidator) {
      this.tokenValidator = Objects.requireNonNull(tokenValidator, "tokenValidator == null");
      return this;
    }

    /**
     * Decides which peers are accepted by the identity their transport authenticated: the subject
     * of the client certificate on {@code tcp://} and {@code wss://} with mutual TLS ({@code
     * clientAuth=require}). Checked when the client authorizes, in addition to its access token; a
     * refused peer gets status 561 naming the identity. With a validator set, a peer without an
     * authenticated identity (any other transport, or TLS without client certificates) is refused.
     * Called on a transport thread during the handshake: keep it fast.
     */
    public Builder peerValidator(Predicate<Principal> peerValidator) {
      this.peerValidator = Objects.requireNonNull(peerValidator, "peerValidator == null");
      return this;
    }

    /** Most clients connected at once (for a transport given as URI). Default 64. */
    public Builder maxClients(int maxClients) {
      this.maxClients = Limits.maxClients(maxClients);
      return this;
    }

    /**
     * The executor that runs requests. The caller owns it (the server does not shut it down).
     * Default: virtual threads on JDK 21+, else a bounded pool of daemon threads; in front of the
     * default, a worker that finished a request spins up to 50 us for the next one before it
     * returns to the pool (at most one at a time), so back-to-back {@link Dispatch#EXECUTOR} calls
     * pay no thread wake-up.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor == null");
      return this;
    }

    /** Where requests run; default {@link Dispatch#AUTO}. */
    public Builder dispatch(Dispatch dispatch) {
      this.dispatch = Objects.requireNonNull(dispatch, "dispatch == null");
      return this;
    }

    /** Whether a 500 reply carries the server's stack trace. Default false. */
    public Builder sendStackTraces(boolean sendStackTraces) {
      this.sendStackTraces = sendStackTraces;
      return this;
    }

    /**
     * The configured server, not yet started.
     *
     * @throws IllegalStateException if no service or no transport is set
     */
    public WitServer build() {
      if (services.isEmpty()) {
        throw new IllegalStateException("no service: call service(Class, implementation)");
      }
      if (transport == null && transportUri == null) {
        throw new IllegalStateException("no transport: call transport(\"mem://NAME\") or similar");
      }
      if (announce != null) {
        announce = new Announce(announce.name(), announce.group(), announceInterval);
      }
      return new WitServer(this);
    }
  }
}
