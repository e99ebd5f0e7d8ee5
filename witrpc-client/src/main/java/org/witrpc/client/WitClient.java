package org.witrpc.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.witrpc.Serializers;
import org.witrpc.ServerReflection;
import org.witrpc.Transports;
import org.witrpc.WitSecurityException;
import org.witrpc.WitTransportException;
import org.witrpc.internal.Handshake;
import org.witrpc.internal.Limits;
import org.witrpc.internal.TrafficCounter;
import org.witrpc.spi.ClientTransport;
import org.witrpc.spi.Serializer;
import org.witrpc.spi.TransportOptions;

/**
 * Calls services of a witrpc server through proxies of their interfaces.
 *
 * <pre>{@code
 * try (WitClient client = WitClient.builder().transport("mem://calc").build()) {
 *   client.connect(Duration.ofSeconds(5));
 *   Calculator calc = client.service(Calculator.class);
 *   calc.add(1, 2);
 * }
 * }</pre>
 *
 * <p>Its {@link ConnectionState} is observable ({@link #state()}, {@link #onStateChange}); with
 * {@link Builder#autoReconnect} it reconnects by itself after a lost connection (handshake,
 * authorization, encryption and every listener subscription again), and the proxies keep working.
 *
 * <p>Thread safety: safe for concurrent use; the proxies too (many calls in flight from many
 * threads). {@code close} is idempotent and leaves no thread.
 */
public final class WitClient implements AutoCloseable {
  /** Default of {@link Builder#maxUndeliveredCallbacks(int)}. */
  public static final int DEFAULT_MAX_UNDELIVERED_CALLBACKS = 10_000;

  /** Default of {@link Builder#maxUndeliveredCallbackBytes(long)}: 64 MiB. */
  public static final long DEFAULT_MAX_UNDELIVERED_CALLBACK_BYTES = 64L << 20;

  private static final Logger LOG = LoggerFactory.getLogger(WitClient.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final Connector connector;
  private final ReconnectPolicy reconnectPolicy;
  private final ConnectionStates states;
  private final AsyncExecutor asyncExecutor;
  private final ScheduledThreadPoolExecutor timer;
  private final RemoteCalls calls;
  private final ClientInterceptors interceptors;
  private final ConcurrentHashMap<Class<?>, Object> proxies = new ConcurrentHashMap<>();
  private final DynamicClient dynamic;
  private final Object reconnectorLock = new Object();
  private Reconnector reconnector; // guarded by reconnectorLock

  private final TrafficCounter traffic = new TrafficCounter();

  private WitClient(Builder b) {
    ClientTransport transport =
        b.transport != null
            ? b.transport
            : Transports.client(
                b.transportUri,
                TransportOptions.defaults()
                    .withMaxFrameSize(b.maxFrameSize)
                    .withSendTimeout(b.sendTimeout));
    Subscriptions subscriptions = new Subscriptions(b.maxUndeliveredCallbackBytes);
    long spinNanos = b.spinBudget.toNanos();
    this.connector =
        new Connector(
            transport,
            b.serializer,
            b.encryption,
            b.accessToken,
            b.sendTokenToServer,
            subscriptions,
            b.maxUndeliveredCallbacks,
            spinNanos,
            traffic);
    this.reconnectPolicy = b.reconnectPolicy;
    this.states = new ConnectionStates(transport.address());
    this.asyncExecutor = new AsyncExecutor(r -> thread(r, "async"));
    this.timer = new ScheduledThreadPoolExecutor(1, r -> thread(r, "timer"));
    timer.setRemoveOnCancelPolicy(true);
    this.calls =
        new RemoteCalls(
            states,
            subscriptions,
            b.serializer,
            b.timeout.toNanos(),
            spinNanos,
            b.retryPolicy,
            asyncExecutor,
            timer);
    this.interceptors = b.interceptors.isEmpty() ? null : new ClientInterceptors(b.interceptors);
    this.dynamic = new DynamicClient(service(ServerReflection.class), calls, interceptors);
  }

  private static Thread thread(Runnable r, String role) {
    Thread t = new Thread(r, "witrpc-client-" + role + "-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    return t;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Connects and runs the handshake (protocol version, serializer, encryption, access token), and
   * subscribes again every listener added before (after a lost connection without auto-reconnect).
   * Returns when the connection is ready for calls. The {@code timeout} must be longer than zero;
   * one longer than 2^61 nanoseconds (about 73 years) is taken as that: no limit.
   *
   * @throws WitTransportException if the server cannot be reached, refuses new connections or
   *     closes the connection
   * @throws WitSecurityException if the server refuses the access token or the settings differ;
   *     with encryption and a token, also if the server does not prove that it knows the token, or
   *     does not bind it and {@link Builder#sendTokenToServer} does not allow sending it
   * @throws IllegalArgumentException if {@code timeout} is zero or negative (nothing is opened)
   * @throws IllegalStateException if the client is closed, connected or connecting
   */
  public WitClient connect(Duration timeout) {
    Duration limit = Limits.positive("timeout", timeout);
    states.beginConnect();
    try {
      openReady(limit);
    } catch (RuntimeException e) {
      states.connectFailed(e);
      throw e;
    }
    return this;
  }

  /** One full connect: handshake, re-subscription, READY. */
  private void openReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    ClientConnection cc = connector.open(timeout, this::onLost);
    try {
      calls.resubscribe(cc, deadline);
    } catch (RuntimeException e) {
      cc.close("re-subscription failed");
      throw e;
    }
    if (!states.ready(cc)) {
      cc.close("client closed");
      if (states.state() != ConnectionState.CLOSED) {
        throw new WitTransportException(
            connector.address() + " closed the connection right after the handshake");
      }
      throw new IllegalStateException("the client is closed");
    }
  }

  private void onLost(ClientConnection cc, WitTransportException failure) {
    boolean reconnect = reconnectPolicy != null;
    if (!states.lost(cc, failure, reconnect) || !reconnect) {
      return;
    }
    LOG.info(
        "lost the connection to {}; reconnecting: {}", connector.address(), failure.getMessage());
    synchronized (reconnectorLock) {
      if (states.state() != ConnectionState.RECONNECTING) {
        return; // closed meanwhile
      }
      reconnector =
          new Reconnector(
              reconnectPolicy,
              connector.address(),
              this::reconnectOnce,
              last -> states.gaveUp(last));
      reconnector.start();
    }
  }

  private void reconnectOnce(Duration timeout) {
    try {
      openReady(timeout);
    } catch (IllegalStateException closed) {
      // the client was closed during the attempt: nothing left to do
    }
  }

  /**
   * The proxy of service interface {@code iface}; one cached proxy per interface. Calls on it need
   * a connection ({@link #connect}); a proxy keeps working across reconnects.
   *
   * @throws IllegalArgumentException if {@code iface} is not an interface, has an invalid listener
   *     method, or passes a {@code @Listener} to a method other than {@code addXxx(L)} / {@code
   *     removeXxx(L)} (it could only fail on the server)
   */
  public <T> T service(Class<T> iface) {
    Objects.requireNonNull(iface, "iface == null");
    if (!iface.isInterface()) {
      throw new IllegalArgumentException(iface.getName() + " is not an interface");
    }
    return iface.cast(
        proxies.computeIfAbsent(iface, i -> ServiceProxy.create(iface, calls, interceptors)));
  }

  /**
   * Calls without the interface classes: by service and method name, with arguments and results as
   * JSON trees, and listener events as JSON; what the server offers comes from its reflection
   * service ({@link ServerReflection}). One instance per client, with the client's connection,
   * timeout, interceptors and serializer.
   */
  public DynamicClient dynamic() {
    return dynamic;
  }

  /** The connection's state now. */
  public ConnectionState state() {
    return states.state();
  }

  /**
   * Tells {@code listener} of every later state change, on the client's event thread, in order,
   * never under a witrpc lock.
   */
  public WitClient onStateChange(ConnectionStateListener listener) {
    states.addListener(Objects.requireNonNull(listener, "listener == null"));
    return this;
  }

  /** True while connected and ready for calls. */
  public boolean isConnected() {
    return states.readyNow().map(ClientConnection::isOpen).orElse(false);
  }

  /**
   * The address this client connects to, as its transport names it (for example {@code
   * mmf://calc}).
   */
  public String address() {
    return connector.address();
  }

  /**
   * Bytes of the frames this client has sent, over all its connections so far (reconnects
   * included), as the transport took them: an encrypted frame counts its ciphertext, a transport's
   * own framing (a length prefix, a WebSocket header, TLS records) does not.
   */
  public long bytesSent() {
    return traffic.bytesSent();
  }

  /** Bytes of the frames this client has received, counted as for {@link #bytesSent()}. */
  public long bytesReceived() {
    return traffic.bytesReceived();
  }

  /** Number of calls waiting for their reply on the current connection (for tests, metrics). */
  public int pendingCallCount() {
    ClientConnection cc = states.connection();
    return cc == null ? 0 : cc.pending().size();
  }

  /**
   * Stops reconnecting at once, disconnects (pending calls fail) and stops the client's threads.
   * Idempotent.
   */
  @Override
  public void close() {
    Optional<ClientConnection> cc = states.close();
    Reconnector r;
    synchronized (reconnectorLock) {
      r = reconnector;
      reconnector = null;
    }
    if (r != null) {
      r.stop();
    }
    cc.ifPresent(c -> c.close("client closed"));
    timer.shutdownNow();
    asyncExecutor.shutdown();
    LOG.debug("client of {} closed", connector.address());
  }

  /**
   * Configures a {@link WitClient}. Required: a transport.
   *
   * <p>Thread safety: not thread-safe; use from one thread, then {@link #build()}.
   */
  public static final class Builder {
    private String transportUri;
    private ClientTransport transport;
    private Serializer serializer = Serializers.json();
    private boolean encryption;
    private String accessToken = "";
    private boolean sendTokenToServer;
    private Duration timeout = Duration.ofSeconds(30);
    private Duration spinBudget = Duration.ofNanos(20_000);
    private int maxFrameSize = TransportOptions.DEFAULT_MAX_FRAME_SIZE;
    private Duration sendTimeout = TransportOptions.DEFAULT_SEND_TIMEOUT;
    private ReconnectPolicy reconnectPolicy;
    private RetryPolicy retryPolicy;
    private int maxUndeliveredCallbacks = DEFAULT_MAX_UNDELIVERED_CALLBACKS;
    private long maxUndeliveredCallbackBytes = DEFAULT_MAX_UNDELIVERED_CALLBACK_BYTES;
    private final List<ClientInterceptor> interceptors = new ArrayList<>();

    private Builder() {}

    /**
     * Adds an interceptor that every call through the client's proxies (not subscribe /
     * unsubscribe) passes through, after those added before: the first added is the outermost. See
     * {@link ClientInterceptor} for the thread it runs on and what happens when it throws. None by
     * default; with none, a call costs nothing for them.
     */
    public Builder interceptor(ClientInterceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor == null"));
      return this;
    }

    /** The server's address as a URI, for example {@code mem://calc}. */
    public Builder transport(String uri) {
      this.transportUri = Objects.requireNonNull(uri, "uri == null");
      this.transport = null;
      return this;
    }

    /** A transport instance. */
    public Builder transport(ClientTransport transport) {
      this.transport = Objects.requireNonNull(transport, "transport == null");
      this.transportUri = null;
      return this;
    }

    /**
     * Largest frame this client sends or accepts, in bytes, checked before allocation (for a
     * transport given as URI; a {@code maxFrameSize} option in the URI wins). The handshake tells
     * the server this limit and tells the client the server's: a request larger than either fails
     * with {@link org.witrpc.WitTransportException} before any of it is sent, and a larger result
     * is answered by the server with 500 instead (a larger event is dropped); the connection and
     * the calls in flight on it go on. At least 1 KiB. Default 256 MiB.
     */
    public Builder maxFrameSize(int maxFrameSize) {
      this.maxFrameSize = Limits.maxFrameSize(maxFrameSize);
      return this;
    }

    /**
     * How long a send waits for a server that takes none of its bytes (frozen, paused, not reading)
     * before the connection is closed as stalled, for a transport given as URI (a {@code
     * sendTimeout} option in the URI wins). Each call is bounded by its own timeout anyway, sending
     * included; this bound ends the connection, so that reconnecting can take over. Default 10 s.
     */
    public Builder sendTimeout(Duration sendTimeout) {
      this.sendTimeout = Limits.sendTimeout(sendTimeout);
      return this;
    }

    /** The serializer; must match the server's. Default {@code Serializers.json()}. */
    public Builder serializer(Serializer serializer) {
      this.serializer = Objects.requireNonNull(serializer, "serializer == null");
      return this;
    }

    /**
     * Whether the channel is encrypted (X25519 key agreement, AES-256-GCM per frame; the access
     * token is then bound into the keys, see {@link #accessToken}). Must match the server's
     * setting, else {@link #connect} fails naming it. Default false.
     */
    public Builder encryption(boolean encryption) {
      this.encryption = encryption;
      return this;
    }

    /**
     * The access token the server requires. Never logged. With {@link #encryption(boolean)
     * encryption} on, the token is bound into the key agreement and never sent: the client and a
     * server with the same static {@code accessToken} each prove that they know it, and the client
     * refuses (with a {@link WitSecurityException}, before any call) a server that cannot, so an
     * impostor server or a relay learns nothing. A server that does not bind (one with a {@code
     * tokenValidator}) is refused too unless {@link #sendTokenToServer(boolean)} allows it. Without
     * encryption the token is sent in AUTH in clear (over an owner-only local socket). Use a random
     * token of 128 bits or more (see docs/SECURITY.md). Default: none.
     *
     * @throws IllegalArgumentException if longer than {@link Handshake#MAX_TOKEN_BYTES} (8 KiB) in
     *     UTF-8, which no server accepts
     */
    public Builder accessToken(String accessToken) {
      this.accessToken = Handshake.checkedToken(accessToken);
      return this;
    }

    /**
     * Whether the access token may be sent (inside the encrypted channel) to a server that does not
     * bind it into the key agreement, which a server with a {@code tokenValidator} cannot do, since
     * the validator must see the token. Default false: such a server is refused with a {@link
     * WitSecurityException} and the token is not sent, because an impostor server could otherwise
     * simply not bind and receive the token. Set it to true only for a server that uses a {@code
     * tokenValidator}, and only where an impostor server is excluded by other means (the peer-user
     * check of the local transports, the runtime directory's permissions). A server that binds is
     * still bound to. No effect without encryption or without a token.
     */
    public Builder sendTokenToServer(boolean sendTokenToServer) {
      this.sendTokenToServer = sendTokenToServer;
      return this;
    }

    /**
     * How long a call waits for its reply. Default 30 seconds; must be positive; longer than 2^61
     * nanoseconds (about 73 years) is taken as that: no limit.
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Limits.positive("timeout", timeout);
      return this;
    }

    /**
     * How long a calling thread spins for its reply before it parks. Default 20 microseconds
     * (cheaper than a wake-up on most machines); zero parks at once; at most 10 ms. Each waiting
     * caller on a platform thread spends up to this budget on a core per call: one reads the
     * connection, the others check for their replies and yield the core between checks; a larger
     * budget buys fewer wake-ups for slow replies with CPU.
     */
    public Builder spinBudget(Duration spinBudget) {
      this.spinBudget = Limits.spinBudget(spinBudget);
      return this;
    }

    /**
     * Reconnects by itself after the connection was lost, as {@code policy} says; while
     * reconnecting, calls wait (within their timeout) for READY, also a call made in the instant
     * before the client saw the end (its frame never left). A call on its way when the connection
     * ended fails with a {@link org.witrpc.WitTransportException}. Off by default.
     */
    public Builder autoReconnect(ReconnectPolicy policy) {
      this.reconnectPolicy = Objects.requireNonNull(policy, "policy == null");
      return this;
    }

    /**
     * Most callbacks (events from the server) received and not yet handed to their listener, per
     * connection; they are delivered one at a time on the connection's callback thread. When a slow
     * listener lets more pile up, the client logs an error ("listener too slow: N callbacks
     * undelivered; closing the connection"), drops the waiting callbacks and closes the connection,
     * so that the {@link #autoReconnect} policy, if any, takes over; the transport's reader is
     * never blocked and memory stays bounded (the bytes the waiting callbacks hold too: {@link
     * #maxUndeliveredCallbackBytes}). Default {@value WitClient#DEFAULT_MAX_UNDELIVERED_CALLBACKS}.
     */
    public Builder maxUndeliveredCallbacks(int max) {
      this.maxUndeliveredCallbacks = Limits.atLeastOne("maxUndeliveredCallbacks", max);
      return this;
    }

    /**
     * Most bytes of callbacks (their frames) received and not yet handed to their listener, per
     * connection, beyond one callback of any size: the bound alongside {@link
     * #maxUndeliveredCallbacks}, since each waiting callback holds its whole frame (up to {@link
     * #maxFrameSize}). When a slow listener lets more pile up, the client logs an error ("listener
     * too slow: N bytes in M callbacks undelivered (limit L bytes); closing the connection"), drops
     * the waiting callbacks and closes the connection, as for the count. Default {@value
     * WitClient#DEFAULT_MAX_UNDELIVERED_CALLBACK_BYTES} (64 MiB, as the bytes a server queues for a
     * slowly reading client).
     *
     * @throws IllegalArgumentException if {@code max} is less than 1
     */
    public Builder maxUndeliveredCallbackBytes(long max) {
      if (max < 1) {
        throw new IllegalArgumentException(
            "maxUndeliveredCallbackBytes must be at least 1, not " + max);
      }
      this.maxUndeliveredCallbackBytes = max;
      return this;
    }

    /** Repeats failed calls that may be repeated, as {@code policy} says. Off by default. */
    public Builder retryPolicy(RetryPolicy policy) {
      this.retryPolicy = Objects.requireNonNull(policy, "policy == null");
      return this;
    }

    /**
     * The configured client, not yet connected.
     *
     * @throws IllegalStateException if no transport is set
     */
    public WitClient build() {
      if (transport == null && transportUri == null) {
        throw new IllegalStateException("no transport: call transport(\"mem://NAME\") or similar");
      }
      return new WitClient(this);
    }
  }
}
